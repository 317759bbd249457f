"""Mail from a consultant to a client: their report, or the invitation to an assessment,
in the consultant's wording (REPORT_READY, ASSESSMENT_INVITATION), queued in the outbox in
the transaction of the change, with the consultant's signature and replies going to them.

A report's email carries the report's live link when that one lasts about as long as asked
(to within a day), so that a link the client already holds keeps working; otherwise the
report gets a new link, which replaces the old one. Each sending is in the audit log, and the
message under the assessment (`Assessment.emails`) says how its delivery went.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from domain import messages
from domain.accounts import normalize_email
from domain.assessments import Assessment
from domain.branding import template_for
from domain.email_templates import DEFAULTS, EmailKind, EmailTemplate, check_template, render
from domain.model import ActivityEvent, EventCategory, User
from domain.outbox import Draft, EmailMessage, MessageKind
from domain.ports import Clock, EmailDispatch, ShareTokens, UnitOfWork
from domain.results import ReportRecord
from domain.services.assessments import changeable
from domain.services.reports import (
    Shared,
    changeable_report,
    check_share_days,
    new_share,
    share_token_hash,
)

REUSE_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Wording:
    """What the consultant asks for; None takes the default (the client's email, the
    consultant's template)."""

    to: str | None = None
    subject: str | None = None
    body: str | None = None


async def send_report_to_client(
    *,
    uow: UnitOfWork,
    clock: Clock,
    tokens: ShareTokens,
    dispatch: EmailDispatch,
    actor: User,
    report_id: UUID,
    wording: Wording,
    expires_in_days: int,
    public_url: str,
) -> EmailMessage:
    """Queues the email and asks for its delivery after the commit. NOT_FOUND for a report
    the actor may not see, NOT_SHAREABLE for a consultant report, ARCHIVED while the
    assessment is archived, VALIDATION for a bad address, wording or link duration."""
    check_share_days(expires_in_days)
    to = _checked(wording, EmailKind.REPORT_READY)
    async with uow:
        report, assessment = await changeable_report(uow, actor, report_id)
        now = clock.now()
        shared = await _live_share(uow, tokens, report, now, expires_in_days)
        if shared is None:
            shared = await new_share(uow, tokens, actor, report, now, expires_in_days)
        assert shared.report.share_expires_at is not None
        links = {
            "report_link": f"{public_url}/shared/{shared.token}",
            "expires_on": messages.day(shared.report.share_expires_at),
        }
        message = await _queue(
            uow, actor, assessment, EmailKind.REPORT_READY, wording, to, links, now=now
        )
        await uow.activity.record(_report_event(actor, shared.report, message), at=now)
        await uow.commit()
    await dispatch.deliver([message.id])
    return message


async def send_assessment_invitation(
    *,
    uow: UnitOfWork,
    clock: Clock,
    dispatch: EmailDispatch,
    actor: User,
    assessment_id: UUID,
    wording: Wording,
) -> EmailMessage:
    """Invites the client to the assessment, in the consultant's ASSESSMENT_INVITATION
    wording with their first active booking link. NOT_FOUND for an assessment the actor may
    not see, ARCHIVED while it is archived, VALIDATION for a bad address or wording."""
    to = _checked(wording, EmailKind.ASSESSMENT_INVITATION)
    async with uow:
        assessment = await changeable(uow, actor, assessment_id)
        now = clock.now()
        message = await _queue(
            uow, actor, assessment, EmailKind.ASSESSMENT_INVITATION, wording, to, {}, now=now
        )
        event = ActivityEvent(
            event_type="assessment.invitation_sent",
            category=EventCategory.ASSESSMENT,
            description="client invited to the assessment by email",
            user_id=actor.id,
            metadata={"assessment_id": str(assessment.id), "message_id": str(message.id)},
        )
        await uow.activity.record(event, at=now)
        await uow.commit()
    await dispatch.deliver([message.id])
    return message


def _checked(wording: Wording, kind: EmailKind) -> str | None:
    """The recipient given, normalised, after this email's own wording is checked: all
    before anything is looked up."""
    to = normalize_email(wording.to, field="to") if wording.to is not None else None
    built_in = DEFAULTS[kind]
    if wording.subject is not None:
        check_template(kind, wording.subject, built_in.body)
    if wording.body is not None:
        check_template(kind, built_in.subject, wording.body)
    return to


async def _queue(
    uow: UnitOfWork,
    actor: User,
    assessment: Assessment,
    kind: EmailKind,
    wording: Wording,
    to: str | None,
    extra: dict[str, str],
    *,
    now: datetime,
) -> EmailMessage:
    """Writes the consultant's email of `kind` about the assessment and queues it."""
    settings = await uow.settings.get(assessment.consultant_id)
    template = _wording(template_for(settings, kind), wording)
    consultant = await uow.users.get(assessment.consultant_id)
    links = await uow.scheduler_links.live(assessment.consultant_id)
    values = {
        "client_name": assessment.client_name,
        "client_first_name": (assessment.client_name.split() or [""])[0],
        "business_name": assessment.client_business_name,
        "consultant_name": messages.full_name(consultant) if consultant else "",
        "company_name": (settings.company_name if settings else None) or "",
        "booking_link": next((r.link.url for r in links if r.link.is_active), ""),
        **extra,
    }
    signature = settings.email_signature if settings else None
    draft = replace(
        _draft(MessageKind(kind.value), template, values, signature, to or assessment.client_email),
        reply_to=consultant.email if consultant else None,
        assessment_id=assessment.id,
        user_id=actor.id,
    )
    return await uow.emails.add(draft, at=now)


async def _live_share(
    uow: UnitOfWork, tokens: ShareTokens, report: ReportRecord, now: datetime, days: int
) -> Shared | None:
    """The report's live link, if it lasts to within a day of `days` from now."""
    expires = report.share_expires_at
    if not report.is_shared or expires is None:
        return None
    if expires < now + timedelta(days=days) - REUSE_MARGIN:
        return None
    token = tokens.token(report.id, expires)
    found = await uow.reports.shared(share_token_hash(token), at=now, count_view=False)
    # A link made before tokens were worked out from the secret, or under another secret,
    # cannot be told again: the report gets a new one.
    return Shared(report, token) if found is not None and found.id == report.id else None


def _wording(template: EmailTemplate, wording: Wording) -> EmailTemplate:
    """The consultant's template, with the subject or body given for this one email."""
    if wording.subject is None and wording.body is None:
        return template
    return check_template(
        template.kind,
        template.subject if wording.subject is None else wording.subject,
        template.body if wording.body is None else wording.body,
    )


def _draft(
    kind: MessageKind,
    template: EmailTemplate,
    values: dict[str, str],
    signature: str | None,
    to: str,
) -> Draft:
    text = render(template.body, values)
    if signature:
        text = f"{text}\n\n-- \n{signature}"
    draft = Draft(
        kind=kind,
        to=to,
        subject=render(template.subject, values),
        text=text + "\n",
    )
    return messages.with_html(draft, template, values, signature)


def _report_event(actor: User, report: ReportRecord, message: EmailMessage) -> ActivityEvent:
    return ActivityEvent(
        event_type="report.emailed",
        category=EventCategory.REPORT,
        description="client report emailed to the client",
        user_id=actor.id,
        metadata={
            "report_id": str(report.id),
            "assessment_id": str(report.assessment_id),
            "message_id": str(message.id),
        },
    )
