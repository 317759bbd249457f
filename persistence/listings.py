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
from functools import cache
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    bindparam,
    column,
    func,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.orm import InstrumentedAttribute

from domain.assessments import Assessment
from domain.model import AssessmentStatus, EventCategory, Role, User
from domain.results import ActivityRecord
from persistence.assessment_repositories import ASSESSMENT_COLUMNS, assessment_from_row
from persistence.connections import Connection
from persistence.models import ActivityLogRow, AnySelect, AssessmentRow, UserRow
from persistence.queries import ACTIVITY_COLUMNS, activity_record
from persistence.repositories import USER_COLUMNS, user_from_row
from persistence.statements import Row, fetch, scalar

T = TypeVar("T")


class InvalidCursor(ValueError):
    """A pagination cursor that this service did not hand out."""


def encode_cursor(created_at: datetime, row_id: UUID) -> str:
    raw = f"{created_at.isoformat()},{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# The cursors handed out are about 90 characters long; a longer one is refused unread.
CURSOR_MAX_LENGTH = 128


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        if len(cursor) > CURSOR_MAX_LENGTH:
            raise ValueError("longer than any cursor handed out")
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
class Statements:
    """A list's statements for one shape of filter, built once with parameters (building a
    statement costs more than running it): the first page, a page after a cursor, the count."""

    first: AnySelect
    after: AnySelect
    count: AnySelect


def keyset(
    columns: Sequence[Any],
    row: Any,
    conditions: Sequence[ColumnElement[bool]],
    count: AnySelect | None = None,
) -> Statements:
    """Pages of `row` newest first on (created_at DESC, id DESC); `limit` and the cursor's
    `after_created`, `after_id` are parameters. `count` is a cheaper exact count than
    counting the rows, when there is one."""
    listed = select(*columns).where(*conditions)
    order = (row.created_at.desc(), row.id.desc())
    cursor = tuple_(row.created_at, row.id) < tuple_(
        bindparam("after_created", type_=DateTime(timezone=True)), bindparam("after_id")
    )
    return Statements(
        first=listed.order_by(*order).limit(bindparam("limit")),
        after=listed.where(cursor).order_by(*order).limit(bindparam("limit")),
        count=count
        if count is not None
        else select(func.count()).select_from(row).where(*conditions),
    )


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One filtered list: its statements, their parameters, and how a row becomes an item."""

    statements: Statements
    params: dict[str, Any]
    item: Callable[[Row], T]

    async def page(self, connection: Connection, *, first: int, after: str | None) -> Page[T]:
        """`first` items after the `after` cursor, and whether more follow."""
        params = self.params | {"limit": first + 1}
        query = self.statements.first
        if after is not None:
            created, row_id = decode_cursor(after)
            params |= {"after_created": created, "after_id": row_id}
            query = self.statements.after
        rows = await fetch(connection, query, params)
        shown = rows[:first]
        return Page(
            items=[self.item(row) for row in shown],
            cursors=[encode_cursor(row.created_at, row.id) for row in shown],
            has_next=len(rows) > first,
        )

    async def count(self, connection: Connection) -> int:
        return int(await scalar(connection, self.statements.count, self.params) or 0)


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


@dataclass(frozen=True, slots=True)
class AssessmentFilter:
    consultant_id: UUID | None  # None: every consultant's (admins)
    status: AssessmentStatus | None = None
    search: str | None = None  # case-insensitive, in client name, business name or email


# The tally the triggers of migration 0005 keep: live (not deleted) assessments per
# consultant and status.
_counts = table("assessment_counts", column("consultant_id"), column("status"), column("live"))


@cache
def _assessment_statements(owner: bool, status: bool, search: bool) -> Statements:
    conditions: list[ColumnElement[bool]] = [AssessmentRow.deleted_at.is_(None)]
    tally = select(func.coalesce(func.sum(_counts.c.live), 0))
    if owner:
        conditions.append(AssessmentRow.consultant_id == bindparam("owner"))
        tally = tally.where(_counts.c.consultant_id == bindparam("owner"))
    if status:
        conditions.append(AssessmentRow.status == bindparam("status"))
        tally = tally.where(_counts.c.status == bindparam("status"))
    if search:
        names = AssessmentRow.client_name, AssessmentRow.client_business_name
        conditions.append(_contains(*names, AssessmentRow.client_email))
    return keyset(ASSESSMENT_COLUMNS, AssessmentRow, conditions, None if search else tally)


def assessments(where: AssessmentFilter) -> Listing[Assessment]:
    searching = _searching(where.search)
    statements = _assessment_statements(
        where.consultant_id is not None, where.status is not None, searching
    )
    params: dict[str, Any] = {"owner": where.consultant_id}
    if where.status is not None:
        # Accepts the member or its value: GraphQL arguments may arrive as either.
        params["status"] = AssessmentStatus(where.status).value
    if where.search and searching:
        params["pattern"] = _pattern(where.search)
    return Listing(statements, params, assessment_from_row)


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
