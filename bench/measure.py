"""Small pieces the benchmarks share: percentiles, interleaved rounds, formatting, and a
loop that keeps N clients busy for a while."""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), interpolated between the two nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def in_turn(contenders: Sequence[T], round_index: int) -> list[T]:
    """The contenders in the order round `round_index` runs them: as given in even rounds,
    reversed in odd ones, so neither always goes first."""
    return list(contenders) if round_index % 2 == 0 else list(reversed(contenders))


def ms(seconds: float) -> str:
    """Seconds as milliseconds, with the precision that matters at that size."""
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f} ms"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def ratio(numerator: float, denominator: float) -> str:
    if denominator == 0 or math.isnan(numerator) or math.isnan(denominator):
        return "n/a"
    return f"{numerator / denominator:.2f}"


def runs(values: Sequence[float], unit: float = 1.0, digits: int = 1) -> str:
    """Per-round figures for a table cell: `12.3, 11.9, 12.8`."""
    return ", ".join(f"{v * unit:.{digits}f}" for v in values)


@dataclass
class Loop:
    """What `keep_busy` saw: each job's latency, failures, and the wall time it ran."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


async def keep_busy(jobs: Sequence[Callable[[], Awaitable[None]]], duration: float) -> Loop:
    """Runs every job over and over, each in a task of its own, for `duration` seconds;
    a job that raises counts as an error (and is not timed)."""
    loop = Loop()
    deadline = time.perf_counter() + duration

    async def worker(job: Callable[[], Awaitable[None]]) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                await job()
            except Exception:  # counted, as wrk counts a failed request
                loop.errors += 1
                continue
            loop.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(job) for job in jobs))
    loop.seconds = time.perf_counter() - started
    return loop
