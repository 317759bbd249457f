"""Rate limits on sign-in, registration and resets (API.md "Limits"), per address and account."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from server.app import create_app
from server.rate_limits import RULES, RateLimited, RateLimiter, rules_for
from server.settings import Settings
from tests.builders import unique_email

LOGIN = (
    "mutation($e: String!) "
    '{ login(input: {email: $e, password: "Wrong-Pass-123"}) { accessToken } }'
)


def test_the_account_window_fills_before_the_address_window() -> None:
    limiter = RateLimiter(rules={"login": ("5/minute", "2/minute")})
    limiter.check("login", address="10.0.0.1", account="ann@example.com")
    limiter.check("login", address="10.0.0.1", account="ANN@example.com ")  # the same account
    with pytest.raises(RateLimited) as raised:
        limiter.check("login", address="10.0.0.1", account="ann@example.com")
    assert 1 <= raised.value.retry_after <= 60
    limiter.check("login", address="10.0.0.1", account="bob@example.com")  # another account
    limiter.check("login", address="10.0.0.1", account="cy@example.com")  # the address's 5th
    with pytest.raises(RateLimited):  # the refused attempt counted too: this is the 6th
        limiter.check("login", address="10.0.0.1", account="dee@example.com")
    limiter.check("login", address="10.0.0.2", account="dee@example.com")  # another address


@pytest.fixture
async def strict_app(database_url: str) -> AsyncIterator[Starlette]:
    rules = {
        "login": ("100/minute", "3/minute"),
        "register": ("2/hour", "2/hour"),
        "password_reset": ("100/hour", "100/hour"),
    }
    limiter = RateLimiter(rules=rules)
    app = create_app(Settings(secret_key=SecretStr("r" * 40)), database_url, limiter=limiter)
    async with app.router.lifespan_context(app):
        yield app


async def test_over_the_limit_is_rate_limited(strict_app: Starlette) -> None:
    transport = httpx.ASGITransport(app=strict_app)
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
