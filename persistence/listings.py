"""The API's lists: assessments, accounts and the audit trail, as keyset pages in SQL
(`persistence.keysets`), and their counts.

Accounts and the audit trail are newest first. Assessments have ten orders (`ORDERS`: five
keys, each either way), each served by an index for the administrator's list over every
consultant and for a consultant's own (migrations 0005 and 0007); the filters narrow the
rows the index is read for. Assessments without a search, a time range or a phase are
counted from `assessment_counts`, a per-consultant, per-status, archived-or-not tally that
triggers keep exact, so that an administrator's count does not scan every assessment; other
counts use the indexes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, String, bindparam, column, exists, func, or_, select, table
from sqlalchemy.orm import InstrumentedAttribute

from domain.assessments import BUSINESS_NAME_MAX, CLIENT_NAME_MAX, Assessment
from domain.model import AssessmentStatus, EventCategory, Phase, Role, User
from domain.results import ActivityRecord
from persistence.assessment_repositories import ASSESSMENT_COLUMNS, assessment_from_row
from persistence.keysets import (
    NEWEST_FIRST,
    Key,
    Listing,
    Name,
    Order,
    Statements,
    Time,
    keyset,
)
from persistence.models import ActivityLogRow, AssessmentRow, PhaseResultRow, UserRow
from persistence.queries import ACTIVITY_COLUMNS, activity_record
from persistence.repositories import USER_COLUMNS, user_from_row


def _pattern(term: str) -> str:
    """An ILIKE pattern for "contains `term`", case-insensitively; % and _ in it are literal.
    The columns' trigram indexes serve it."""
    escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(*columns: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    pattern = bindparam("pattern", type_=String)
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def _searching(search: str | None) -> bool:
    return bool(search and search.strip())


class AssessmentSort(enum.StrEnum):
    """What a list of assessments is sorted by; each value names its column."""

    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    COMPLETED_AT = "completed_at"  # nulls (not completed) last, either way
    CLIENT_NAME = "client_name"  # case-insensitively
    BUSINESS_NAME = "client_business_name"  # case-insensitively


_KEYS: dict[AssessmentSort, Key] = {
    AssessmentSort.CREATED_AT: Time(),
    AssessmentSort.UPDATED_AT: Time(),
    AssessmentSort.COMPLETED_AT: Time(nullable=True),
    AssessmentSort.CLIENT_NAME: Name(CLIENT_NAME_MAX),
    AssessmentSort.BUSINESS_NAME: Name(BUSINESS_NAME_MAX),
}


def _order(by: AssessmentSort, descending: bool) -> Order:
    if by is AssessmentSort.CREATED_AT and descending:
        return NEWEST_FIRST  # the list's first order: its cursors are as they always were
    name = f"{by.value}.{'desc' if descending else 'asc'}"
    return Order(by.value, _KEYS[by], descending=descending, name=name)


# Every order of the assessments, by key and whether descending, then id the same way.
ORDERS = {
    (by, descending): _order(by, descending)
    for by in AssessmentSort
    for descending in (True, False)
}


@dataclass(frozen=True, slots=True)
class AssessmentFilter:
    consultant_id: UUID | None  # None: every consultant's (admins)
    status: AssessmentStatus | None = None
    search: str | None = None  # case-insensitive, in client name, business name or email
    created_after: datetime | None = None  # created at or after this
    created_before: datetime | None = None  # created strictly before this
    phase: Phase | None = None  # the primary phase of the result
    archived: bool | None = False  # False: not archived; True: only archived; None: both
    sort: AssessmentSort = AssessmentSort.CREATED_AT
    descending: bool = True


# The tally the triggers of migrations 0005 and 0007 keep: live (not deleted) assessments
# per consultant, status and whether they are archived.
_counts = table(
    "assessment_counts",
    column("consultant_id"),
    column("status"),
    column("archived"),
    column("live"),
)


@dataclass(frozen=True, slots=True)
class _Shape:
    """Which filters a list of assessments has (not their values), and its order."""

    owner: bool
    status: bool
    search: bool
    created_after: bool
    created_before: bool
    phase: bool
    archived: bool | None
    order: Order


@lru_cache(maxsize=256)
def _assessment_statements(shape: _Shape) -> Statements:
    conditions: list[ColumnElement[bool]] = [AssessmentRow.deleted_at.is_(None)]
    tally = select(func.coalesce(func.sum(_counts.c.live), 0))
    if shape.owner:
        conditions.append(AssessmentRow.consultant_id == bindparam("owner"))
        tally = tally.where(_counts.c.consultant_id == bindparam("owner"))
    if shape.status:
        conditions.append(AssessmentRow.status == bindparam("status"))
        tally = tally.where(_counts.c.status == bindparam("status"))
    if shape.archived is not None:
        archived_at = AssessmentRow.archived_at
        conditions.append(archived_at.is_not(None) if shape.archived else archived_at.is_(None))
        tally = tally.where(_counts.c.archived.is_(shape.archived))
    if shape.search:
        names = AssessmentRow.client_name, AssessmentRow.client_business_name
        conditions.append(_contains(*names, AssessmentRow.client_email))
    if shape.created_after:
        conditions.append(AssessmentRow.created_at >= bindparam("created_after"))
    if shape.created_before:
        conditions.append(AssessmentRow.created_at < bindparam("created_before"))
    if shape.phase:
        conditions.append(
            exists().where(
                PhaseResultRow.assessment_id == AssessmentRow.id,
                PhaseResultRow.primary_phase == bindparam("phase"),
            )
        )
    tallied = not (shape.search or shape.created_after or shape.created_before or shape.phase)
    return keyset(
        ASSESSMENT_COLUMNS, AssessmentRow, conditions, shape.order, tally if tallied else None
    )


def assessments(where: AssessmentFilter) -> Listing[Assessment]:
    searching = _searching(where.search)
    order = ORDERS[AssessmentSort(where.sort), where.descending]
    shape = _Shape(
        owner=where.consultant_id is not None,
        status=where.status is not None,
        search=searching,
        created_after=where.created_after is not None,
        created_before=where.created_before is not None,
        phase=where.phase is not None,
        archived=where.archived,
        order=order,
    )
    params: dict[str, Any] = {
        "owner": where.consultant_id,
        "created_after": where.created_after,
        "created_before": where.created_before,
    }
    # Enumerations may arrive as the member or its value: GraphQL arguments come as either.
    if where.status is not None:
        params["status"] = AssessmentStatus(where.status).value
    if where.phase is not None:
        params["phase"] = Phase(where.phase).value
    if where.search and searching:
        params["pattern"] = _pattern(where.search)
    return Listing(_assessment_statements(shape), params, assessment_from_row, order)


@cache
def _user_statements(role: bool, search: bool) -> Statements:
    conditions: list[ColumnElement[bool]] = [UserRow.deleted_at.is_(None)]
    if role:
        conditions.append(UserRow.role == bindparam("role"))
    if search:
        conditions.append(_contains(UserRow.email, UserRow.first_name, UserRow.last_name))
    return keyset(USER_COLUMNS, UserRow, conditions)


def users(*, role: Role | None = None, search: str | None = None) -> Listing[User]:
    """Accounts newest first; `search` in email, first or last name, case-insensitive."""
    searching = _searching(search)
    params: dict[str, Any] = {}
    if role is not None:
        params["role"] = Role(role).value
    if search and searching:
        params["pattern"] = _pattern(search)
    return Listing(_user_statements(role is not None, searching), params, user_from_row)


@cache
def _activity_statements(category: bool, user: bool) -> Statements:
    conditions: list[ColumnElement[bool]] = []
    if category:
        conditions.append(ActivityLogRow.event_category == bindparam("category"))
    if user:
        conditions.append(ActivityLogRow.user_id == bindparam("user_id"))
    return keyset(ACTIVITY_COLUMNS, ActivityLogRow, conditions)


def activity(
    *, category: EventCategory | None = None, user_id: UUID | None = None
) -> Listing[ActivityRecord]:
    """The audit trail newest first, by category and by user."""
    params: dict[str, Any] = {"user_id": user_id}
    if category is not None:
        params["category"] = EventCategory(category).value
    statements = _activity_statements(category is not None, user_id is not None)
    return Listing(statements, params, activity_record)
