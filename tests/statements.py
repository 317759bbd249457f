"""Counting the statements PostgreSQL receives, as the server sees them.

libpq traces every protocol message a connection sends. A statement is a `Query` message
(the simple protocol: BEGIN, COMMIT, ROLLBACK, a ping) or an `Execute` message (the extended
protocol psycopg uses for statements with parameters); the Parse, Bind, Describe and Sync
messages around an Execute belong to it. So the count includes everything: transaction
control, pings and the statements themselves.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import IO, Any

from psycopg import pq


class Wire:
    """The frontend messages of the connections it traces: pass `trace` as a pool's
    `on_connect`, or call it on one connection."""

    def __init__(self) -> None:
        self._traces: list[IO[bytes]] = []
        self._marks: dict[int, int] = {}

    def trace(self, connection: Any) -> None:
        trace = tempfile.TemporaryFile()  # noqa: SIM115 - open while the connection lives
        connection.pgconn.trace(trace.fileno())
        connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        self._traces.append(trace)

    def close(self) -> None:
        """Once the traced connections are closed (or untraced): their files go too."""
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
    async def counting(self) -> AsyncIterator[Callable[[], list[str]]]:
        """`async with wire.counting() as sent:` then `sent()` lists what was sent within."""
        self.mark()
        yield self.statements
