"""Set-based reads for the API's data loaders (API.md "Data access"), and the signed-in check.

Every batch function takes many ids and issues one statement (``WHERE x = ANY(:ids)``), so a
nested query costs one statement per relation whatever the number of rows. Rows map
straight to domain objects. Lists and their cursors are in `persistence.listings`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.assessments import Assessment
from domain.bank import Bank
from domain.model import DiscType, EventCategory, Phase, Priority, ReportType, Severity, User
from domain.ports import StoredResponse
from domain.results import (
    ActivityRecord,
    ChecklistItem,
    ReportRecord,
    StoredDiscProfile,
    StoredPhaseResult,
)
from persistence.assessment_repositories import (
    ANSWER_COLUMNS,
    ASSESSMENT_COLUMNS,
    answer_from_row,
    assessment_from_row,
)
from persistence.models import (
    ActivityLogRow,
    AnyRow,
    AssessmentRow,
    ChecklistItemRow,
    DiscProfileRow,
    PhaseResultRow,
    ReportRow,
    ResponseRow,
    UserRow,
)
from persistence.repositories import USER_COLUMNS, login_active, user_from_row

REPORT_COLUMNS = (
    ReportRow.id,
    ReportRow.assessment_id,
    ReportRow.report_type,
    ReportRow.file_url,
    ReportRow.file_size_bytes,
    ReportRow.page_count,
    ReportRow.generated_by,
    ReportRow.is_shared,
    ReportRow.share_expires_at,
    ReportRow.view_count,
    ReportRow.created_at,
)
CHECKLIST_COLUMNS = (
    ChecklistItemRow.id,
    ChecklistItemRow.assessment_id,
    ChecklistItemRow.item_text,
    ChecklistItemRow.item_order,
    ChecklistItemRow.phase_category,
    ChecklistItemRow.priority,
    ChecklistItemRow.is_completed,
    ChecklistItemRow.completed_at,
    ChecklistItemRow.due_date,
)
ACTIVITY_COLUMNS = (
    ActivityLogRow.id,
    ActivityLogRow.user_id,
    ActivityLogRow.event_type,
    ActivityLogRow.event_category,
    ActivityLogRow.description,
    ActivityLogRow.severity,
    ActivityLogRow.created_at,
)


async def signed_in_user(
    connection: AsyncConnection, user_id: UUID, session_id: UUID | None
) -> User | None:
    """The account an access token names, in one statement: None once it is deactivated or
    deleted, or (given the token's login) once that login ended, even if its session was
    rotated since the token was issued."""
    query = select(*USER_COLUMNS).where(
        UserRow.id == user_id, UserRow.deleted_at.is_(None), UserRow.is_active.is_(True)
    )
    if session_id is not None:
        query = query.where(login_active(UserRow.id, session_id))
    row = (await connection.execute(query)).first()
    return user_from_row(row) if row else None


async def users_by_id(connection: AsyncConnection, ids: Sequence[UUID]) -> dict[UUID, User]:
    rows = await connection.execute(select(*USER_COLUMNS).where(UserRow.id.in_(ids)))
    return {row.id: user_from_row(row) for row in rows}


async def assessments_by_id(
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, Assessment]:
    query = select(*ASSESSMENT_COLUMNS).where(
        AssessmentRow.id.in_(ids), AssessmentRow.deleted_at.is_(None)
    )
    return {row.id: assessment_from_row(row) for row in await connection.execute(query)}


_RESPONSE_COLUMNS = (ResponseRow.id, ResponseRow.assessment_id, ResponseRow.updated_at)


def _stored(bank: Bank, row: AnyRow) -> StoredResponse | None:
    answer = answer_from_row(bank, row)
    return StoredResponse(row.id, answer, row.updated_at) if answer is not None else None


async def responses_by_assessment(
    connection: AsyncConnection, ids: Sequence[UUID], bank: Bank
) -> dict[UUID, list[StoredResponse]]:
    """Answers to questions of the bank in force, in bank order."""
    query = select(*_RESPONSE_COLUMNS, *ANSWER_COLUMNS).where(ResponseRow.assessment_id.in_(ids))
    found: dict[UUID, list[StoredResponse]] = defaultdict(list)
    for row in await connection.execute(query):
        stored = _stored(bank, row)
        if stored is not None:
            found[row.assessment_id].append(stored)
    position = bank.position
    for responses in found.values():
        responses.sort(key=lambda r: position[r.answer.question_key])
    return dict(found)


async def phase_results_by_assessment(
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, StoredPhaseResult]:
    rows = await connection.execute(
        select(
            PhaseResultRow.assessment_id,
            *(getattr(PhaseResultRow, f"{p.value}_score") for p in Phase),
            PhaseResultRow.primary_phase,
            PhaseResultRow.secondary_phases,
            PhaseResultRow.flags,
            PhaseResultRow.calculated_at,
        ).where(PhaseResultRow.assessment_id.in_(ids))
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
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, StoredDiscProfile]:
    rows = await connection.execute(
        select(
            DiscProfileRow.assessment_id,
            DiscProfileRow.dominance_score,
            DiscProfileRow.influence_score,
            DiscProfileRow.steadiness_score,
            DiscProfileRow.compliance_score,
            DiscProfileRow.primary_type,
            DiscProfileRow.secondary_type,
            DiscProfileRow.calculated_at,
        ).where(DiscProfileRow.assessment_id.in_(ids))
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
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, list[ChecklistItem]]:
    query = (
        select(*CHECKLIST_COLUMNS)
        .where(ChecklistItemRow.assessment_id.in_(ids), ChecklistItemRow.deleted_at.is_(None))
        .order_by(ChecklistItemRow.item_order, ChecklistItemRow.id)
    )
    found: dict[UUID, list[ChecklistItem]] = defaultdict(list)
    for row in await connection.execute(query):
        found[row.assessment_id].append(checklist_item(row))
    return dict(found)


def checklist_item(row: AnyRow) -> ChecklistItem:
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
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, list[ReportRecord]]:
    query = (
        select(*REPORT_COLUMNS)
        .where(ReportRow.assessment_id.in_(ids))
        .order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
    )
    found: dict[UUID, list[ReportRecord]] = defaultdict(list)
    for row in await connection.execute(query):
        found[row.assessment_id].append(report_record(row))
    return dict(found)


def report_record(row: AnyRow) -> ReportRecord:
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


def activity_record(row: AnyRow) -> ActivityRecord:
    return ActivityRecord(
        id=row.id,
        user_id=row.user_id,
        event_type=row.event_type,
        category=EventCategory(row.event_category),
        description=row.description,
        severity=Severity(row.severity),
        created_at=row.created_at,
    )


# Single objects by their own ids, for node(id:). Each names the assessment it belongs to,
# so that the caller can check who may see it.


async def responses_by_id(
    connection: AsyncConnection, ids: Sequence[UUID], bank: Bank
) -> dict[UUID, tuple[UUID, StoredResponse]]:
    query = select(*_RESPONSE_COLUMNS, *ANSWER_COLUMNS).where(ResponseRow.id.in_(ids))
    found: dict[UUID, tuple[UUID, StoredResponse]] = {}
    for row in await connection.execute(query):
        stored = _stored(bank, row)
        if stored is not None:
            found[row.id] = (row.assessment_id, stored)
    return found


async def reports_by_id(
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, ReportRecord]:
    rows = await connection.execute(select(*REPORT_COLUMNS).where(ReportRow.id.in_(ids)))
    return {row.id: report_record(row) for row in rows}


async def checklist_items_by_id(
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, ChecklistItem]:
    query = select(*CHECKLIST_COLUMNS).where(
        ChecklistItemRow.id.in_(ids), ChecklistItemRow.deleted_at.is_(None)
    )
    return {row.id: checklist_item(row) for row in await connection.execute(query)}


async def activity_by_id(
    connection: AsyncConnection, ids: Sequence[UUID]
) -> dict[UUID, ActivityRecord]:
    rows = await connection.execute(select(*ACTIVITY_COLUMNS).where(ActivityLogRow.id.in_(ids)))
    return {row.id: activity_record(row) for row in rows}
