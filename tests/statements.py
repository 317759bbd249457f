"""Counting the statements PostgreSQL receives, as the server sees them.

libpq traces every protocol message a connection sends. A statement is a `Query` message
(the simple protocol: BEGIN, COMMIT, ROLLBACK, a ping) or an `Execute` message (the extended
protocol psycopg uses for statements with parameters); the Parse, Bind, Describe and Sync
messages around an Execute belong to it. So the count includes everything: transaction
control, pings and the statements themselves.
"""

from __future__ import annotations

import tempfile
from contextlib import asynccontextmanager
from typing import IO, Any

from psycopg import pq
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class Wire:
    """The frontend messages of every connection an engine opens while attached."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._traces: list[IO[bytes]] = []
        self._marks: dict[int, int] = {}

    def _trace(self, dbapi_connection: Any, record: Any) -> None:
        trace = tempfile.TemporaryFile()  # noqa: SIM115 - open while the connection lives
        pgconn = dbapi_connection.driver_connection.pgconn
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self._traces.append(trace)

    async def attach(self) -> None:
        event.listen(self.engine.sync_engine, "connect", self._trace)
        await self.engine.dispose()  # every connection from now on is a traced one

    async def detach(self) -> None:
        event.remove(self.engine.sync_engine, "connect", self._trace)
        await self.engine.dispose()  # the traced connections close before their files do
        for trace in self._traces:
            trace.close()

    def mark(self) -> None:
        """Counts from here."""
        self._marks = {id(t): t.seek(0, 2) for t in self._traces}

    def statements(self) -> list[str]:
        """The statements sent since `mark()`: a Query's text, or Execute with the text of
        the last statement parsed on that connection."""
        sent = []
        for trace in self._traces:
            trace.seek(self._marks.get(id(trace), 0))
            parsed = ""
            for line in trace.read().decode(errors="replace").splitlines():
                direction, _, kind, text = [*line.split("\t", 3), "", "", "", ""][:4]
                if direction != "F":
                    continue
                if kind == "Parse":
                    parsed = text.strip()
                elif kind == "Query":
                    sent.append(f"Query {text.strip()}")
                elif kind == "Execute":
                    sent.append(f"Execute {parsed}")
        return sent

    @asynccontextmanager
    async def counting(self) -> Any:
        """`async with wire.counting() as sent:` then `sent()` lists what was sent within."""
        self.mark()
        yield self.statements
