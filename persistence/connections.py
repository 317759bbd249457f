"""The service's connections, and one at a time for what one request (or command) does.

`Database` is the pool (psycopg_pool): connections in autocommit mode, opened as requests
need them and kept up to the pool's size, checked out without a ping. A read is then exactly
one statement on the wire: no BEGIN, no ROLLBACK, no ping.

A `ConnectionScope` keeps the connection its first read checked out for every later read,
until `close()`, so all the data loaders of a request share one connection. A unit of work
runs its transaction on the scope's connection (or checks one out), saying BEGIN and COMMIT
itself, and hands the connection back to the pool when it ends: nothing holds a connection
while the request does slow work of its own between two transactions, such as verifying a
password.

A connection serves one statement at a time, so a scope takes turns: reads wait for each
other and for a transaction in progress. Code inside a transaction must therefore use the
transaction's connection, never `reading()` of the same scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from persistence.database import conninfo

log = logging.getLogger(__name__)

Connection = AsyncConnection[Any]
OPEN_TIMEOUT_SECONDS = 10.0


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
        on_connect: Callable[[Connection], None] | None = None,
    ) -> None:
        info, options = conninfo(url, statement_timeout_ms)
        self._on_connect = on_connect
        self._pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            info,
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True, "options": options},
            configure=self._configure,
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
        return await self._pool.getconn()

    async def release(self, connection: Connection) -> None:
        await self._pool.putconn(connection)

    def scope(self) -> ConnectionScope:
        return ConnectionScope(self)


class Transaction:
    """The connection of a transaction in progress, and the way to commit it."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.committed = False

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
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
        """BEGIN on the scope's connection; ROLLBACK unless committed; the connection goes
        back to the pool either way."""
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is None:
                connection = await self._database.connect()
            try:
                await connection.execute("BEGIN")
                transaction = Transaction(connection)
                try:
                    yield transaction
                finally:
                    if not transaction.committed:
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
