"""Counting the statements PostgreSQL receives, as the server sees them.

libpq traces every protocol message a connection sends. A statement is an `Execute`
message (the extended protocol psycopg uses for statements with parameters; the Parse, Bind,
Describe and Sync messages around it belong to it), or one of the statements of a `Query`
message (the simple protocol, which carries one or more statements separated by
semicolons). So the count includes everything: transaction control, pings and the
statements themselves. A round trip is a `Query` message, or the `Sync` that ends one or
more Executes (psycopg's pipeline mode sends several before one Sync: a transaction's BEGIN
with its first statement, an audit row with COMMIT), each answered before the next is sent.
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

    def _messages(self) -> list[tuple[str, str]]:
        """(kind, text) of every frontend message since `mark()`."""
        messages = []
        for trace in self._traces:
            trace.seek(self._marks.get(id(trace), 0))
            # A message's text keeps its line breaks: a line that does not start with a
            # direction continues the message before it.
            lines: list[str] = []
            for line in trace.read().decode(errors="replace").splitlines():
                if line[:2] in ("F\t", "B\t") or not lines:
                    lines.append(line)
                else:
                    lines[-1] += "\n" + line
            for line in lines:
                direction, _, kind, text = [*line.split("\t", 3), "", "", "", ""][:4]
                if direction == "F":
                    messages.append((kind, text.strip()))
        return messages

    def statements(self) -> list[str]:
        """The statements sent since `mark()`: `Query` and each statement of a simple-protocol
        message, or `Execute` and the text of the last statement parsed on that connection."""
        sent, parsed = [], ""
        for kind, text in self._messages():
            if kind == "Parse":
                parsed = text
            elif kind == "Query":
                if len(text) > 1 and text[0] == text[-1] == '"':
                    text = text[1:-1]
                sent += [f"Query {part}" for part in split_statements(text)]
            elif kind == "Execute":
                sent.append(f"Execute {parsed}")
        return sent

    def round_trips(self) -> int:
        """The messages sent since `mark()` that each wait for the server's answer: a
        `Query`, or the `Sync` after an `Execute`. psycopg prepares a statement on its fifth
        run on a connection, with a Parse and a Sync of their own: that one-off round trip
        is left out, so that the count does not depend on which pooled connection ran."""
        trips, executed = 0, False
        for kind, _ in self._messages():
            if kind == "Query" or (kind == "Sync" and executed):
                trips += 1
            executed = kind == "Execute" or (executed and kind != "Sync")
        return trips

    @asynccontextmanager
    async def counting(self) -> AsyncIterator[Callable[[], list[str]]]:
        """`async with wire.counting() as sent:` then `sent()` lists what was sent within."""
        self.mark()
        yield self.statements


def split_statements(text: str) -> list[str]:
    """The statements of a simple-protocol message: split at the semicolons outside string
    literals ('...' with '' inside, E'...' with backslash escapes) and quoted identifiers."""
    parts, start, quote, escapes, index = [], 0, "", False, 0
    while index < len(text):
        char = text[index]
        if quote:
            if escapes and char == "\\":
                index += 1
            elif char == quote:
                if text[index + 1 : index + 2] == quote:
                    index += 1
                else:
                    quote = ""
        elif char in "'\"":
            quote, escapes = char, char == "'" and text[index - 1 : index] in ("E", "e")
        elif char == ";":
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]
