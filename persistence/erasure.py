"""Deleting for good: accounts and assessments with every row under them (the foreign keys
cascade), for the erasure use cases, and the traces they leave elsewhere: the audit rows that
name them, and the job queue's finished jobs about their messages. The report files are the
caller's to remove.

The audit trail names people by the id of a row (a user, an assessment, a report, a
checklist item, a message, a session, a booking link) in its metadata, and by an email
address in its metadata or description; a row that holds a name or a business name (a
change's before and after, an assessment's creation) also holds the id of what it is about.
`scrub_activity` finds a row by either: an exact string value anywhere in its metadata,
compared lower-cased, or an id or address anywhere in its description. A matching row
keeps when it happened, its type and its category, and loses its description (now
`DETAILS_ERASED`) and metadata; if the erased account was its actor, also the actor, the
address and the user agent. The scan reads the whole table, as erasures are rare.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select

from persistence.connections import Connection
from persistence.models import AssessmentRow, ChecklistItemRow, ReportRow, UserRow
from persistence.queries import any_of, id_array
from persistence.statements import execute, fetch, first, scalar

DETAILS_ERASED = "details erased"

# Every id under an account and some assessments that an audit row's metadata may name.
_TRACES = """
SELECT id::text FROM users WHERE id = %(user)s
UNION SELECT id::text FROM sessions WHERE user_id = %(user)s
UNION SELECT family_id::text FROM sessions WHERE user_id = %(user)s
UNION SELECT id::text FROM scheduler_links WHERE consultant_id = %(user)s
UNION SELECT id::text FROM assessments WHERE id = ANY(%(assessments)s::uuid[])
UNION SELECT id::text FROM reports WHERE assessment_id = ANY(%(assessments)s::uuid[])
UNION SELECT id::text FROM checklist_items WHERE assessment_id = ANY(%(assessments)s::uuid[])
UNION SELECT id::text FROM email_messages
  WHERE user_id = %(user)s OR assessment_id = ANY(%(assessments)s::uuid[])
"""

_SCRUB = f"""
UPDATE activity_logs AS a SET
  description = '{DETAILS_ERASED}',
  metadata = '{{}}'::jsonb,
  ip_address = CASE WHEN a.user_id = %(user)s THEN NULL ELSE a.ip_address END,
  user_agent = CASE WHEN a.user_id = %(user)s THEN NULL ELSE a.user_agent END,
  user_id = NULLIF(a.user_id, %(user)s)
WHERE a.user_id = %(user)s
   OR lower(a.description) LIKE ANY(%(patterns)s::text[])
   OR EXISTS (
     SELECT FROM jsonb_path_query(a.metadata, 'strict $.**') AS v(value)
     WHERE jsonb_typeof(v.value) = 'string' AND lower(v.value #>> '{{}}') = ANY(%(values)s::text[])
   )
"""

# Finished or waiting jobs about deleted messages (a job being run is left to finish; it
# finds its message gone). The queue's tables are in their own schema (migration 0011), and
# its triggers name them unqualified: the delete runs with that schema first on the path.
_FORGET_JOBS = """
DELETE FROM procrastinate.procrastinate_jobs
WHERE status <> 'doing' AND args ->> 'message_id' = ANY(%(ids)s::text[])
"""
_PATH = "SELECT set_config('search_path', %(path)s, true)"  # until the transaction ends


def _contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlErasureRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def assessments_of(self, user_id: UUID) -> list[UUID]:
        """Every assessment of the consultant's, deleted or not, locked until the transaction
        ends: a report being recorded meanwhile waits, then finds its assessment gone, rather
        than adding a file this erasure would miss."""
        rows = await fetch(
            self._connection,
            select(AssessmentRow.id)
            .where(AssessmentRow.consultant_id == user_id)
            .with_for_update(),
        )
        return [row.id for row in rows]

    async def deleted_before(self, cutoff: datetime) -> list[UUID]:
        """Assessments soft-deleted before `cutoff`, locked until the transaction ends."""
        rows = await fetch(
            self._connection,
            select(AssessmentRow.id)
            .where(AssessmentRow.deleted_at < cutoff)
            .with_for_update(skip_locked=True),
        )
        return [row.id for row in rows]

    async def authored_elsewhere(self, user_id: UUID) -> int:
        """Reports and checklist items the user made on other consultants' assessments."""
        reports = await scalar(
            self._connection,
            select(func.count())
            .select_from(ReportRow)
            .join(AssessmentRow, AssessmentRow.id == ReportRow.assessment_id)
            .where(ReportRow.generated_by == user_id, AssessmentRow.consultant_id != user_id),
        )
        items = await scalar(
            self._connection,
            select(func.count())
            .select_from(ChecklistItemRow)
            .join(AssessmentRow, AssessmentRow.id == ChecklistItemRow.assessment_id)
            .where(ChecklistItemRow.created_by == user_id, AssessmentRow.consultant_id != user_id),
        )
        return (reports or 0) + (items or 0)

    async def delete_assessments(self, ids: Sequence[UUID]) -> int:
        statement = (
            delete(AssessmentRow).where(any_of(AssessmentRow.id)).returning(AssessmentRow.id)
        )
        return len(await fetch(self._connection, statement, {"ids": id_array(ids)}))

    async def traces(self, user_id: UUID | None, assessment_ids: Sequence[UUID]) -> list[str]:
        """The ids under the account (if any) and the assessments, as text: what audit rows
        and jobs name them by. Read before they are deleted."""
        params = {"user": user_id, "assessments": id_array(assessment_ids)}
        return [row[0] for row in await fetch(self._connection, _TRACES, params)]

    async def scrub_activity(
        self, user_id: UUID | None, ids: Sequence[str], addresses: Sequence[str]
    ) -> int:
        """Scrubs every audit row that has the account as its actor or names any of the ids
        or addresses; returns how many."""
        named = sorted({text.lower() for text in (*ids, *addresses)})
        params = {"user": user_id, "patterns": [_contains(t) for t in named], "values": named}
        return await execute(self._connection, _SCRUB, params)

    async def client_assessments(self, email: str, consultant_id: UUID | None) -> list[UUID]:
        """Every assessment, deleted or not, of the client by `email` (compared lower-cased),
        the consultant's or (None) anyone's; locked until the transaction ends."""
        statement = select(AssessmentRow.id).where(
            func.lower(AssessmentRow.client_email) == email.lower()
        )
        if consultant_id is not None:
            statement = statement.where(AssessmentRow.consultant_id == consultant_id)
        rows = await fetch(self._connection, statement.with_for_update())
        return [row.id for row in rows]

    async def forget_jobs(self, ids: Sequence[str]) -> int:
        """Deletes the queue's jobs about the messages of `ids`, but one being run."""
        before = await scalar(self._connection, "SELECT current_setting('search_path')")
        await execute(self._connection, _PATH, {"path": "procrastinate, public"})
        forgotten = await execute(self._connection, _FORGET_JOBS, {"ids": list(ids)})
        await execute(self._connection, _PATH, {"path": before})
        return forgotten

    async def delete_user(self, user_id: UUID) -> bool:
        statement = delete(UserRow).where(UserRow.id == user_id).returning(UserRow.id)
        return await first(self._connection, statement) is not None
