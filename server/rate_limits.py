"""Rate limits on signing in, registering, password resets and changes, report generation
and the client's view, per client address and per account (API.md "Limits"), in moving
windows shared by every process and instance of a deployment.

`RateLimiter` decides what is counted; a `Windows` backend keeps the counts where all the
processes see them: PostgreSQL by default (`DatabaseWindows`, one statement per check, see
`persistence.rate_windows`), or Redis when `RISE_REDIS_URL` is set (`RedisWindows`, the
`limits` library's moving windows). So `rise serve --workers N` and any number of instances
on one database (or one Redis) give a client the allowance once, not once per process.

An attempt is counted in the client address's window first, then in the account's; one the
address's window refuses is not counted against the account, and one the account's refuses
still used up a place in the address's.

A window's key names the action and what is counted in the clear, and whose window it is by
a digest (`window_key`): the account is whatever the client typed, of any length and with
any character, which neither a PostgreSQL text nor a sensible Redis key should hold as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

import redis.asyncio
from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from persistence import rate_windows
from persistence.connections import Database

log = logging.getLogger(__name__)

# Generous for a person, tight for a script guessing passwords or flooding mailboxes.
RULES: dict[str, tuple[str, str]] = {
    # action: (per client address, per account)
    "login": ("20/minute", "10/minute"),
    # Guesses at the current password: as many as logins, from a signed-in account.
    "change_password": ("20/minute", "10/minute"),
    "register": ("10/hour", "5/hour"),
    "password_reset": ("10/hour", "3/hour"),
    # Each call renders PDFs for about a second of a core.
    "generate_reports": ("60/minute", "20/minute"),
    # sendReportToClient and sendAssessmentInvitation together: each call mails a client.
    "client_mail": ("60/hour", "30/hour"),
    # clientView and completeChecklistItemAsClient together, by whoever holds a share link:
    # counted per client address only (there is no account).
    "client_view": ("60/minute", "60/minute"),
}
# How often each process deletes the PostgreSQL windows that have emptied.
SWEEP_EVERY_SECONDS = 600.0
REDIS_KEY_PREFIX = "rise"
REDIS_TIMEOUT_SECONDS = 2.0  # to connect, and for each answer


class RateLimitsUnavailable(Exception):
    """The windows cannot be counted in now (Redis down, or not answering in time); the
    message says where and why, for the log."""


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


def rules_for(reports_per_minute: int) -> dict[str, tuple[str, str]]:
    """RULES with the configured allowance for generateReports."""
    per_account = f"{reports_per_minute}/minute"
    return RULES | {"generate_reports": (f"{3 * reports_per_minute}/minute", per_account)}


@dataclass(frozen=True)
class Attempt:
    """One attempt to count in a window: its rule and what it is counted for."""

    rule: RateLimitItem
    keys: tuple[str, ...]  # action, what is counted ("address", "account"), whose (a digest)


class Windows(Protocol):
    """Where the windows are kept."""

    async def count(self, attempts: Sequence[Attempt]) -> int | None:
        """Counts each attempt in its window, in order, up to the first window that is full:
        None when all were counted, else the seconds (at least 1) until that one has room."""
        ...

    async def sweep(self) -> None:
        """Forgets the windows that have emptied."""
        ...

    async def check(self) -> None:
        """Raises RateLimitsUnavailable unless windows can be counted now (readiness)."""
        ...

    async def close(self) -> None: ...


@dataclass
class RateLimiter:
    windows: Windows
    rules: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(RULES))

    async def check(self, action: str, *, address: str | None, account: str | None) -> None:
        """Counts one attempt; raises RateLimited when either window is full."""
        per_address, per_account = (parse(rule) for rule in self.rules[action])
        attempts = [Attempt(per_address, window_key(action, "address", address or "unknown"))]
        if account:
            key = window_key(action, "account", account.strip().lower())
            attempts.append(Attempt(per_account, key))
        wait = await self.windows.count(attempts)
        if wait is not None:
            raise RateLimited(wait)


def window_key(action: str, counted: str, whose: str) -> tuple[str, str, str]:
    """The parts of a window's key: `whose` by a 128-bit BLAKE2b digest of its UTF-8."""
    digest = hashlib.blake2b(whose.encode("utf-8", "surrogatepass"), digest_size=16)
    return action, counted, digest.hexdigest()


class DatabaseWindows:
    """The windows in PostgreSQL, on a connection of the service's pool for each check."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def count(self, attempts: Sequence[Attempt]) -> int | None:
        windows = [
            rate_windows.Window(
                "/".join(a.keys), a.rule.amount, timedelta(seconds=a.rule.get_expiry())
            )
            for a in attempts
        ]
        connection = await self._database.connect()
        try:
            return await rate_windows.count(connection, windows)
        finally:
            await self._database.release(connection)

    async def sweep(self) -> None:
        connection = await self._database.connect()
        try:
            await rate_windows.sweep(connection)
        finally:
            await self._database.release(connection)

    async def check(self) -> None:
        connection = await self._database.connect()
        try:
            await rate_windows.check(connection)
        finally:
            await self._database.release(connection)

    async def close(self) -> None:
        return None


class RedisWindows:
    """The windows in Redis at `url` (`redis://`, `rediss://` or `unix://`), as the `limits`
    library keeps them: a sorted list per key, counted by a Lua script, which Redis runs
    atomically. Redis expires a window itself once it has emptied.

    A Redis that refuses, drops or does not answer within REDIS_TIMEOUT_SECONDS makes the
    count fail with RateLimitsUnavailable: the limited call is refused as an outage rather
    than let through uncounted, since a limit that lapses whenever Redis does would be no
    limit against a password guesser.
    """

    def __init__(self, url: str) -> None:
        self._pool = redis.asyncio.ConnectionPool.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        # The storage takes a pool of ours (its options are typed narrower than it accepts),
        # so that closing the pool at shutdown closes its connections.
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=REDIS_KEY_PREFIX,
            connection_pool=self._pool,  # type: ignore[arg-type]
        )
        self._limiter = MovingWindowRateLimiter(storage)

    async def count(self, attempts: Sequence[Attempt]) -> int | None:
        with self._unavailable_on_failure():
            for attempt in attempts:
                if not await self._limiter.hit(attempt.rule, *attempt.keys):
                    reset_at, _ = await self._limiter.get_window_stats(attempt.rule, *attempt.keys)
                    return max(1, math.ceil(reset_at - time.time()))
            return None

    async def sweep(self) -> None:
        return None

    async def check(self) -> None:
        with self._unavailable_on_failure():
            await redis.asyncio.Redis(connection_pool=self._pool).ping()

    @contextlib.contextmanager
    def _unavailable_on_failure(self) -> Iterator[None]:
        try:
            yield
        except redis.RedisError as exc:  # refused, reset or timed out: all say "down"
            raise RateLimitsUnavailable(f"redis: {exc}") from exc

    async def close(self) -> None:
        await self._pool.aclose()


def windows_for(redis_url: str | None, database: Database) -> Windows:
    """Redis when a URL is given, else the service's database."""
    return RedisWindows(redis_url) if redis_url else DatabaseWindows(database)


async def _keep_swept(windows: Windows, every: float = SWEEP_EVERY_SECONDS) -> None:
    """Sweeps the windows every `every` seconds, until cancelled; a failed sweep is logged
    and tried again next time."""
    while True:
        await asyncio.sleep(every)
        try:
            await windows.sweep()
        except Exception as exc:  # the database may be down for a while; the next sweep retries
            log.warning("sweeping the rate-limit windows failed: %s", exc)


@contextlib.asynccontextmanager
async def swept(windows: Windows, every: float = SWEEP_EVERY_SECONDS) -> AsyncIterator[None]:
    """Sweeps the windows in the background while the block runs, then closes them."""
    sweeper = asyncio.create_task(_keep_swept(windows, every))
    try:
        yield
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        await windows.close()
