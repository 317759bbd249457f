"""Running statements: SQLAlchemy Core builds and compiles them, psycopg runs them.

SQLAlchemy's execution layer (its pool, the compiled-cache lookup, the execution context,
the result wrapping) costs more per statement than a warm statement takes on the server. So
a statement is compiled for psycopg once, with its bind processors and the values of its
anonymous parameters, and run on the connection directly; rows come back as named tuples
(`row.id`). Compiled statements are kept by SQLAlchemy's cache key, as SQLAlchemy itself
keeps them, so statements of one shape share one compilation. Building a statement costs
more than finding its compilation, so the statements of the request path are module
constants with named parameters. A plain SQL string, with ``%(name)s`` parameters, runs as
it is.

A transaction's BEGIN is not a round trip of its own: it waits (`hold_begin`) and goes with
the transaction's first statement, and a write whose result nothing reads, such as an audit
row or an autosave's progress (`execute_later`), waits and goes with the next statement or
with COMMIT. Statements that go together are sent in psycopg's pipeline mode, so each is
still a prepared statement; `fetch_each` sends several that the caller needs the results
of. An autosave is then three round trips instead of seven, and a transaction that only
writes an audit row is one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from psycopg import AsyncConnection, AsyncCursor, pq
from psycopg.rows import namedtuple_row
from sqlalchemy import BindParameter, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

DIALECT = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
KEPT_SHAPES = 512  # statements built per call, by shape

Statement = ClauseElement | str
Params = Mapping[str, Any]
# A result row: a named tuple of the statement's columns (psycopg's namedtuple_row).
Row: TypeAlias = Any


@dataclass(frozen=True)
class _Compiled:
    sql: str
    compiled: SQLCompiler
    processors: Mapping[str, Callable[[Any], Any]]
    own: dict[str, Any]  # the values of the compiled statement's own parameters

    def own_params(self, given: Params | None) -> dict[str, Any]:
        """`params` for the very statement compiled: its own values, and those given."""
        values = self.own | dict(given or {})
        for name, process in self.processors.items():
            if values.get(name) is not None:
                values[name] = process(values[name])
        return values

    @classmethod
    def of(cls, statement: ClauseElement, key: Any = None) -> _Compiled:
        """`key`: the statement's cache key, for statements of one shape to share it."""
        compiled = statement.compile(dialect=DIALECT, cache_key=key)
        assert isinstance(compiled, SQLCompiler)
        if "POSTCOMPILE" in compiled.string:
            # An expanding IN list is rendered per execution; `= ANY(:ids)` is one statement.
            raise ValueError(f"a statement with an IN list cannot run here: {compiled.string}")
        processors = {
            k: v for k, v in compiled._bind_processors.items() if v is not None and callable(v)
        }
        return cls(compiled.string, compiled, processors, dict(compiled.params))

    def params(self, given: Params | None, extracted: Any = None) -> dict[str, Any]:
        """The values to send: those given, the statement's own (`extracted` from a
        statement of the same shape), each through its type's bind processor."""
        values = dict(
            self.compiled.construct_params(dict(given or {}), extracted_parameters=extracted)
        )
        for name, process in self.processors.items():
            if values.get(name) is not None:
                values[name] = process(values[name])
        return values


_BY_SHAPE: OrderedDict[Any, _Compiled] = OrderedDict()
# The statements themselves, the module constants of the request path found again first:
# no cache key to make, no parameters to extract.
_BY_IDENTITY: OrderedDict[int, tuple[ClauseElement, _Compiled]] = OrderedDict()


def parameters(*columns: str) -> dict[str, BindParameter[Any]]:
    """`{column: :column_}`, the values of an INSERT or UPDATE built once: each as a named
    parameter (suffixed, as SQLAlchemy keeps a column's own name for itself)."""
    return {column: bindparam(f"{column}_") for column in columns}


def arguments(values: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of `parameters(...)` for these column values."""
    return {f"{column}_": value for column, value in values.items()}


def _prepared(statement: Statement, given: Params | None) -> tuple[str, Params | None]:
    if isinstance(statement, str):
        return statement, given
    known = _BY_IDENTITY.get(id(statement))
    if known is not None and known[0] is statement:
        return known[1].sql, known[1].own_params(given)
    key = statement._generate_cache_key()
    if key is None:  # not cacheable: compiled each time
        once = _Compiled.of(statement)
        return once.sql, once.params(given)
    compiled = _BY_SHAPE.get(key.key)
    if compiled is None:
        compiled = _BY_SHAPE[key.key] = _Compiled.of(statement, key)
        if len(_BY_SHAPE) > KEPT_SHAPES:
            _BY_SHAPE.popitem(last=False)
    else:
        _BY_SHAPE.move_to_end(key.key)
        if compiled.compiled.statement is not statement:
            return compiled.sql, compiled.params(given, key.bindparams)
    # A statement met a second time (or compiled just now) is likely one of the constants.
    _BY_IDENTITY[id(statement)] = (statement, compiled)
    if len(_BY_IDENTITY) > KEPT_SHAPES:
        _BY_IDENTITY.popitem(last=False)
    return compiled.sql, compiled.own_params(given)


# A statement as sent: its SQL and the values bound to it.
_Sent = tuple[str, Params | None]
_BEGIN: _Sent = ("BEGIN", None)
_COMMIT: _Sent = ("COMMIT", None)


@dataclass
class _Waiting:
    """What a connection's transaction has not sent yet: its BEGIN, and writes with their
    values, in the order they were asked for."""

    begin: bool = True
    writes: list[_Sent] = field(default_factory=list)

    def take(self) -> list[_Sent]:
        sent = ([_BEGIN] if self.begin else []) + self.writes
        self.begin, self.writes = False, []
        return sent


_WAITING: dict[AsyncConnection[Any], _Waiting] = {}


def hold_begin(connection: AsyncConnection[Any]) -> None:
    """Starts a transaction on `connection` whose BEGIN goes with its first statement."""
    _WAITING[connection] = _Waiting()


def release(connection: AsyncConnection[Any]) -> bool:
    """Ends what `hold_begin` started, dropping anything still waiting (a transaction not
    committed is rolled back, and so loses it anyway). True when the server has the
    transaction open, to be rolled back."""
    _WAITING.pop(connection, None)
    return connection.info.transaction_status != pq.TransactionStatus.IDLE


def _take(connection: AsyncConnection[Any]) -> list[_Sent]:
    """What waits on the connection, to be sent now (nothing outside a held transaction)."""
    waiting = _WAITING.get(connection)
    return waiting.take() if waiting is not None else []


async def commit(connection: AsyncConnection[Any]) -> None:
    """COMMIT, with what is still waiting; nothing at all when the transaction never sent
    a statement."""
    sent = _take(connection)
    if sent == [_BEGIN]:
        return
    await _pipelined(connection, [*sent, _COMMIT])


async def execute_later(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None = None
) -> None:
    """Runs a write whose result nothing reads. In a transaction begun with `hold_begin` it
    waits for the transaction's next statement or its COMMIT and goes in that round trip;
    its values are bound now. Otherwise it runs at once."""
    waiting = _WAITING.get(connection)
    if waiting is None:
        await execute(connection, statement, params)
        return
    waiting.writes.append(_prepared(statement, params))


async def _run(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None
) -> AsyncCursor[Any]:
    sql, values = _prepared(statement, params)
    if sent := _take(connection):
        *_, cursor = await _pipelined(connection, [*sent, (sql, values)])
        return cursor
    cursor = connection.cursor(row_factory=namedtuple_row)
    return await cursor.execute(sql, values)


async def _pipelined(connection: AsyncConnection[Any], sent: list[_Sent]) -> list[AsyncCursor[Any]]:
    """The statements in one round trip (psycopg's pipeline mode: each is still prepared
    once it has run a few times on the connection), and the cursors on their results. Each
    runs when the one before it has finished, with a snapshot of its own; the first to fail
    fails the rest, and raises here."""
    cursors = []
    async with connection.pipeline():
        for sql, values in sent:
            cursor = connection.cursor(row_factory=namedtuple_row)
            control = (sql, values) in (_BEGIN, _COMMIT)  # never worth preparing
            cursors.append(await cursor.execute(sql, values, prepare=False if control else None))
    return cursors


async def fetch_each(
    connection: AsyncConnection[Any], *runs: tuple[Statement, Params | None]
) -> list[list[Any]]:
    """Every row of each statement's result, the statements sent in one round trip after
    what waits on the connection: one may lock a row that the next one reads."""
    sent = _take(connection)
    cursors = await _pipelined(connection, [*sent, *(_prepared(s, p) for s, p in runs)])
    return [await c.fetchall() if _has_rows(c) else [] for c in cursors[len(sent) :]]


def _has_rows(cursor: AsyncCursor[Any]) -> bool:
    """Whether the statement returns rows (asking the result, not `description`, which
    builds an object for every column)."""
    result = cursor.pgresult
    return result is not None and result.status == pq.ExecStatus.TUPLES_OK


async def fetch(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None = None
) -> list[Any]:
    """Every row of the statement's result."""
    cursor = await _run(connection, statement, params)
    return await cursor.fetchall() if _has_rows(cursor) else []


async def first(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None = None
) -> Any:
    """The first row, or None."""
    cursor = await _run(connection, statement, params)
    return await cursor.fetchone() if _has_rows(cursor) else None


async def scalar(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None = None
) -> Any:
    """The first column of the first row, or None."""
    row = await first(connection, statement, params)
    return None if row is None else row[0]


async def execute(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None = None
) -> int:
    """Runs the statement; returns how many rows it touched."""
    return (await _run(connection, statement, params)).rowcount


async def one(
    connection: AsyncConnection[Any], statement: Statement, params: Params | None = None
) -> Any:
    """The one row the statement returns (a LookupError if it returns none)."""
    row = await first(connection, statement, params)
    if row is None:
        raise LookupError("the statement returned no row")
    return row
