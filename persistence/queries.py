"""Set-based reads for the API's data loaders and lists (API.md "Data access", "Pagination").

Every batch function takes many ids and issues one statement (``WHERE x = ANY(:ids)``), so a
nested query costs one statement per relation whatever the number of rows. Lists are paged
in SQL on the keyset ``(created_at DESC, id DESC)``: a page never shifts when rows are added
ahead of it.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from domain.assessments import Assessment
from domain.model import (
    AssessmentStatus,
    DiscType,
    EventCategory,
    Phase,
    Priority,
    Question,
    ReportType,
    Role,
    Severity,
    User,
)
from domain.ports import StoredResponse
from domain.results import (
    ActivityRecord,
    ChecklistItem,
    ReportRecord,
    StoredDiscProfile,
    StoredPhaseResult,
)
from persistence.assessment_repositories import SqlResponseRepository, assessment_from_row
from persistence.models import (
    ActivityLogRow,
    AssessmentRow,
    ChecklistItemRow,
    DiscProfileRow,
    PhaseResultRow,
    ReportRow,
    ResponseRow,
    UserRow,
)
from persistence.repositories import user_from_row


class InvalidCursor(ValueError):
    """A pagination cursor that this service did not hand out."""


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    total: int


def encode_cursor(created_at: datetime, row_id: UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(created), UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("the `after` cursor is not one this service handed out") from exc


def _contains(term: str, *columns: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """Any of `columns` contains `term`, case-insensitively; % and _ in it are literal."""
    escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(column.ilike(f"%{escaped}%", escape="\\") for column in columns))


@dataclass(frozen=True, slots=True)
class AssessmentFilter:
    consultant_id: UUID | None  # None: every consultant's (admins)
    status: AssessmentStatus | None = None
    search: str | None = None  # case-insensitive, in client name, business name or email


def _conditions(where: AssessmentFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [AssessmentRow.deleted_at.is_(None)]
    if where.consultant_id is not None:
        conditions.append(AssessmentRow.consultant_id == where.consultant_id)
    if where.status is not None:
        # Accepts the member or its value: GraphQL arguments may arrive as either.
        conditions.append(AssessmentRow.status == AssessmentStatus(where.status).value)
    if where.search and where.search.strip():
        conditions.append(
            _contains(
                where.search,
                AssessmentRow.client_name,
                AssessmentRow.client_business_name,
                AssessmentRow.client_email,
            )
        )
    return conditions


Keyed = TypeVar("Keyed", AssessmentRow, UserRow, ActivityLogRow)


async def _newest_first(
    session: AsyncSession,
    row_type: type[Keyed],
    conditions: list[ColumnElement[bool]],
    *,
    first: int,
    after: str | None,
) -> tuple[list[Keyed], bool, int]:
    """One keyset page on (created_at DESC, id DESC), whether there is more, and the total."""
    query = select(row_type).where(*conditions)
    if after is not None:
        created, row_id = decode_cursor(after)
        query = query.where(tuple_(row_type.created_at, row_type.id) < (created, row_id))
    ordered = query.order_by(row_type.created_at.desc(), row_type.id.desc()).limit(first + 1)
    rows = list(await session.scalars(ordered))
    total = await session.scalar(select(func.count(row_type.id)).where(*conditions))
    return rows[:first], len(rows) > first, int(total or 0)


async def assessment_page(
    session: AsyncSession, where: AssessmentFilter, *, first: int, after: str | None = None
) -> Page[Assessment]:
    """Newest first, `first` at a time after the `after` cursor."""
    rows, has_next, total = await _newest_first(
        session, AssessmentRow, _conditions(where), first=first, after=after
    )
    return Page([assessment_from_row(row) for row in rows], has_next, total)


async def users_by_id(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, User]:
    rows = await session.scalars(select(UserRow).where(UserRow.id.in_(ids)))
    return {row.id: user_from_row(row) for row in rows}


async def assessments_by_id(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, Assessment]:
    query = select(AssessmentRow).where(
        and_(AssessmentRow.id.in_(ids), AssessmentRow.deleted_at.is_(None))
    )
    return {row.id: assessment_from_row(row) for row in await session.scalars(query)}


async def responses_by_assessment(
    session: AsyncSession, ids: Sequence[UUID], questions: Sequence[Question]
) -> dict[UUID, list[StoredResponse]]:
    """Answers to questions of the bank in force, in bank order."""
    reader = SqlResponseRepository(session, questions)
    order = {q.key: q.order for q in questions}
    found: dict[UUID, list[StoredResponse]] = defaultdict(list)
    for row in await session.scalars(select(ResponseRow).where(ResponseRow.assessment_id.in_(ids))):
        answer = reader.answer_from_row(row)
        if answer is not None:
            found[row.assessment_id].append(StoredResponse(row.id, answer, row.updated_at))
    for responses in found.values():
        responses.sort(key=lambda r: order[r.answer.question_key])
    return dict(found)


async def phase_results_by_assessment(
    session: AsyncSession, ids: Sequence[UUID]
) -> dict[UUID, StoredPhaseResult]:
    rows = await session.scalars(
        select(PhaseResultRow).where(PhaseResultRow.assessment_id.in_(ids))
    )
    return {
        row.assessment_id: StoredPhaseResult(
            assessment_id=row.assessment_id,
            readiness={p: getattr(row, f"{p.value}_score") for p in Phase},
            primary=Phase(row.primary_phase),
            secondary=tuple(Phase(p) for p in row.secondary_phases or ()),
            flags=tuple(row.flags),
            calculated_at=row.calculated_at,
        )
        for row in rows
    }


async def disc_profiles_by_assessment(
    session: AsyncSession, ids: Sequence[UUID]
) -> dict[UUID, StoredDiscProfile]:
    rows = await session.scalars(
        select(DiscProfileRow).where(DiscProfileRow.assessment_id.in_(ids))
    )
    return {
        row.assessment_id: StoredDiscProfile(
            assessment_id=row.assessment_id,
            scores={
                DiscType.D: row.dominance_score,
                DiscType.I: row.influence_score,
                DiscType.S: row.steadiness_score,
                DiscType.C: row.compliance_score,
            },
            primary=DiscType(row.primary_type),
            secondary=DiscType(row.secondary_type) if row.secondary_type else None,
            calculated_at=row.calculated_at,
        )
        for row in rows
    }


async def checklist_by_assessment(
    session: AsyncSession, ids: Sequence[UUID]
) -> dict[UUID, list[ChecklistItem]]:
    query = (
        select(ChecklistItemRow)
        .where(ChecklistItemRow.assessment_id.in_(ids), ChecklistItemRow.deleted_at.is_(None))
        .order_by(ChecklistItemRow.item_order, ChecklistItemRow.id)
    )
    found: dict[UUID, list[ChecklistItem]] = defaultdict(list)
    for row in await session.scalars(query):
        found[row.assessment_id].append(_checklist_item(row))
    return dict(found)


def _checklist_item(row: ChecklistItemRow) -> ChecklistItem:
    return ChecklistItem(
        id=row.id,
        assessment_id=row.assessment_id,
        text=row.item_text,
        order=row.item_order,
        phase=Phase(row.phase_category) if row.phase_category else None,
        priority=Priority(row.priority) if row.priority else None,
        is_completed=row.is_completed,
        completed_at=row.completed_at,
        due_date=row.due_date,
    )


async def reports_by_assessment(
    session: AsyncSession, ids: Sequence[UUID]
) -> dict[UUID, list[ReportRecord]]:
    query = (
        select(ReportRow)
        .where(ReportRow.assessment_id.in_(ids))
        .order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
    )
    found: dict[UUID, list[ReportRecord]] = defaultdict(list)
    for row in await session.scalars(query):
        found[row.assessment_id].append(report_record(row))
    return dict(found)


def report_record(row: ReportRow) -> ReportRecord:
    return ReportRecord(
        id=row.id,
        assessment_id=row.assessment_id,
        report_type=ReportType(row.report_type),
        file_url=row.file_url,
        file_size_bytes=row.file_size_bytes,
        page_count=row.page_count,
        generated_by=row.generated_by,
        is_shared=row.is_shared,
        share_expires_at=row.share_expires_at,
        view_count=row.view_count,
        created_at=row.created_at,
    )


async def user_page(
    session: AsyncSession,
    *,
    first: int,
    after: str | None = None,
    role: Role | None = None,
    search: str | None = None,
) -> Page[User]:
    """Accounts newest first; `search` in email, first or last name, case-insensitive."""
    filters: list[ColumnElement[bool]] = [UserRow.deleted_at.is_(None)]
    if role is not None:
        filters.append(UserRow.role == Role(role).value)
    if search and search.strip():
        filters.append(_contains(search, UserRow.email, UserRow.first_name, UserRow.last_name))
    rows, has_next, total = await _newest_first(session, UserRow, filters, first=first, after=after)
    return Page([user_from_row(row) for row in rows], has_next, total)


async def activity_page(
    session: AsyncSession,
    *,
    first: int,
    after: str | None = None,
    category: EventCategory | None = None,
    user_id: UUID | None = None,
) -> Page[ActivityRecord]:
    """The audit trail newest first, by category and by user."""
    filters: list[ColumnElement[bool]] = []
    if category is not None:
        filters.append(ActivityLogRow.event_category == EventCategory(category).value)
    if user_id is not None:
        filters.append(ActivityLogRow.user_id == user_id)
    rows, has_next, total = await _newest_first(
        session, ActivityLogRow, filters, first=first, after=after
    )
    return Page([_activity_record(r) for r in rows], has_next, total)


def _activity_record(row: ActivityLogRow) -> ActivityRecord:
    return ActivityRecord(
        id=row.id,
        user_id=row.user_id,
        event_type=row.event_type,
        category=EventCategory(row.event_category),
        description=row.description,
        severity=Severity(row.severity),
        created_at=row.created_at,
    )


# Single objects by their own ids, for node(id:). Each comes with the assessment it belongs
# to, so that the caller can check who may see it.


async def responses_by_id(
    session: AsyncSession, ids: Sequence[UUID], questions: Sequence[Question]
) -> dict[UUID, tuple[UUID, StoredResponse]]:
    reader = SqlResponseRepository(session, questions)
    found: dict[UUID, tuple[UUID, StoredResponse]] = {}
    for row in await session.scalars(select(ResponseRow).where(ResponseRow.id.in_(ids))):
        answer = reader.answer_from_row(row)
        if answer is not None:
            found[row.id] = (row.assessment_id, StoredResponse(row.id, answer, row.updated_at))
    return found


async def reports_by_id(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ReportRecord]:
    rows = await session.scalars(select(ReportRow).where(ReportRow.id.in_(ids)))
    return {row.id: report_record(row) for row in rows}


async def checklist_items_by_id(
    session: AsyncSession, ids: Sequence[UUID]
) -> dict[UUID, ChecklistItem]:
    query = select(ChecklistItemRow).where(
        ChecklistItemRow.id.in_(ids), ChecklistItemRow.deleted_at.is_(None)
    )
    return {row.id: _checklist_item(row) for row in await session.scalars(query)}


async def activity_by_id(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ActivityRecord]:
    rows = await session.scalars(select(ActivityLogRow).where(ActivityLogRow.id.in_(ids)))
    return {row.id: _activity_record(row) for row in rows}
