"""Keyset pages (API.md "Pagination"): every page of every list is one statement in SQL.

A list is sorted by one key and then by id, both in the same direction, so that every row
has exactly one place. A page is the first rows after the cursor's (key, id) in that order:
``(key, id) < (:key, :id)`` descending, ``>`` ascending. A B-tree index on the list's filter
columns, then (key, id), serves the order read forwards and the opposite order read
backwards, so a page never shifts when rows are added ahead of it and costs the same however
deep it is. The count is a separate statement, run only when asked for.

Keys (`Key`):

- `Time`: a timestamp. One that may be null (an assessment's completed_at before it is
  completed) sorts its nulls last in both directions: the key is
  ``COALESCE(column, 'infinity')`` ascending and ``COALESCE(column, '-infinity')`` descending,
  so the nulls come after every time either way and page, among themselves, by id. Each of
  the two expressions has its index.
- `Name`: text, case-insensitively: ``lower(column) COLLATE "C"``, the lower-cased text in
  code-point order, which is the same on every server whatever its locale. Names equal but
  for case are ordered by id like any other tie.

A cursor is base64url, unpadded, of ``order,value,id``: the order's name (`Order.name`), the
key's value as `Key.write` spells it, and the row's id. It belongs to its order: another
order, or a cursor changed by hand, reads as `InvalidCursor`. A list's first order, newest
first on created_at, writes ``value,id`` without a name, as all cursors did before there
were other orders.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.types import TypeEngine

from domain.text import text_problem
from persistence.connections import Connection
from persistence.models import AnySelect
from persistence.statements import Row, fetch, scalar

T = TypeVar("T")

# A cursor of a time order, or the first part of any cursor: a name, a time and an id come
# to about 120 characters. A name order's cursors carry the name, up to 6 characters more
# for each of its characters (4 bytes of UTF-8, in base64).
CURSOR_MAX_LENGTH = 128


class InvalidCursor(ValueError):
    """A pagination cursor that this service did not hand out for this list and order."""


class Key(Protocol):
    """How a sort key is compared in SQL, and written into a cursor and read back."""

    @property
    def sql_type(self) -> TypeEngine[Any]: ...

    @property
    def extra_cursor_length(self) -> int:
        """How much longer than CURSOR_MAX_LENGTH a cursor with this key may be."""
        ...

    def expression(self, value: ColumnElement[Any], *, descending: bool) -> ColumnElement[Any]:
        """What is compared and indexed for `value` (a column or the cursor's parameter)."""
        ...

    def write(self, value: Any) -> str: ...

    def read(self, text: str) -> Any:
        """The value `write` wrote; ValueError for anything else."""
        ...


_INFINITY: ColumnElement[datetime] = literal_column("'infinity'::timestamptz")
_NEGATIVE_INFINITY: ColumnElement[datetime] = literal_column("'-infinity'::timestamptz")


@dataclass(frozen=True)
class Time:
    """A timestamp with a time zone; `nullable`: nulls sort last in either direction."""

    nullable: bool = False
    sql_type: ClassVar[TypeEngine[Any]] = DateTime(timezone=True)
    extra_cursor_length: ClassVar[int] = 0

    def expression(self, value: ColumnElement[Any], *, descending: bool) -> ColumnElement[Any]:
        if not self.nullable:
            return value
        return func.coalesce(value, _NEGATIVE_INFINITY if descending else _INFINITY)

    def write(self, value: datetime | None) -> str:
        if value is None:
            if not self.nullable:
                raise ValueError("a time key that is never null is null")
            return ""
        return value.isoformat()

    def read(self, text: str) -> datetime | None:
        if text == "" and self.nullable:
            return None
        when = datetime.fromisoformat(text)
        if when.tzinfo is None:
            raise ValueError("a cursor's time lacks its offset")
        return when


@dataclass(frozen=True)
class Name:
    """Text of at most `max_chars` characters, ordered case-insensitively."""

    max_chars: int
    sql_type: ClassVar[TypeEngine[Any]] = String()

    @property
    def extra_cursor_length(self) -> int:
        return 6 * self.max_chars

    def expression(self, value: ColumnElement[Any], *, descending: bool) -> ColumnElement[Any]:
        return func.lower(value).collate("C")

    def write(self, value: str) -> str:
        return value

    def read(self, text: str) -> str:
        if not text or len(text) > self.max_chars or text_problem(text) is not None:
            raise ValueError("not a name a row can have")
        return text


@dataclass(frozen=True)
class Order:
    """A list's order: by the row's `column` through `key`, then by id, `descending` or not.
    `name` is written in its cursors; None for a list's first order (plain cursors)."""

    column: str
    key: Key
    descending: bool = True
    name: str | None = None

    def cursor(self, row: Row) -> str:
        value = self.key.write(getattr(row, self.column))
        parts = [value, str(row.id)] if self.name is None else [self.name, value, str(row.id)]
        return base64.urlsafe_b64encode(",".join(parts).encode()).decode().rstrip("=")

    def after(self, cursor: str) -> dict[str, Any]:
        """The parameters of the page after `cursor`; InvalidCursor unless this order made it."""
        try:
            if len(cursor) > CURSOR_MAX_LENGTH + self.key.extra_cursor_length:
                raise ValueError("longer than any cursor of this order")
            padded = cursor + "=" * (-len(cursor) % 4)
            text = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
            head, separator, row_id = text.rpartition(",")
            if not separator:
                raise ValueError("no id")
            if self.name is not None:
                name, separator, head = head.partition(",")
                if name != self.name or not separator:
                    raise ValueError("a cursor of another order")
            return {"after_key": self.key.read(head), "after_id": UUID(row_id)}
        except (ValueError, UnicodeError, binascii.Error) as exc:
            raise InvalidCursor(
                "the `after` cursor is not one this service handed out for this list and order"
            ) from exc


NEWEST_FIRST = Order("created_at", Time())


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next: bool


@dataclass(frozen=True)
class Statements:
    """A list's statements for one shape of filter and one order, built once with
    parameters (building a statement costs more than running it): the first page, a page
    after a cursor, the count."""

    first: AnySelect
    after: AnySelect
    count: AnySelect


def keyset(
    columns: Sequence[Any],
    row: Any,
    conditions: Sequence[ColumnElement[bool]],
    order: Order = NEWEST_FIRST,
    count: AnySelect | None = None,
) -> Statements:
    """Pages of the table `row` in `order`; `limit` and the cursor's `after_key` and
    `after_id` are parameters. `count` is a cheaper exact count than counting the rows,
    when there is one."""
    listed = select(*columns).where(*conditions)
    descending = order.descending
    key = order.key.expression(getattr(row, order.column), descending=descending)
    after = order.key.expression(
        bindparam("after_key", type_=order.key.sql_type), descending=descending
    )
    position, cursor = tuple_(key, row.id), tuple_(after, bindparam("after_id"))
    if descending:
        sort, beyond = (key.desc(), row.id.desc()), position < cursor
    else:
        sort, beyond = (key.asc(), row.id.asc()), position > cursor
    return Statements(
        first=listed.order_by(*sort).limit(bindparam("limit")),
        after=listed.where(beyond).order_by(*sort).limit(bindparam("limit")),
        count=count
        if count is not None
        else select(func.count()).select_from(row).where(*conditions),
    )


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One filtered list in one order: its statements, their parameters, and how a row
    becomes an item."""

    statements: Statements
    params: dict[str, Any]
    item: Callable[[Row], T]
    order: Order = NEWEST_FIRST

    async def page(self, connection: Connection, *, first: int, after: str | None) -> Page[T]:
        """`first` items after the `after` cursor, and whether more follow."""
        params = self.params | {"limit": first + 1}
        query = self.statements.first
        if after is not None:
            params |= self.order.after(after)
            query = self.statements.after
        rows = await fetch(connection, query, params)
        shown = rows[:first]
        return Page(
            items=[self.item(row) for row in shown],
            cursors=[self.order.cursor(row) for row in shown],
            has_next=len(rows) > first,
        )

    async def count(self, connection: Connection) -> int:
        return int(await scalar(connection, self.statements.count, self.params) or 0)
