"""Deleting for good: accounts and assessments with every row under them (the foreign keys
cascade), for the erasure use cases. The report files are the caller's to remove."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select

from persistence.connections import Connection
from persistence.models import AssessmentRow, ChecklistItemRow, ReportRow, UserRow
from persistence.queries import any_of, id_array
from persistence.statements import fetch, first, scalar


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

    async def delete_user(self, user_id: UUID) -> bool:
        statement = delete(UserRow).where(UserRow.id == user_id).returning(UserRow.id)
        return await first(self._connection, statement) is not None
