"""The email outbox (Core statements on the unit of work's connection), and the reads of
messages for the data loaders (by assessment, by id).

A delivery claims its message with a row lock held for as long as it talks to the mail
server (`FOR UPDATE SKIP LOCKED`): a second job for the same message finds it taken and
leaves it, and one that comes after the first finished finds it no longer queued.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, insert, select, update

from domain.outbox import Draft, EmailMessage, EmailStatus, MessageKind
from persistence.connections import Connection
from persistence.models import EmailMessageRow
from persistence.queries import any_of, id_array
from persistence.statements import Row, execute, fetch, first, one

_SUMMARY = (
    EmailMessageRow.id,
    EmailMessageRow.kind,
    EmailMessageRow.recipient,
    EmailMessageRow.reply_to,
    EmailMessageRow.subject,
    EmailMessageRow.status,
    EmailMessageRow.attempts,
    EmailMessageRow.last_error,
    EmailMessageRow.sent_at,
    EmailMessageRow.created_at,
    EmailMessageRow.assessment_id,
    EmailMessageRow.user_id,
)
_WHOLE = (*_SUMMARY, EmailMessageRow.text_body, EmailMessageRow.html_body)


def email_message(row: Row) -> EmailMessage:
    return EmailMessage(
        id=row.id,
        kind=MessageKind(row.kind),
        to=row.recipient,
        reply_to=row.reply_to,
        subject=row.subject,
        status=EmailStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
        created_at=row.created_at,
        assessment_id=row.assessment_id,
        user_id=row.user_id,
        text=getattr(row, "text_body", None),
        html=getattr(row, "html_body", None),
    )


_ADD = insert(EmailMessageRow).returning(*_SUMMARY)
_CLAIM = (
    select(*_WHOLE)
    .where(
        EmailMessageRow.id == bindparam("id"),
        EmailMessageRow.status == EmailStatus.QUEUED.value,
        EmailMessageRow.next_attempt_at <= bindparam("at"),
    )
    .with_for_update(skip_locked=True)
)
_BY_ID = update(EmailMessageRow).where(EmailMessageRow.id == bindparam("message_id"))
_DUE = (
    select(EmailMessageRow.id)
    .where(
        EmailMessageRow.status == EmailStatus.QUEUED.value,
        EmailMessageRow.next_attempt_at <= bindparam("at"),
    )
    .order_by(EmailMessageRow.next_attempt_at)
    .limit(bindparam("limit"))
)
_BY_IDS = select(*_SUMMARY).where(any_of(EmailMessageRow.id))
_OF_ASSESSMENTS = (
    select(*_SUMMARY)
    .where(any_of(EmailMessageRow.assessment_id))
    .order_by(EmailMessageRow.created_at, EmailMessageRow.id)
)


class SqlEmailOutbox:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, draft: Draft, *, at: datetime) -> EmailMessage:
        values = {
            "kind": draft.kind.value,
            "recipient": draft.to,
            "reply_to": draft.reply_to,
            "subject": draft.subject,
            "text_body": draft.text,
            "html_body": draft.html,
            "assessment_id": draft.assessment_id,
            "user_id": draft.user_id,
            "next_attempt_at": at,
            "created_at": at,
            "updated_at": at,
        }
        return email_message(await one(self._connection, _ADD.values(**values)))

    async def claim(self, message_id: UUID, *, at: datetime) -> EmailMessage | None:
        row = await first(self._connection, _CLAIM, {"id": message_id, "at": at})
        return email_message(row) if row else None

    async def record_sent(self, message_id: UUID, *, at: datetime) -> None:
        statement = _BY_ID.values(
            status=EmailStatus.SENT.value,
            attempts=EmailMessageRow.attempts + 1,
            last_error=None,
            sent_at=at,
            text_body=None,
            html_body=None,
            updated_at=at,
        )
        await execute(self._connection, statement, {"message_id": message_id})

    async def record_failure(
        self, message_id: UUID, error: str, *, at: datetime, retry_at: datetime | None
    ) -> None:
        """One more failed attempt; queued again for `retry_at`, or FAILED for good."""
        if retry_at is None:
            changes: dict[str, object] = {
                "status": EmailStatus.FAILED.value,
                "text_body": None,
                "html_body": None,
            }
        else:
            changes = {"next_attempt_at": retry_at}
        statement = _BY_ID.values(
            attempts=EmailMessageRow.attempts + 1, last_error=error, updated_at=at, **changes
        )
        await execute(self._connection, statement, {"message_id": message_id})

    async def due(self, *, at: datetime, limit: int) -> list[UUID]:
        rows = await fetch(self._connection, _DUE, {"at": at, "limit": limit})
        return [row.id for row in rows]


async def emails_by_assessment(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, list[EmailMessage]]:
    """Each assessment's messages, oldest first."""
    found: dict[UUID, list[EmailMessage]] = defaultdict(list)
    for row in await fetch(connection, _OF_ASSESSMENTS, {"ids": id_array(ids)}):
        found[row.assessment_id].append(email_message(row))
    return dict(found)


async def emails_by_id(connection: Connection, ids: Sequence[UUID]) -> dict[UUID, EmailMessage]:
    rows = await fetch(connection, _BY_IDS, {"ids": id_array(ids)})
    return {row.id: email_message(row) for row in rows}
