"""Rate limits on sign-in, registration and resets (API.md "Limits"), per address and account,
counted in windows that every process shares: in PostgreSQL, or in Redis."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from persistence.connections import Database
from server.app import create_app
from server.rate_limits import (
    RULES,
    DatabaseWindows,
    RateLimited,
    RateLimiter,
    RedisWindows,
    Windows,
    rules_for,
    window_key,
)
from server.settings import Settings
from tests.builders import free_port, unique_address, unique_email
from tests.database import query

LOGIN = (
    "mutation($e: String!) "
    '{ login(input: {email: $e, password: "Wrong-Pass-123"}) { accessToken } }'
)

WindowsFactory = Callable[[], Awaitable[Windows]]


@pytest.fixture(params=["postgresql", "redis"])
async def new_windows(
    request: pytest.FixtureRequest, database_url: str
) -> AsyncIterator[WindowsFactory]:
    """Makes windows as one process of the service would: each call is another process."""
    async with AsyncExitStack() as stack:

        async def make() -> Windows:
            windows: Windows
            if request.param == "redis":
                windows = RedisWindows(request.getfixturevalue("redis_url"))
            else:
                database = Database(database_url, statement_timeout_ms=10_000, size=20)
                await database.open(wait=True)
                stack.push_async_callback(database.close)
                windows = DatabaseWindows(database)
            stack.push_async_callback(windows.close)
            return windows

        yield make


async def _outcome(limiter: RateLimiter, address: str, account: str) -> int | None:
    try:
        await limiter.check("login", address=address, account=account)
    except RateLimited as exc:
        return exc.retry_after
    return None


async def test_the_account_window_fills_before_the_address_window(
    new_windows: WindowsFactory,
) -> None:
    limiter = RateLimiter(await new_windows(), rules={"login": ("5/minute", "2/minute")})
    address, other_address = unique_address(), unique_address()
    ann, bob, cy, dee = (unique_email() for _ in range(4))
    assert await _outcome(limiter, address, ann) is None
    assert await _outcome(limiter, address, f" {ann.upper()} ") is None  # the same account
    retry_after = await _outcome(limiter, address, ann)
    assert retry_after is not None
    assert 1 <= retry_after <= 60
    assert await _outcome(limiter, address, bob) is None  # another account
    assert await _outcome(limiter, address, cy) is None  # the address's 5th
    # The refused attempt counted at the address too: this is its 6th.
    assert await _outcome(limiter, address, dee) is not None
    assert await _outcome(limiter, other_address, dee) is None  # another address


async def test_concurrent_attempts_in_two_processes_share_one_allowance(
    new_windows: WindowsFactory,
) -> None:
    rules = {"login": ("1000/minute", "10/minute")}
    first = RateLimiter(await new_windows(), rules=rules)
    second = RateLimiter(await new_windows(), rules=rules)
    account = unique_email()
    outcomes = await asyncio.gather(
        *(
            _outcome(limiter, unique_address(), account)
            for limiter in [first, second] * 15  # 30 at once, half in each process
        )
    )
    assert sum(outcome is None for outcome in outcomes) == 10


async def test_a_sweep_deletes_the_windows_that_have_emptied(database_url: str) -> None:
    async with Database(database_url, statement_timeout_ms=10_000) as database:
        windows = DatabaseWindows(database)
        limiter = RateLimiter(
            windows, rules={"brief": ("1/second", "1/second"), "long": ("1/hour", "1/hour")}
        )
        brief, long = unique_address(), unique_address()
        await limiter.check("brief", address=brief, account=None)
        await limiter.check("long", address=long, account=None)
        brief_key = "/".join(window_key("brief", "address", brief))
        long_key = "/".join(window_key("long", "address", long))
        keys = {brief_key, long_key}

        def stored() -> set[str]:
            rows = query(
                database_url, "SELECT key FROM rate_limit_windows WHERE key = ANY(:k)", k=list(keys)
            )
            return {key for (key,) in rows}

        assert stored() == keys
        await windows.sweep()
        assert stored() == keys  # both still have an attempt inside their period
        time.sleep(1.1)
        await windows.sweep()
        assert stored() == {long_key}
        # The emptied window starts afresh.
        await limiter.check("brief", address=brief, account=None)


async def test_any_account_text_has_a_window(new_windows: WindowsFactory) -> None:
    """What a client typed as the account, a NUL, half a surrogate pair or a megabyte of it
    included, is counted like any other (the input is refused later, by the use case)."""
    limiter = RateLimiter(await new_windows(), rules={"login": ("1000/minute", "1/minute")})
    address = unique_address()
    email = unique_email()  # the windows outlive a run: a run of its own accounts
    for account in (email.replace("@", "\x00@"), "\ud800" + email, email * 40_000):
        assert await _outcome(limiter, address, account) is None
        assert await _outcome(limiter, address, account) is not None


@pytest.fixture
async def strict_app(database_url: str) -> AsyncIterator[Starlette]:
    rules = {
        "login": ("100/minute", "3/minute"),
        "register": ("2/hour", "2/hour"),
        "password_reset": ("100/hour", "100/hour"),
    }
    app = create_app(Settings(secret_key=SecretStr("r" * 40)), database_url, rate_rules=rules)
    async with app.router.lifespan_context(app):
        yield app


async def test_over_the_limit_is_rate_limited(strict_app: Starlette) -> None:
    # An address of its own: the windows are shared with every other app on this database.
    transport = httpx.ASGITransport(app=strict_app, client=(unique_address(), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        email = unique_email()
        codes = []
        for _ in range(4):
            body = (
                await client.post("/graphql", json={"query": LOGIN, "variables": {"e": email}})
            ).json()
            codes.append(body["errors"][0]["extensions"]["code"] if "errors" in body else "ok")
        assert codes == ["ok", "ok", "ok", "RATE_LIMITED"]


def test_the_report_allowance_is_configurable() -> None:
    rules = rules_for(5)
    assert rules["generate_reports"] == ("15/minute", "5/minute")
    assert {k: v for k, v in rules.items() if k != "generate_reports"} == {
        k: v for k, v in RULES.items() if k != "generate_reports"
    }
    assert rules_for(20)["generate_reports"] == RULES["generate_reports"]  # the default


RATE_LIMITS_DOWN = "rate limiting is unavailable; try again shortly"


@contextlib.asynccontextmanager
async def _redis_down(how: str) -> AsyncIterator[str]:
    """The URL of a Redis that is down: nothing listens (refused), or something accepts
    connections and never answers (silent, as a hung server or a dropped route)."""
    if how == "refused":
        yield f"redis://127.0.0.1:{free_port()}/0"
        return

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.close()


@pytest.mark.parametrize("how", ["refused", "silent"])
async def test_a_redis_that_is_down_is_an_outage_not_an_internal_error(
    database_url: str, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with _redis_down(how) as redis_url:
        settings = Settings(secret_key=SecretStr("r" * 40), redis_url=SecretStr(redis_url))
        app = create_app(settings, database_url)
        async with app.router.lifespan_context(app), asyncio.timeout(30):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
                answer = await client.post(
                    "/graphql", json={"query": LOGIN, "variables": {"e": unique_email()}}
                )
                ready = await client.get("/readyz")
    assert answer.status_code == 200  # an error of the field, as any outage while resolving
    [error] = answer.json()["errors"]
    assert error["path"] == ["login"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["message"] == RATE_LIMITS_DOWN
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "database": "ok",
        "storage": "ok",
        "rateLimits": "unavailable",
        "mail": "ok",
    }
    assert f"{RATE_LIMITS_DOWN} (RateLimitsUnavailable: redis" in caplog.text
    assert "Traceback" not in caplog.text


async def test_readiness_names_the_rate_limits_when_they_answer(strict_app: Starlette) -> None:
    transport = httpx.ASGITransport(app=strict_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["rateLimits"] == "ok"
