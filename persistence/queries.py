"""Set-based reads for the API's data loaders (API.md "Data access"), and the signed-in check.

Every batch function takes many ids and issues one statement (``WHERE x = ANY(:ids)``), so a
nested query costs one statement per relation whatever the number of rows. The statements
are built once, with parameters: building one costs more than running it. Rows map straight
to domain objects. Lists and their cursors are in `persistence.listings`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Numeric, Text, any_, bindparam, cast, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as UUID_TYPE
from sqlalchemy.orm import InstrumentedAttribute

from domain.assessments import Assessment
from domain.model import (
    DiscType,
    EventCategory,
    Phase,
    ReportType,
    Severity,
    User,
)
from domain.ports import StoredResponse
from domain.results import (
    ActivityRecord,
    ChecklistItem,
    ChecklistProgress,
    PhaseProgress,
    ReportRecord,
    StoredDiscProfile,
    StoredPhaseResult,
)
from domain.scheduler_links import SchedulerLink, SchedulerLinkRecord
from persistence.answer_rows import ANSWER_COLUMNS, AnswerRows
from persistence.assessment_repositories import ASSESSMENT_COLUMNS, assessment_from_row
from persistence.checklist_repositories import CHECKLIST_COLUMNS, checklist_item
from persistence.connections import Connection
from persistence.models import (
    ActivityLogRow,
    AnySelect,
    AssessmentRow,
    ChecklistItemRow,
    DiscProfileRow,
    PhaseResultRow,
    ReportRow,
    ResponseRow,
    SchedulerLinkRow,
    UserRow,
)
from persistence.repositories import USER_COLUMNS, login_active, user_from_row
from persistence.statements import Row, fetch, first

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
LINK_COLUMNS = (
    SchedulerLinkRow.id,
    SchedulerLinkRow.consultant_id,
    SchedulerLinkRow.meeting_type_label,
    SchedulerLinkRow.scheduler_url,
    SchedulerLinkRow.duration_minutes,
    SchedulerLinkRow.recommended_for_phases,
    SchedulerLinkRow.is_active,
    SchedulerLinkRow.display_order,
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


def any_of(
    column: InstrumentedAttribute[UUID] | InstrumentedAttribute[UUID | None], name: str = "ids"
) -> ColumnElement[bool]:
    """`column = ANY(:ids)`, one array parameter however many ids; pass `id_array(ids)`."""
    array = cast(bindparam(name, type_=Text), ARRAY(UUID_TYPE(as_uuid=True)))
    return column == any_(array)


def id_array(ids: Iterable[UUID]) -> str:
    """The ids as an array literal: PostgreSQL reads it faster than psycopg writes a list."""
    return "{" + ",".join(map(str, ids)) + "}"


_LIVE_USER = select(*USER_COLUMNS).where(
    UserRow.id == bindparam("user_id"), UserRow.deleted_at.is_(None), UserRow.is_active.is_(True)
)
_SIGNED_IN = {
    False: _LIVE_USER,
    True: _LIVE_USER.where(login_active(UserRow.id, bindparam("session_id"))),
}


async def signed_in_user(
    connection: Connection, user_id: UUID, session_id: UUID | None
) -> User | None:
    """The account an access token names, in one statement: None once it is deactivated or
    deleted, or (given the token's login) once that login ended, even if its session was
    rotated since the token was issued."""
    query = _SIGNED_IN[session_id is not None]
    params = {"user_id": user_id, "session_id": session_id}
    row = await first(connection, query, params)
    return user_from_row(row) if row else None


async def _rows(connection: Connection, query: AnySelect, ids: Sequence[UUID]) -> Any:
    return await fetch(connection, query, {"ids": id_array(ids)})


_USERS = select(*USER_COLUMNS).where(any_of(UserRow.id))


async def users_by_id(connection: Connection, ids: Sequence[UUID]) -> dict[UUID, User]:
    return {row.id: user_from_row(row) for row in await _rows(connection, _USERS, ids)}


_ASSESSMENTS = select(*ASSESSMENT_COLUMNS).where(
    any_of(AssessmentRow.id), AssessmentRow.deleted_at.is_(None)
)


_ASSESSMENT = select(*ASSESSMENT_COLUMNS).where(
    AssessmentRow.id == bindparam("assessment_id"), AssessmentRow.deleted_at.is_(None)
)


async def assessment_by_id(connection: Connection, assessment_id: UUID) -> Assessment | None:
    """One live assessment: an equality is cheaper than an array of one for the server."""
    row = await first(connection, _ASSESSMENT, {"assessment_id": assessment_id})
    return assessment_from_row(row) if row else None


async def assessments_by_id(connection: Connection, ids: Sequence[UUID]) -> dict[UUID, Assessment]:
    rows = await _rows(connection, _ASSESSMENTS, ids)
    return {row.id: assessment_from_row(row) for row in rows}


_RESPONSE_COLUMNS = (ResponseRow.id, ResponseRow.assessment_id, ResponseRow.updated_at)


def _stored(rows: AnswerRows, row: Row) -> StoredResponse | None:
    answer = rows.answer(row.assessment_id, row)
    return StoredResponse(row.id, answer, row.updated_at) if answer is not None else None


_RESPONSES = select(*_RESPONSE_COLUMNS, *ANSWER_COLUMNS).where(any_of(ResponseRow.assessment_id))


async def responses_by_assessment(
    connection: Connection, ids: Sequence[UUID], rows: AnswerRows
) -> dict[UUID, list[StoredResponse]]:
    """Answers to questions of the bank in force, in bank order."""
    found: dict[UUID, list[StoredResponse]] = defaultdict(list)
    for row in await _rows(connection, _RESPONSES, ids):
        stored = _stored(rows, row)
        if stored is not None:
            found[row.assessment_id].append(stored)
    position = rows.bank.position
    for responses in found.values():
        responses.sort(key=lambda r: position[r.answer.question_key])
    return dict(found)


_PHASE_RESULTS = select(
    PhaseResultRow.assessment_id,
    *(getattr(PhaseResultRow, f"{p.value}_score") for p in Phase),
    PhaseResultRow.primary_phase,
    PhaseResultRow.secondary_phases,
    PhaseResultRow.flags,
    PhaseResultRow.calculated_at,
).where(any_of(PhaseResultRow.assessment_id))


async def phase_results_by_assessment(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, StoredPhaseResult]:
    rows = await _rows(connection, _PHASE_RESULTS, ids)
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


_DISC_PROFILES = select(
    DiscProfileRow.assessment_id,
    DiscProfileRow.dominance_score,
    DiscProfileRow.influence_score,
    DiscProfileRow.steadiness_score,
    DiscProfileRow.compliance_score,
    DiscProfileRow.primary_type,
    DiscProfileRow.secondary_type,
    DiscProfileRow.calculated_at,
).where(any_of(DiscProfileRow.assessment_id))


async def disc_profiles_by_assessment(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, StoredDiscProfile]:
    rows = await _rows(connection, _DISC_PROFILES, ids)
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


_CHECKLISTS = (
    select(*CHECKLIST_COLUMNS)
    .where(any_of(ChecklistItemRow.assessment_id), ChecklistItemRow.deleted_at.is_(None))
    .order_by(ChecklistItemRow.item_order, ChecklistItemRow.id)
)


async def checklist_by_assessment(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, list[ChecklistItem]]:
    found: dict[UUID, list[ChecklistItem]] = defaultdict(list)
    for row in await _rows(connection, _CHECKLISTS, ids):
        found[row.assessment_id].append(checklist_item(row))
    return dict(found)


_DONE = func.count().filter(ChecklistItemRow.is_completed)
# Per assessment, the whole list (grouping() = 1) and each phase, in one pass over its items.
_CHECKLIST_PROGRESS = (
    select(
        ChecklistItemRow.assessment_id,
        ChecklistItemRow.phase_category,
        func.grouping(ChecklistItemRow.phase_category).label("whole"),
        func.count().label("total"),
        _DONE.label("completed"),
        func.round(cast(100 * _DONE, Numeric) / func.count(), 2).label("percentage"),
    )
    .where(any_of(ChecklistItemRow.assessment_id), ChecklistItemRow.deleted_at.is_(None))
    .group_by(
        func.grouping_sets(
            tuple_(ChecklistItemRow.assessment_id),
            tuple_(ChecklistItemRow.assessment_id, ChecklistItemRow.phase_category),
        )
    )
)
_PHASE_ORDER = {phase: position for position, phase in enumerate(Phase)}


async def checklist_progress_by_assessment(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, ChecklistProgress]:
    """The progress of each assessment that has live items; one without any has no entry."""
    wholes: dict[UUID, Row] = {}
    phases: dict[UUID, list[PhaseProgress]] = defaultdict(list)
    for row in await _rows(connection, _CHECKLIST_PROGRESS, ids):
        if row.whole:
            wholes[row.assessment_id] = row
        else:
            phase = Phase(row.phase_category) if row.phase_category else None
            phases[row.assessment_id].append(PhaseProgress(phase, row.total, row.completed))
    return {
        key: ChecklistProgress(
            total=row.total,
            completed=row.completed,
            percentage=row.percentage,
            by_phase=tuple(
                sorted(
                    phases[key],
                    key=lambda p: len(_PHASE_ORDER) if p.phase is None else _PHASE_ORDER[p.phase],
                )
            ),
        )
        for key, row in wholes.items()
    }


_REPORTS = (
    select(*REPORT_COLUMNS)
    .where(any_of(ReportRow.assessment_id))
    .order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
)


async def reports_by_assessment(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, list[ReportRecord]]:
    found: dict[UUID, list[ReportRecord]] = defaultdict(list)
    for row in await _rows(connection, _REPORTS, ids):
        found[row.assessment_id].append(report_record(row))
    return dict(found)


def report_record(row: Row) -> ReportRecord:
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


_LIVE_LINKS = (
    select(*LINK_COLUMNS)
    .where(any_of(SchedulerLinkRow.consultant_id), SchedulerLinkRow.deleted_at.is_(None))
    .order_by(SchedulerLinkRow.display_order, SchedulerLinkRow.created_at, SchedulerLinkRow.id)
)


async def scheduler_links_by_consultant(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, list[SchedulerLinkRecord]]:
    """Each consultant's live links (active or not) in display order."""
    found: dict[UUID, list[SchedulerLinkRecord]] = defaultdict(list)
    for row in await _rows(connection, _LIVE_LINKS, ids):
        found[row.consultant_id].append(scheduler_link_record(row))
    return dict(found)


def scheduler_link_record(row: Row) -> SchedulerLinkRecord:
    """Phases the row names that are none of the five (written outside the API) are left out."""
    return SchedulerLinkRecord(
        id=row.id,
        consultant_id=row.consultant_id,
        link=SchedulerLink(
            label=row.meeting_type_label,
            url=row.scheduler_url,
            duration_minutes=row.duration_minutes,
            recommended_for_phases=tuple(
                Phase(p) for p in row.recommended_for_phases or () if p in Phase._value2member_map_
            ),
            is_active=row.is_active,
        ),
        display_order=row.display_order,
    )


def activity_record(row: Row) -> ActivityRecord:
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


_RESPONSE = select(*_RESPONSE_COLUMNS, *ANSWER_COLUMNS).where(any_of(ResponseRow.id))
_REPORT = select(*REPORT_COLUMNS).where(any_of(ReportRow.id))
_CHECKLIST_ITEM = select(*CHECKLIST_COLUMNS).where(
    any_of(ChecklistItemRow.id), ChecklistItemRow.deleted_at.is_(None)
)
_ACTIVITY = select(*ACTIVITY_COLUMNS).where(any_of(ActivityLogRow.id))
_LINK = select(*LINK_COLUMNS).where(
    any_of(SchedulerLinkRow.id), SchedulerLinkRow.deleted_at.is_(None)
)


async def responses_by_id(
    connection: Connection, ids: Sequence[UUID], rows: AnswerRows
) -> dict[UUID, tuple[UUID, StoredResponse]]:
    found: dict[UUID, tuple[UUID, StoredResponse]] = {}
    for row in await _rows(connection, _RESPONSE, ids):
        stored = _stored(rows, row)
        if stored is not None:
            found[row.id] = (row.assessment_id, stored)
    return found


async def reports_by_id(connection: Connection, ids: Sequence[UUID]) -> dict[UUID, ReportRecord]:
    return {row.id: report_record(row) for row in await _rows(connection, _REPORT, ids)}


async def checklist_items_by_id(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, ChecklistItem]:
    rows = await _rows(connection, _CHECKLIST_ITEM, ids)
    return {row.id: checklist_item(row) for row in rows}


async def activity_by_id(connection: Connection, ids: Sequence[UUID]) -> dict[UUID, ActivityRecord]:
    return {row.id: activity_record(row) for row in await _rows(connection, _ACTIVITY, ids)}


async def scheduler_links_by_id(
    connection: Connection, ids: Sequence[UUID]
) -> dict[UUID, SchedulerLinkRecord]:
    """Live links only: a deleted one is as unknown as one that never was."""
    rows = await _rows(connection, _LINK, ids)
    return {row.id: scheduler_link_record(row) for row in rows}
