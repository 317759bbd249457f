"""The app over httpx's ASGI transport, against the session database, with signed-in users."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from server.app import create_app
from server.rate_limits import RULES
from server.settings import Settings
from server.tokens import issue_access_token
from tests.builders import unique_address, unique_email
from tests.database import execute
from tests.smtp import MailServer, mail_server

SECRET = "api-tests-" + "s" * 40


@dataclass(frozen=True)
class Account:
    id: UUID
    email: str
    token: str


def roomy_rules() -> dict[str, tuple[str, str]]:
    """The suite signs in far more often than a person: its own, roomier limits. The limits
    themselves are tested in test_rate_limits.py."""
    return dict.fromkeys(RULES, ("10000/minute", "10000/minute"))


def api_settings(tmp_path_factory: pytest.TempPathFactory, **changes: Any) -> Settings:
    return Settings(
        secret_key=SecretStr(SECRET), data_dir=tmp_path_factory.mktemp("data"), **changes
    )


@pytest.fixture(scope="session")
def mail() -> Iterator[MailServer]:
    """The SMTP server the session's app sends to."""
    with mail_server() as server:
        yield server


@pytest.fixture(scope="session")
async def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, mail: MailServer
) -> AsyncIterator[Starlette]:
    """The session's app, with its worker delivering mail to `mail`."""
    settings = api_settings(
        tmp_path_factory, smtp_url=SecretStr(mail.url()), run_jobs=True, mail_retry_seconds=0.2
    )
    application = create_app(settings, database_url, rate_rules=roomy_rules())
    async with application.router.lifespan_context(application):
        yield application


@contextlib.asynccontextmanager
async def strict_api(
    url: str, data_dir: Path, rules: dict[str, tuple[str, str]]
) -> AsyncIterator[Api]:
    """The API of an app of its own with these rate limits, called from a client address no
    other test uses: the windows are shared with every other app on this database."""
    app = create_app(
        Settings(secret_key=SecretStr(SECRET), data_dir=data_dir), url, rate_rules=rules
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(unique_address(), 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            yield Api(client, url)


@dataclass
class Api:
    client: httpx.AsyncClient
    url: str

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: Account | None = None
    ) -> dict[str, Any]:
        headers = {"accept": "application/graphql-response+json"}
        if as_ is not None:
            headers["authorization"] = f"Bearer {as_.token}"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    def account(self, role: str = "consultant", *, active: bool = True) -> Account:
        email = unique_email()
        [(user_id,)] = execute(
            self.url,
            "INSERT INTO users (email, password_hash, role, first_name, last_name, is_active) "
            "VALUES (:e, 'x', :r, 'Test', 'User', :a) RETURNING id",
            e=email,
            r=role,
            a=active,
        )
        token = issue_access_token(
            secret=SECRET, user_id=user_id, session_id=None, now=datetime.now(UTC)
        ).token
        return Account(user_id, email, token)


# The rate-limit windows live in the session database, shared by every app on it: the
# suite's many sign-ins come from an address of their own, away from 127.0.0.1, which the
# apps with stricter rules see.
SUITE_ADDRESS = ("192.0.2.10", 40000)


@pytest.fixture
async def api(app: Starlette, database_url: str) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app, client=SUITE_ADDRESS)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        yield Api(client, database_url)
