"""The service's connections, and one at a time for what one request (or command) does.

`Database` is the pool (psycopg_pool): connections in autocommit mode, opened as requests
need them and kept up to the pool's size, checked out without a ping. A read is then exactly
one statement on the wire: no BEGIN, no ROLLBACK, no ping.

A `ConnectionScope` keeps the connection its first read checked out for every later read,
until `close()`, so all the data loaders of a request share one connection. A unit of work
runs its transaction on the scope's connection (or checks one out), saying BEGIN (with its
first statement, see persistence/statements.py) and COMMIT itself, and hands the connection
back to the pool when it ends: nothing holds a connection
while the request does slow work of its own between two transactions, such as verifying a
password.

A connection serves one statement at a time, so a scope takes turns: reads wait for each
other and for a transaction in progress. Code inside a transaction must therefore use the
transaction's connection, never `reading()` of the same scope.

When the database goes away, requests should learn it at once rather than each waiting out
the checkout timeout for a connection that cannot come: once a checkout has timed out or a
connection has come back broken (and until the pool's first connection), a checkout waits
at most `OUTAGE_CHECKOUT_SECONDS`, until one succeeds again. `is_unreachable` tells such
failures from the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from persistence import statements
from persistence.database import conninfo

log = logging.getLogger(__name__)

Connection = AsyncConnection[Any]
OPEN_TIMEOUT_SECONDS = 10.0
CHECKOUT_TIMEOUT_SECONDS = 30.0  # the most a request waits for a connection of a busy pool
OUTAGE_CHECKOUT_SECONDS = 2.0  # ... and while the database seems to be unreachable
# The pool retries a failed connection with growing pauses (1 s, 2 s, 4 s...) for this long,
# then gives up until a request asks again: after an outage of any length, service resumes
# within seconds of the database's return, not after a pause grown as long as the outage.
RECONNECT_SECONDS = 10.0
# Server states of a connection that ended or could not start: the server shut down or
# crashed, is starting up, or has no connection slot left (class 08 is added below).
_GONE = frozenset({"57P01", "57P02", "57P03", "53300"})


def is_unreachable(error: BaseException) -> bool:
    """True when `error` says the database cannot be used right now: no connection could be
    had in time (the server is down, unreachable or out of connections, or the pool is busy)
    or the connection failed under the statement. A request that met it may succeed later;
    it says nothing about the request itself (a statement timeout, say, is not one)."""
    if isinstance(error, PoolTimeout | PoolClosed):
        return True
    if isinstance(error, psycopg.OperationalError):
        state = error.sqlstate
        return state is None or state.startswith("08") or state in _GONE
    return False


class Database:
    """A pool of at most `size` connections to the database at `url` (a SQLAlchemy URL, as
    the rest of the service spells them), each with the statement timeout. `on_connect` is
    called with every new connection (tests trace them)."""

    def __init__(
        self,
        url: str,
        *,
        statement_timeout_ms: int,
        size: int = 20,
        checkout_timeout: float = CHECKOUT_TIMEOUT_SECONDS,
        on_connect: Callable[[Connection], None] | None = None,
    ) -> None:
        info, options = conninfo(url, statement_timeout_ms)
        self._on_connect = on_connect
        self._checkout_timeout = checkout_timeout
        self._failing = True  # no connection yet: until one comes, as if unreachable
        self._pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            info,
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True, "options": options},
            configure=self._configure,
            reconnect_timeout=RECONNECT_SECONDS,
            open=False,
        )

    async def _configure(self, connection: Connection) -> None:
        if self._on_connect is not None:
            self._on_connect(connection)

    async def open(self, *, wait: bool = False) -> None:
        """Opens the pool; its first connection is made in the background unless `wait`
        (a service starts, and says it is not ready, while its database is unreachable)."""
        await self._pool.open(wait=wait, timeout=OPEN_TIMEOUT_SECONDS)

    async def close(self) -> None:
        await self._pool.close()

    async def __aenter__(self) -> Database:
        await self.open(wait=True)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def connect(self) -> Connection:
        """A connection of the pool; `PoolTimeout` when none is free in time."""
        if self._failing:
            timeout = min(self._checkout_timeout, OUTAGE_CHECKOUT_SECONDS)
        else:
            timeout = self._checkout_timeout
        try:
            connection = await self._pool.getconn(timeout=timeout)
        except PoolTimeout:
            self._failing = True
            raise
        self._failing = False
        return connection

    async def release(self, connection: Connection) -> None:
        if connection.broken:  # the server went away under it (the pool discards it)
            self._failing = True
        await self._pool.putconn(connection)

    def scope(self) -> ConnectionScope:
        return ConnectionScope(self)


class Transaction:
    """The connection of a transaction in progress, and the way to commit it."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.committed = False

    async def commit(self) -> None:
        await statements.commit(self.connection)
        self.committed = True


class ConnectionScope:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: Connection | None = None
        self._turn = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[Connection]:
        """The scope's connection for autocommitted reads, checked out on first use."""
        async with self._turn:
            if self._connection is None:
                self._connection = await self._database.connect()
            yield self._connection

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A transaction on the scope's connection, its BEGIN sent with its first statement
        (persistence/statements.py); ROLLBACK unless committed; the connection goes back to
        the pool either way."""
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is None:
                connection = await self._database.connect()
            try:
                statements.hold_begin(connection)
                transaction = Transaction(connection)
                try:
                    yield transaction
                finally:
                    if statements.release(connection) and not transaction.committed:
                        await _roll_back(connection)
            finally:
                await self._database.release(connection)

    async def close(self) -> None:
        """Returns the read connection, if any, to the pool."""
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is not None:
                await self._database.release(connection)


async def _roll_back(connection: Connection) -> None:
    try:
        await connection.execute("ROLLBACK")
    except psycopg.Error:
        # The connection is broken (the error that got us here is what the caller sees);
        # the pool discards a broken connection when it comes back.
        log.debug("rollback failed", exc_info=True)
