"""Email in the schema: a message of the outbox with its delivery status, and the mutation
that sends a client report to the client (`domain.services.report_mail`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.errors import DomainError
from domain.outbox import EmailMessage as DomainEmailMessage
from domain.outbox import EmailStatus
from domain.services.report_mail import ReportMail, send_report_to_client
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


@strawberry.type
class EmailPayload:
    message: EmailMessage | None
    user_errors: list[UserError]


@strawberry.type
class EmailMutations:
    @mutation(permission_classes=[SignedIn])
    async def send_report_to_client(self, info: Info, input: SendReportInput) -> EmailPayload:
        context = info.context
        viewer = context.require_viewer()
        await context.limit("send_report", str(viewer.id))
        days = input.expires_in_days
        try:
            request = ReportMail(
                report_id=id_or_missing(input.report_id, "Report"),
                to=input.to,
                subject=input.subject,
                body=input.body,
                expires_in_days=DEFAULT_DAYS if days is None else days,
            )
            message = await send_report_to_client(
                uow=context.uow(),
                clock=context.clock,
                tokens=context.services.share_tokens,
                dispatch=context.services.mail,
                actor=viewer,
                request=request,
                public_url=context.services.public_url,
            )
        except DomainError as error:
            return EmailPayload(
                message=None, user_errors=[UserError.of(error, id_field="reportId")]
            )
        return EmailPayload(message=EmailMessage.of(message), user_errors=[])
