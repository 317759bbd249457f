"""Sending a client report to the client: a link to it, in the consultant's REPORT_READY
wording, queued in the outbox in the transaction that shares the report.

The email carries the report's live link when that one lasts about as long as asked (to
within a day), so that a link the client already holds keeps working; otherwise the report
gets a new link, which replaces the old one. The sending is in the audit log, and the
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
from domain.services.reports import (
    Shared,
    changeable_report,
    check_share_days,
    new_share,
    share_token_hash,
)

REUSE_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ReportMail:
    """What the consultant asks for; None takes the default (the client's email, the
    consultant's template)."""

    report_id: UUID
    to: str | None = None
    subject: str | None = None
    body: str | None = None
    expires_in_days: int = 14


async def send_report_to_client(
    *,
    uow: UnitOfWork,
    clock: Clock,
    tokens: ShareTokens,
    dispatch: EmailDispatch,
    actor: User,
    request: ReportMail,
    public_url: str,
) -> EmailMessage:
    """Queues the email and asks for its delivery after the commit. NOT_FOUND for a report
    the actor may not see, NOT_SHAREABLE for a consultant report, ARCHIVED while the
    assessment is archived, VALIDATION for a bad address, wording or link duration."""
    check_share_days(request.expires_in_days)
    to = normalize_email(request.to, field="to") if request.to is not None else None
    _check_wording(request)
    async with uow:
        report, assessment = await changeable_report(uow, actor, request.report_id)
        now = clock.now()
        shared = await _live_share(uow, tokens, report, now, request.expires_in_days)
        if shared is None:
            shared = await new_share(uow, tokens, actor, report, now, request.expires_in_days)
        settings = await uow.settings.get(assessment.consultant_id)
        template = _wording(template_for(settings, EmailKind.REPORT_READY), request)
        consultant = await uow.users.get(assessment.consultant_id)
        links = await uow.scheduler_links.live(assessment.consultant_id)
        booking = next((r.link.url for r in links if r.link.is_active), "")
        assert shared.report.share_expires_at is not None
        values = {
            "client_name": assessment.client_name,
            "client_first_name": (assessment.client_name.split() or [""])[0],
            "business_name": assessment.client_business_name,
            "consultant_name": messages.full_name(consultant) if consultant else "",
            "company_name": (settings.company_name if settings else None) or "",
            "report_link": f"{public_url}/shared/{shared.token}",
            "booking_link": booking,
            "expires_on": messages.day(shared.report.share_expires_at),
        }
        signature = settings.email_signature if settings else None
        draft = _draft(template, values, signature, to or assessment.client_email)
        draft = replace(
            draft,
            reply_to=consultant.email if consultant else None,
            assessment_id=assessment.id,
            user_id=actor.id,
        )
        message = await uow.emails.add(draft, at=now)
        await uow.activity.record(_event(actor, shared.report, assessment, message), at=now)
        await uow.commit()
    await dispatch.deliver([message.id])
    return message


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


def _check_wording(request: ReportMail) -> None:
    """This email's own subject or body, checked before anything is looked up."""
    built_in = DEFAULTS[EmailKind.REPORT_READY]
    if request.subject is not None:
        check_template(EmailKind.REPORT_READY, request.subject, built_in.body)
    if request.body is not None:
        check_template(EmailKind.REPORT_READY, built_in.subject, request.body)


def _wording(template: EmailTemplate, request: ReportMail) -> EmailTemplate:
    """The consultant's template, with the subject or body given for this one email."""
    if request.subject is None and request.body is None:
        return template
    return check_template(
        EmailKind.REPORT_READY,
        template.subject if request.subject is None else request.subject,
        template.body if request.body is None else request.body,
    )


def _draft(
    template: EmailTemplate, values: dict[str, str], signature: str | None, to: str
) -> Draft:
    text = render(template.body, values)
    if signature:
        text = f"{text}\n\n-- \n{signature}"
    draft = Draft(
        kind=MessageKind.REPORT_READY,
        to=to,
        subject=render(template.subject, values),
        text=text + "\n",
    )
    return messages.with_html(draft, template, values, signature)


def _event(
    actor: User, report: ReportRecord, assessment: Assessment, message: EmailMessage
) -> ActivityEvent:
    return ActivityEvent(
        event_type="report.emailed",
        category=EventCategory.REPORT,
        description="client report emailed to the client",
        user_id=actor.id,
        metadata={
            "report_id": str(report.id),
            "assessment_id": str(assessment.id),
            "message_id": str(message.id),
        },
    )
