"""Branding use cases: change the settings, upload and remove the logo, and render a sample
client report in the current branding.

Settings are the viewer's own (one row per consultant, made on the first change). Every
change is recorded in the audit trail with the old and new value of each field it changed
(for a logo, its URL path and size, never the image). A logo file is stored before the row
names it and the previous one is removed before the change commits, all under the row's
lock: if anything fails, the change rolls back and the new file is removed again, so the
row always names the file it shows.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any
from uuid import UUID

from domain.bank import Bank
from domain.branding import (
    LOGO_FIELD,
    UNREADABLE,
    ConsultantSettings,
    check_logo_bytes,
    check_logo_facts,
    clean_settings,
    logo_path,
    new_logo_key,
    stored_size,
)
from domain.errors import ValidationError
from domain.model import ActivityEvent, EventCategory, User
from domain.ports import Clock, LogoImages, ReportRenderer, ReportStore, UnitOfWork
from domain.reports import Branding, client_report
from domain.reports.sample import sample_inputs


def settings_event(
    actor: User, kind: str, description: str, /, **metadata: object
) -> ActivityEvent:
    """The audit row of a change of the actor's settings: `settings.<kind>`, with `metadata`
    (which may have a `kind` of its own)."""
    return ActivityEvent(
        event_type=f"settings.{kind}",
        category=EventCategory.ADMIN,
        description=description,
        user_id=actor.id,
        metadata=metadata,
    )


def _changes(old: ConsultantSettings, new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {field: {"old": getattr(old, field), "new": value} for field, value in new.items()}


async def update_settings(
    *, uow: UnitOfWork, actor: User, changes: dict[str, str | None]
) -> ConsultantSettings:
    """Sets the fields in `changes` (company_name, brand_color, email_signature), each
    checked first; None clears one, a field not in `changes` stays as it is. Changing
    nothing writes nothing."""
    cleaned = clean_settings(changes)
    async with uow:
        current = await uow.settings.locked(actor.id)
        changed = {k: v for k, v in cleaned.items() if getattr(current, k) != v}
        if not changed:
            return current
        updated = await uow.settings.update(actor.id, changed)
        await uow.activity.record(
            settings_event(
                actor,
                "updated",
                f"settings changed: {', '.join(sorted(changed))}",
                changes=_changes(current, changed),
            )
        )
        await uow.commit()
    return updated


async def upload_logo(
    *, uow: UnitOfWork, store: ReportStore, images: LogoImages, actor: User, content: bytes
) -> ConsultantSettings:
    """Checks the file (PNG or JPEG by its content, at most 2 MiB, at least 200 × 75 pixels,
    at most 16 megapixels: judged from its header before a pixel is decoded), re-encodes it
    at most 800 pixels wide without metadata, stores it under a new random key and makes it
    the logo, removing the previous one."""
    check_logo_bytes(content)
    facts = check_logo_facts(await images.inspect(content), content)
    width, height = stored_size(facts.width, facts.height)
    encoded = await images.reencode(content, width=width, height=height)
    if encoded is None:
        raise ValidationError(LOGO_FIELD, UNREADABLE)
    key = new_logo_key(encoded.extension)
    stored = settled = False
    try:
        async with uow:
            current = await uow.settings.locked(actor.id)
            stored = True  # a write that fails halfway may leave some of it
            await store.put(key, encoded.content)
            updated = await uow.settings.update(actor.id, {"logo_key": key})
            if current.logo_key is not None:
                await store.delete([current.logo_key])
            await uow.activity.record(
                settings_event(
                    actor,
                    "logo_uploaded",
                    "logo uploaded",
                    changes={
                        "logo_url": {
                            "old": logo_path(current.logo_key) if current.logo_key else None,
                            "new": logo_path(key),
                        }
                    },
                    format=encoded.format,
                    width=encoded.width,
                    height=encoded.height,
                    file_size_bytes=len(encoded.content),
                    uploaded_bytes=len(content),
                )
            )
            settled = True  # from here on the outcome may be unknown: leave the file
            await uow.commit()
    finally:
        if stored and not settled:
            with contextlib.suppress(Exception):  # the cause matters more
                await store.delete([key])
    return updated


async def remove_logo(*, uow: UnitOfWork, store: ReportStore, actor: User) -> ConsultantSettings:
    """Removes the logo file and clears the setting; with no logo, nothing changes."""
    async with uow:
        current = await uow.settings.locked(actor.id)
        if current.logo_key is None:
            return current
        updated = await uow.settings.update(actor.id, {"logo_key": None})
        await store.delete([current.logo_key])
        await uow.activity.record(
            settings_event(
                actor,
                "logo_removed",
                "logo removed",
                changes={"logo_url": {"old": logo_path(current.logo_key), "new": None}},
            )
        )
        await uow.commit()
    return updated


async def with_logo(store: ReportStore, branding: Branding | None) -> Branding | None:
    """The branding with its logo file read from the store, for a render; a logo whose file
    is gone (removed meanwhile) is left out rather than failing the report."""
    if branding is None or branding.logo_key is None:
        return branding
    return replace(branding, logo=await store.get(branding.logo_key))


def preview_key(consultant_id: UUID) -> str:
    """Where a consultant's sample report is kept: one file each, replaced by the next."""
    return f"previews/{consultant_id}.pdf"


async def preview_client_report(
    *,
    uow: UnitOfWork,
    clock: Clock,
    bank: Bank,
    store: ReportStore,
    renderer: ReportRenderer,
    actor: User,
) -> str:
    """Renders a client report of a made-up client in the actor's current branding and
    booking links and stores it (replacing the previous sample); returns its key. No
    assessment and no report row is made: the sample shows in no list."""
    async with uow:
        branding, links = await uow.reports.branding(actor.id)
    branding = await with_logo(store, branding)
    await store.check_writable()  # before the render: it takes a second, the check does not
    inputs = sample_inputs(
        bank=bank, consultant=actor, now=clock.now(), branding=branding, scheduler_links=links
    )
    rendered = await renderer.render(client_report(inputs))
    key = preview_key(actor.id)
    await store.put(key, rendered.content)
    return key
