"""Email in the schema: a message of the outbox with its delivery status, and the mutations
that mail a client their report or an invitation (`domain.services.client_mail`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.errors import DomainError
from domain.outbox import EmailMessage as DomainEmailMessage
from domain.outbox import EmailStatus
from domain.services import client_mail
from server.graphql.context import Info
from server.graphql.fields import mutation
from server.graphql.ids import id_or_missing, to_global_id
from server.graphql.permissions import SignedIn
from server.graphql.types.common import Node, UserError

strawberry.enum(EmailStatus)

KIND = "EmailMessage"
DEFAULT_DAYS = 14


@strawberry.type
class EmailMessage(Node):
    id: strawberry.ID
    kind: str
    to: str
    subject: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, message: DomainEmailMessage) -> EmailMessage:
        return cls(
            id=to_global_id(KIND, message.id),
            kind=message.kind.value,
            to=message.to,
            subject=message.subject,
            status=message.status,
            attempts=message.attempts,
            last_error=message.last_error,
            sent_at=message.sent_at,
            created_at=message.created_at,
        )


@strawberry.input
class SendReportInput:
    report_id: strawberry.ID
    to: str | None = None
    subject: str | None = None
    body: str | None = None
    expires_in_days: int | None = DEFAULT_DAYS


@strawberry.input
class SendInvitationInput:
    assessment_id: strawberry.ID
    to: str | None = None
    subject: str | None = None
    body: str | None = None


@strawberry.type
class EmailPayload:
    message: EmailMessage | None
    user_errors: list[UserError]

    @classmethod
    def failed(cls, error: DomainError, id_field: str) -> EmailPayload:
        return cls(message=None, user_errors=[UserError.of(error, id_field=id_field)])


@strawberry.type
class EmailMutations:
    @mutation(permission_classes=[SignedIn])
    async def send_report_to_client(self, info: Info, input: SendReportInput) -> EmailPayload:
        context = info.context
        viewer = context.require_viewer()
        await context.limit("client_mail", str(viewer.id))
        days = input.expires_in_days
        try:
            message = await client_mail.send_report_to_client(
                uow=context.uow(),
                clock=context.clock,
                tokens=context.services.share_tokens,
                dispatch=context.services.mail,
                actor=viewer,
                report_id=id_or_missing(input.report_id, "Report"),
                wording=client_mail.Wording(input.to, input.subject, input.body),
                expires_in_days=DEFAULT_DAYS if days is None else days,
                public_url=context.services.public_url,
            )
        except DomainError as error:
            return EmailPayload.failed(error, "reportId")
        return EmailPayload(message=EmailMessage.of(message), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def send_assessment_invitation(
        self, info: Info, input: SendInvitationInput
    ) -> EmailPayload:
        context = info.context
        viewer = context.require_viewer()
        await context.limit("client_mail", str(viewer.id))
        try:
            message = await client_mail.send_assessment_invitation(
                uow=context.uow(),
                clock=context.clock,
                dispatch=context.services.mail,
                actor=viewer,
                assessment_id=id_or_missing(input.assessment_id, "Assessment"),
                wording=client_mail.Wording(input.to, input.subject, input.body),
            )
        except DomainError as error:
            return EmailPayload.failed(error, "assessmentId")
        return EmailPayload(message=EmailMessage.of(message), user_errors=[])
