"""Email template use cases: a consultant saves their own wording of a kind of email, or goes
back to the built-in one.

Templates are part of the viewer's settings (`ConsultantSettings.email_templates`) and change
as the other settings do: under the settings row's lock, recorded in the audit trail with the
old and new subject and body (None where the built-in wording was or is used), and a change
that changes nothing writes nothing.
"""

from __future__ import annotations

from domain.branding import ConsultantSettings, own_template, with_template
from domain.email_templates import EmailKind, EmailTemplate, check_template, email_kind
from domain.model import User
from domain.ports import UnitOfWork
from domain.services.branding import settings_event


def _changes(old: EmailTemplate | None, new: EmailTemplate | None) -> dict[str, object]:
    """The subject and body before and after, those that changed."""
    changes: dict[str, object] = {}
    for field in ("subject", "body"):
        before = getattr(old, field) if old else None
        after = getattr(new, field) if new else None
        if before != after:
            changes[field] = {"old": before, "new": after}
    return changes


async def _replace(
    uow: UnitOfWork, actor: User, kind: EmailKind, template: EmailTemplate | None
) -> ConsultantSettings:
    """Makes `template` the actor's own for `kind` (None: none, the built-in one again)."""
    async with uow:
        current = await uow.settings.locked(actor.id)
        old = own_template(current, kind)
        if old == template:
            return current
        templates = with_template(current.email_templates, kind, template)
        updated = await uow.settings.update(actor.id, {"email_templates": templates})
        verb = "saved" if template else "reset to the default"
        await uow.activity.record(
            settings_event(
                actor,
                "email_template_saved" if template else "email_template_reset",
                f"email template {kind.value} {verb}",
                kind=kind.value,
                changes=_changes(old, template),
            )
        )
        await uow.commit()
    return updated


async def save_email_template(
    *, uow: UnitOfWork, actor: User, kind: str, subject: str, body: str
) -> ConsultantSettings:
    """Saves the actor's own template for `kind`, checked first (`check_template`: known
    variables only, balanced braces, the subject and body lengths), replacing any before."""
    email = email_kind(kind)
    return await _replace(uow, actor, email, check_template(email, subject, body))


async def reset_email_template(*, uow: UnitOfWork, actor: User, kind: str) -> ConsultantSettings:
    """Removes the actor's own template for `kind`: the built-in one is used again. Without
    one of their own, nothing changes."""
    return await _replace(uow, actor, email_kind(kind), None)
