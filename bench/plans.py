"""The EXPLAIN (ANALYZE, BUFFERS) plan of every statement a running service makes, captured
from outside: PostgreSQL's auto_explain, loaded into every new session of the bench
database, writes each statement's text, parameters (PostgreSQL 16+) and plan to the
server's log, which `PlanLog` reads back from a marked offset.

`auto_explain()` is the one place that knows how; a service started inside its block (so
that its connections are new) has its statements explained. The settings are dropped
again when the block ends, so timing runs never pay for the instrumentation.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from bench.database import Database

SETTINGS = {
    "session_preload_libraries": "auto_explain",
    "auto_explain.log_min_duration": "0",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_buffers": "on",
    "auto_explain.log_timing": "on",
    "auto_explain.log_format": "text",
    "auto_explain.log_nested_statements": "off",
}

_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_PLAN_START = re.compile(r"\bLOG:  duration: ([\d.]+) ms  plan:$")
_PLAN_ROOT = re.compile(r"\(cost=[\d.]+\.\.[\d.]+ rows=\d+ width=\d+\)")
_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


@dataclass(frozen=True)
class Plan:
    query: str
    parameters: str | None
    plan: str
    duration_ms: float

    @property
    def seq_scans(self) -> list[str]:
        """The tables the plan reads whole."""
        return sorted(set(_SEQ_SCAN.findall(self.plan)))


def parse(text: str) -> list[Plan]:
    """The auto_explain entries in a stretch of server log (text format)."""
    plans: list[Plan] = []
    entry: list[str] | None = None
    duration = 0.0

    def finish() -> None:
        if entry:
            plans.append(_plan(entry, duration))

    for line in text.splitlines():
        if line.startswith("\t") and entry is not None:
            entry.append(line[1:])
            continue
        if _ENTRY.match(line):
            finish()
            started = _PLAN_START.search(line)
            entry, duration = ([], float(started.group(1))) if started else (None, 0.0)
    finish()
    return plans


def _plan(lines: list[str], duration: float) -> Plan:
    query: list[str] = []
    parameters = None
    rest = lines
    for index, line in enumerate(lines):
        if _PLAN_ROOT.search(line) and not line.startswith("Query Text: "):
            rest = lines[index:]
            break
        if line.startswith("Query Parameters: "):
            parameters = line.removeprefix("Query Parameters: ")
        else:
            query.append(line.removeprefix("Query Text: "))
    return Plan("\n".join(query).strip(), parameters, "\n".join(rest), duration)


class PlanLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size

    def since(self, offset: int) -> list[Plan]:
        with self.path.open("rb") as log:
            log.seek(offset)
            return parse(log.read().decode("utf-8", "replace"))


@contextlib.contextmanager
def auto_explain(db: Database) -> Iterator[PlanLog]:
    """auto_explain on for the sessions that open in `db` during the block."""
    if db.server_log is None:
        raise SystemExit(
            f"cannot find the server log of {db.name}; plans need a log this process can read"
        )
    database = sql.Identifier(db.name)
    with db.connect() as conn:
        conn.execute("LOAD 'auto_explain'")  # so that a misspelt setting fails here
        for name, value in SETTINGS.items():
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    database, sql.Identifier(*name.split(".")), sql.Literal(value)
                )
            )
    try:
        yield PlanLog(db.server_log)
    finally:
        with db.connect() as conn:
            for name in SETTINGS:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} RESET {}").format(
                        database, sql.Identifier(*name.split("."))
                    )
                )
