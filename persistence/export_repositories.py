"""Data exports: the requests (table data_exports), and what an export holds, read as
JSON rows by PostgreSQL (to_jsonb) with the answers and notes opened here.

Left out of every export: password hashes, reset and share tokens, and the store's own
file keys. An account export holds the account, its settings, booking links, assessments
and audit trail; a client export the client's assessments and the audit rows about them.
Each assessment comes with its answers, results, checklist, reports and messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update

from domain.exports import (
    DataExport,
    ExportContents,
    ExportFile,
    ExportStatus,
    ExportSubject,
)
from persistence.answer_rows import NOTES, VALUE, AnswerRows
from persistence.connections import Connection
from persistence.models import DataExportRow
from persistence.sealing import place
from persistence.statements import Row, execute, fetch, first

_COLUMNS = (
    DataExportRow.id,
    DataExportRow.requested_by,
    DataExportRow.subject,
    DataExportRow.client_email,
    DataExportRow.consultant_id,
    DataExportRow.status,
    DataExportRow.created_at,
    DataExportRow.ready_at,
    DataExportRow.expires_at,
    DataExportRow.file_size_bytes,
    DataExportRow.error,
)


def export_from_row(row: Row) -> DataExport:
    return DataExport(
        id=row.id,
        requested_by=row.requested_by,
        subject=ExportSubject(row.subject),
        client_email=row.client_email,
        consultant_id=row.consultant_id,
        status=ExportStatus(row.status),
        created_at=row.created_at,
        ready_at=row.ready_at,
        expires_at=row.expires_at,
        file_size_bytes=row.file_size_bytes,
        error=row.error,
    )


# A row as JSON without the columns that hold secrets or the store's keys.
def _row(alias: str, *left_out: str) -> str:
    dropped = "".join(f" - '{column}'" for column in left_out)
    return f"to_jsonb({alias}){dropped}"


_ACCOUNT = f"""
SELECT {_row("u", "password_hash", "password_reset_token")} AS account,
       (SELECT {_row("s")} FROM consultant_settings s WHERE s.consultant_id = u.id) AS settings,
       (SELECT COALESCE(jsonb_agg({_row("l")} ORDER BY l.created_at, l.id), '[]')
        FROM scheduler_links l WHERE l.consultant_id = u.id) AS scheduler_links
FROM users u WHERE u.id = %(user)s
"""
_ASSESSMENTS_OF_CONSULTANT = f"""
SELECT a.id, {_row("a")} AS doc FROM assessments a
WHERE a.consultant_id = %(user)s ORDER BY a.created_at, a.id
"""
_ASSESSMENTS_OF_CLIENT = f"""
SELECT a.id, {_row("a")} AS doc FROM assessments a
WHERE lower(a.client_email) = %(email)s
  AND (%(scope)s::uuid IS NULL OR a.consultant_id = %(scope)s::uuid)
ORDER BY a.created_at, a.id
"""
_RESPONSES = """
SELECT r.assessment_id, r.question_id, r.answer_value, r.is_not_applicable,
       r.consultant_notes, r.created_at, r.updated_at, q.key, q.question_text
FROM responses r JOIN questions q ON q.id = r.question_id
WHERE r.assessment_id = ANY(%(ids)s::uuid[])
ORDER BY q.order_index, q.key
"""
_RELATED = {
    "phase_result": f"SELECT assessment_id, {_row('p')} AS doc FROM phase_results p"
    " WHERE assessment_id = ANY(%(ids)s::uuid[])",
    "disc_profile": f"SELECT assessment_id, {_row('d')} AS doc FROM disc_profiles d"
    " WHERE assessment_id = ANY(%(ids)s::uuid[])",
    "checklist": f"SELECT assessment_id, {_row('c')} AS doc FROM checklist_items c"
    " WHERE assessment_id = ANY(%(ids)s::uuid[]) ORDER BY c.item_order, c.id",
    "reports": f"SELECT assessment_id, {_row('rp', 'file_url', 'share_token')} AS doc,"
    " rp.id, rp.report_type, rp.file_url FROM reports rp"
    " WHERE assessment_id = ANY(%(ids)s::uuid[]) ORDER BY rp.created_at, rp.id",
    "messages": f"SELECT assessment_id, {_row('m')} AS doc FROM email_messages m"
    " WHERE assessment_id = ANY(%(ids)s::uuid[]) ORDER BY m.created_at, m.id",
}
_SINGLE = {"phase_result", "disc_profile"}
_ACCOUNT_TRAIL = f"""
SELECT {_row("g")} AS doc FROM activity_logs g WHERE g.user_id = %(user)s
ORDER BY g.created_at, g.id
"""
_CLIENT_TRAIL = f"""
SELECT {_row("g", "ip_address", "user_agent")} AS doc FROM activity_logs g
WHERE g.metadata ->> 'assessment_id' = ANY(%(ids)s::text[])
ORDER BY g.created_at, g.id
"""


_ABOUT = """
DELETE FROM data_exports e
WHERE e.client_email = %(email)s
   OR e.client_email IN (SELECT lower(a.client_email) FROM assessments a
                         WHERE a.id = ANY(%(ids)s::uuid[]))
   OR (e.subject = 'account' AND e.requested_by IN (SELECT a.consultant_id FROM assessments a
                                                    WHERE a.id = ANY(%(ids)s::uuid[])))
   OR e.requested_by = %(user)s::uuid OR e.consultant_id = %(user)s::uuid
RETURNING e.id
"""


async def exports_by_requester(connection: Connection, user_id: UUID) -> list[DataExport]:
    """The user's requests that are not yet removed, newest first."""
    statement = (
        select(*_COLUMNS)
        .where(DataExportRow.requested_by == user_id)
        .order_by(DataExportRow.created_at.desc(), DataExportRow.id.desc())
    )
    return [export_from_row(row) for row in await fetch(connection, statement)]


class SqlExportRepository:
    def __init__(self, connection: Connection, rows: AnswerRows) -> None:
        self._connection = connection
        self._rows = rows

    async def add(
        self,
        requested_by: UUID,
        subject: ExportSubject,
        client_email: str | None,
        consultant_id: UUID | None,
    ) -> DataExport:
        statement = (
            insert(DataExportRow)
            .values(
                requested_by=requested_by,
                subject=subject.value,
                client_email=client_email,
                consultant_id=consultant_id,
            )
            .returning(*_COLUMNS)
        )
        return export_from_row(await first(self._connection, statement))

    async def get(self, export_id: UUID, *, lock: bool = False) -> DataExport | None:
        statement = select(*_COLUMNS).where(DataExportRow.id == export_id)
        row = await first(self._connection, statement.with_for_update() if lock else statement)
        return export_from_row(row) if row else None

    async def pending(self) -> list[UUID]:
        statement = select(DataExportRow.id).where(DataExportRow.status == "pending")
        return [row.id for row in await fetch(self._connection, statement)]

    async def finish(
        self, export_id: UUID, *, size: int, at: datetime, expires_at: datetime
    ) -> None:
        await execute(
            self._connection,
            update(DataExportRow)
            .where(DataExportRow.id == export_id)
            .values(status="ready", file_size_bytes=size, ready_at=at, expires_at=expires_at),
        )

    async def fail(self, export_id: UUID, error: str) -> None:
        await execute(
            self._connection,
            update(DataExportRow)
            .where(DataExportRow.id == export_id)
            .values(status="failed", error=error[:2000]),
        )

    async def expired(self, at: datetime) -> list[UUID]:
        statement = (
            delete(DataExportRow).where(DataExportRow.expires_at <= at).returning(DataExportRow.id)
        )
        return [row.id for row in await fetch(self._connection, statement)]

    async def about(
        self, *, email: str, assessment_ids: Sequence[UUID], user_id: UUID | None
    ) -> list[UUID]:
        params = {"email": email, "ids": list(assessment_ids), "user": user_id}
        return [row.id for row in await fetch(self._connection, _ABOUT, params)]

    async def contents(self, export: DataExport) -> ExportContents:
        document: dict[str, object] = {}
        if export.subject is ExportSubject.ACCOUNT:
            params: dict[str, Any] = {"user": export.requested_by}
            account = await first(self._connection, _ACCOUNT, params)
            document |= {
                "account": account.account,
                "settings": account.settings,
                "scheduler_links": account.scheduler_links,
            }
            found = await fetch(self._connection, _ASSESSMENTS_OF_CONSULTANT, params)
        else:
            params = {"email": export.client_email, "scope": export.consultant_id}
            found = await fetch(self._connection, _ASSESSMENTS_OF_CLIENT, params)
        ids = [row.id for row in found]
        assessments = {row.id: dict(row.doc) for row in found}
        files = await self._under(assessments, ids)
        document["assessments"] = list(assessments.values())
        if export.subject is ExportSubject.ACCOUNT:
            trail = await fetch(self._connection, _ACCOUNT_TRAIL, params)
        else:
            trail = await fetch(self._connection, _CLIENT_TRAIL, {"ids": [str(i) for i in ids]})
        document["audit_trail"] = [row.doc for row in trail]
        return ExportContents(document, files, len(ids))

    async def _under(
        self, assessments: dict[UUID, dict[str, object]], ids: list[UUID]
    ) -> list[ExportFile]:
        """Puts each assessment's answers, results, checklist, reports and messages under
        it; returns the report files to ship."""
        answers: dict[UUID, list[dict[str, object]]] = defaultdict(list)
        for row in await fetch(self._connection, _RESPONSES, {"ids": ids}):
            answers[row.assessment_id].append(self._answer(row))
        files = []
        for name, statement in _RELATED.items():
            related: dict[UUID, list[object]] = defaultdict(list)
            for row in await fetch(self._connection, statement, {"ids": ids}):
                document = dict(row.doc)
                if name == "reports":
                    document["file"] = f"reports/{row.assessment_id}/{row.report_type}-{row.id}.pdf"
                    files.append(ExportFile(row.file_url, str(document["file"])))
                related[row.assessment_id].append(document)
            for assessment_id, document in assessments.items():
                found = related.get(assessment_id, [])
                document[name] = (found[0] if found else None) if name in _SINGLE else found
        for assessment_id, document in assessments.items():
            document["answers"] = answers.get(assessment_id, [])
        return files

    def _answer(self, row: Row) -> dict[str, object]:
        """One answer as the API spells it, opened, with its question's key and text."""
        given: dict[str, object] = {"question_key": row.key, "question": row.question_text}
        answer = self._rows.answer(row.assessment_id, row)
        if answer is not None:
            given |= {
                "value": answer.value,
                "values": list(answer.values),
                "rating": answer.rating,
                "not_applicable": answer.not_applicable,
                "notes": answer.notes,
            }
        else:  # a question no longer in the bank: the stored text as it is
            keys, where = self._rows.keys, (row.assessment_id, row.question_id)
            value = row.answer_value and keys.open(row.answer_value, place(VALUE, *where))
            notes = row.consultant_notes and keys.open(row.consultant_notes, place(NOTES, *where))
            given |= {"stored_value": value, "not_applicable": row.is_not_applicable}
            given["notes"] = notes
        given |= {
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
        }
        return given
