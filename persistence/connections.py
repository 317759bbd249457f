"""One pooled connection at a time for what one request (or one command) does.

The engine's connections are in autocommit mode (`persistence.database.create_engine`), so
a read is exactly one statement on the wire: no BEGIN, no ROLLBACK, no ping. A scope keeps
the connection its first read checked out for every later read, until `close()`, so all the
data loaders of a request share one connection instead of checking out one each.

A unit of work runs its transaction on the scope's connection (or checks one out), saying
BEGIN and COMMIT itself, and hands the connection back to the pool when it ends: nothing
holds a connection while the request does slow work of its own between two transactions,
such as verifying a password.

A connection serves one statement at a time, so the scope takes turns: reads wait for each
other and for a transaction in progress. Code inside a transaction must therefore use the
transaction's connection, never `reading()` of the same scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)


class Transaction:
    """The connection of a transaction in progress, and the way to commit it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.committed = False

    async def commit(self) -> None:
        await self.connection.exec_driver_sql("COMMIT")
        self.committed = True


class ConnectionScope:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._turn = asyncio.Lock()

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """The scope's connection for autocommitted reads, checked out on first use."""
        async with self._turn:
            if self._connection is None:
                self._connection = await self._engine.connect()
            yield self._connection

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN on the scope's connection; ROLLBACK unless committed; the connection goes
        back to the pool either way."""
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is None:
                connection = await self._engine.connect()
            try:
                await connection.exec_driver_sql("BEGIN")
                transaction = Transaction(connection)
                try:
                    yield transaction
                finally:
                    if not transaction.committed:
                        await _roll_back(connection)
            finally:
                await connection.close()

    async def close(self) -> None:
        """Returns the read connection, if any, to the pool."""
        async with self._turn:
            connection, self._connection = self._connection, None
            if connection is not None:
                await connection.close()


async def _roll_back(connection: AsyncConnection) -> None:
    try:
        await connection.exec_driver_sql("ROLLBACK")
    except DBAPIError:
        # The connection is gone (the error that got us here is what the caller sees): it
        # must not go back to the pool.
        log.debug("rollback failed; discarding the connection", exc_info=True)
        await connection.invalidate()
