"""The API's lists (API.md "Pagination"): keyset pages in SQL, newest first, and their counts.

A page is one statement on ``(created_at DESC, id DESC)`` after the cursor's key, served by
an index on that key behind every filter (migration 0005), so a page never shifts when rows
are added ahead of it and costs the same however deep it is. The count is a separate
statement, run only when asked for. Assessments without a search are counted from
`assessment_counts`, a per-consultant, per-status tally that triggers keep exact, so that
an administrator's count does not scan every assessment; other counts use the indexes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    func,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import InstrumentedAttribute

from domain.assessments import Assessment
from domain.model import AssessmentStatus, EventCategory, Role, User
from domain.results import ActivityRecord
from persistence.assessment_repositories import ASSESSMENT_COLUMNS, assessment_from_row
from persistence.models import ActivityLogRow, AnyRow, AssessmentRow, UserRow
from persistence.queries import ACTIVITY_COLUMNS, activity_record
from persistence.repositories import USER_COLUMNS, user_from_row

T = TypeVar("T")


class InvalidCursor(ValueError):
    """A pagination cursor that this service did not hand out."""


def encode_cursor(created_at: datetime, row_id: UUID) -> str:
    raw = f"{created_at.isoformat()},{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split(",")
        when = datetime.fromisoformat(created)
        if when.tzinfo is None:
            raise ValueError("a cursor's time has an offset")
        return when, UUID(row_id)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise InvalidCursor("the `after` cursor is not one this service handed out") from exc


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One filtered list: what to select, how a row becomes an item, and how to count."""

    columns: Sequence[Any]
    created_at: InstrumentedAttribute[datetime]
    id: InstrumentedAttribute[UUID]
    conditions: Sequence[ColumnElement[bool]]
    item: Callable[[AnyRow], T]
    tally: Select[int] | None = None  # a cheaper exact count than counting the rows

    async def page(self, connection: AsyncConnection, *, first: int, after: str | None) -> Page[T]:
        """`first` items after the `after` cursor, and whether more follow."""
        query = select(*self.columns).where(*self.conditions)
        if after is not None:
            created, row_id = decode_cursor(after)
            query = query.where(tuple_(self.created_at, self.id) < (created, row_id))
        query = query.order_by(self.created_at.desc(), self.id.desc()).limit(first + 1)
        rows = list(await connection.execute(query))
        shown = rows[:first]
        return Page(
            items=[self.item(row) for row in shown],
            cursors=[encode_cursor(row.created_at, row.id) for row in shown],
            has_next=len(rows) > first,
        )

    async def count(self, connection: AsyncConnection) -> int:
        query = self.tally
        if query is None:
            query = select(func.count()).select_from(self.id.class_).where(*self.conditions)
        return int(await connection.scalar(query) or 0)


def contains(term: str, *columns: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """Any of `columns` contains `term`, case-insensitively; % and _ in it are literal. The
    columns' trigram indexes serve it."""
    escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(*(c.ilike(f"%{escaped}%", escape="\\") for c in columns))


@dataclass(frozen=True, slots=True)
class AssessmentFilter:
    consultant_id: UUID | None  # None: every consultant's (admins)
    status: AssessmentStatus | None = None
    search: str | None = None  # case-insensitive, in client name, business name or email


# The tally the triggers of migration 0005 keep: live (not deleted) assessments per
# consultant and status.
_counts = table("assessment_counts", column("consultant_id"), column("status"), column("live"))


def assessments(where: AssessmentFilter) -> Listing[Assessment]:
    conditions: list[ColumnElement[bool]] = [AssessmentRow.deleted_at.is_(None)]
    tally = select(func.coalesce(func.sum(_counts.c.live), 0))
    if where.consultant_id is not None:
        conditions.append(AssessmentRow.consultant_id == where.consultant_id)
        tally = tally.where(_counts.c.consultant_id == where.consultant_id)
    if where.status is not None:
        # Accepts the member or its value: GraphQL arguments may arrive as either.
        status = AssessmentStatus(where.status).value
        conditions.append(AssessmentRow.status == status)
        tally = tally.where(_counts.c.status == status)
    searching = bool(where.search and where.search.strip())
    if where.search and searching:
        conditions.append(
            contains(
                where.search,
                AssessmentRow.client_name,
                AssessmentRow.client_business_name,
                AssessmentRow.client_email,
            )
        )
    return Listing(
        columns=ASSESSMENT_COLUMNS,
        created_at=AssessmentRow.created_at,
        id=AssessmentRow.id,
        conditions=conditions,
        item=assessment_from_row,
        tally=None if searching else tally,
    )


def users(*, role: Role | None = None, search: str | None = None) -> Listing[User]:
    """Accounts newest first; `search` in email, first or last name, case-insensitive."""
    conditions: list[ColumnElement[bool]] = [UserRow.deleted_at.is_(None)]
    if role is not None:
        conditions.append(UserRow.role == Role(role).value)
    if search and search.strip():
        conditions.append(contains(search, UserRow.email, UserRow.first_name, UserRow.last_name))
    return Listing(USER_COLUMNS, UserRow.created_at, UserRow.id, conditions, user_from_row)


def activity(
    *, category: EventCategory | None = None, user_id: UUID | None = None
) -> Listing[ActivityRecord]:
    """The audit trail newest first, by category and by user."""
    conditions: list[ColumnElement[bool]] = []
    if category is not None:
        conditions.append(ActivityLogRow.event_category == EventCategory(category).value)
    if user_id is not None:
        conditions.append(ActivityLogRow.user_id == user_id)
    return Listing(
        ACTIVITY_COLUMNS,
        ActivityLogRow.created_at,
        ActivityLogRow.id,
        conditions,
        activity_record,
    )
