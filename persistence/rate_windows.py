"""Moving rate-limit windows in PostgreSQL (table `rate_limit_windows`, migration 0006).

A window is a key, an allowance and a period: at most `allowance` attempts counted within
any `period`. Its row holds the times of the attempts counted in the last period. `count`
counts one attempt in each of several windows, in order, in one statement: each window is
an INSERT ... ON CONFLICT DO UPDATE that keeps the times still inside the period and adds
now, but only while fewer than the allowance remain; the next window is tried only when
this one counted (its INSERT reads the previous one's RETURNING). The upsert locks the row,
so attempts at one key from any number of processes are counted one after the other, each
on the latest row. An attempt refused by a full window is not added to it.

A row whose attempts have all left their period is dead weight; `sweep` deletes those.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from persistence.connections import Connection
from persistence.statements import execute, one


@dataclass(frozen=True)
class Window:
    key: str
    allowance: int
    period: timedelta


def _upsert(i: int, previous: str | None) -> str:
    kept = f"ARRAY(SELECT t FROM unnest(w.hits) AS t WHERE t > now() - %(period{i})s)"
    source = (
        f"SELECT %(key{i})s, ARRAY[now()], now() + %(period{i})s FROM {previous}"
        if previous
        else f"VALUES (%(key{i})s, ARRAY[now()], now() + %(period{i})s)"
    )
    return (
        f"w{i} AS (INSERT INTO rate_limit_windows AS w (key, hits, expires_at) {source}"
        " ON CONFLICT (key) DO UPDATE SET"
        f" hits = array_append({kept}, now()), expires_at = excluded.expires_at"
        f" WHERE cardinality({kept}) < %(allowance{i})s RETURNING 1)"
    )


@cache
def _counting(windows: int) -> str:
    """The statement counting an attempt in `windows` windows. It returns, per window,
    whether the attempt was counted and, for a window that refused it, the seconds until its
    oldest attempt leaves the period (as the statement's snapshot has it; NULL if it has none)."""
    ctes = [_upsert(i, f"w{i - 1}" if i else None) for i in range(windows)]
    columns = []
    for i in range(windows):
        columns.append(f"EXISTS (SELECT FROM w{i}) AS counted{i}")
        columns.append(
            f"(SELECT extract(epoch FROM min(t) + %(period{i})s - now())"
            f" FROM rate_limit_windows AS s, unnest(s.hits) AS t"
            f" WHERE s.key = %(key{i})s AND t > now() - %(period{i})s) AS wait{i}"
        )
    return f"WITH {', '.join(ctes)} SELECT {', '.join(columns)}"


async def count(connection: Connection, windows: Sequence[Window]) -> int | None:
    """Counts one attempt in each window in turn, up to the first that is full. Returns None
    when every window counted it, else how many seconds (at least 1) until that window has
    room again."""
    params: dict[str, Any] = {}
    for i, window in enumerate(windows):
        params |= {f"key{i}": window.key, f"allowance{i}": window.allowance}
        params[f"period{i}"] = window.period
    row = await one(connection, _counting(len(windows)), params)
    for i, window in enumerate(windows):
        if not row[2 * i]:
            wait = row[2 * i + 1]
            seconds = window.period.total_seconds() if wait is None else float(wait)
            return max(1, math.ceil(seconds))
    return None


SWEEP = "DELETE FROM rate_limit_windows WHERE expires_at <= now()"


async def sweep(connection: Connection) -> int:
    """Deletes the windows none of whose attempts is inside its period any more."""
    return await execute(connection, SWEEP)


async def check(connection: Connection) -> None:
    """Raises unless the windows' table can be read (readiness)."""
    await execute(connection, "SELECT FROM rate_limit_windows LIMIT 0")
