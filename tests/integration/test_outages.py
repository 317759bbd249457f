"""The database going away under a running app: requests answer SERVICE_UNAVAILABLE at once
(503 where nothing could run), readiness says so, and service resumes by itself when the
database is back. The database is real: an embedded cluster of the test's own, stopped and
started again, and a pool whose only connection the test holds."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from persistence import schema
from persistence.embedded import EmbeddedPostgres
from server.app import create_app
from server.graphql.http import GRAPHQL_RESPONSE_JSON
from server.settings import Settings
from server.tokens import issue_access_token
from tests.builders import unique_email
from tests.database import execute

pytestmark = pytest.mark.slow

SECRET = "outage-tests-" + "s" * 40
ME = "{ me { email } }"
LOGIN = """mutation { login(input: {email: "nobody@example.com", password: "Not-The-Password-1"}) {
  accessToken userErrors { code } } }"""
FAST_SECONDS = 5  # an outage is told at once, not after the pool's 30 s checkout timeout
OUTAGE_SECONDS = 15  # the pool has been failing to reconnect for a while
RESUMES_WITHIN_SECONDS = 10


class Client:
    def __init__(self, app: Starlette, database_url: str) -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r")
        [(user_id,)] = execute(
            database_url,
            "INSERT INTO users (email, password_hash, role, first_name, last_name) "
            "VALUES (:e, 'x', 'consultant', 'Ada', 'Lovelace') RETURNING id",
            e=unique_email(),
        )
        self.user_id: UUID = user_id
        self.token = issue_access_token(
            secret=SECRET, user_id=user_id, session_id=None, now=datetime.now(UTC)
        ).token

    async def graphql(
        self,
        query: str,
        *,
        signed_in: bool = True,
        accept: str = GRAPHQL_RESPONSE_JSON,
    ) -> httpx.Response:
        headers = {"accept": accept}
        if signed_in:
            headers["authorization"] = f"Bearer {self.token}"
        return await self.http.post("/graphql", json={"query": query}, headers=headers)

    async def timed(self, query: str, **options: Any) -> tuple[httpx.Response, float]:
        started = time.monotonic()
        response = await self.graphql(query, **options)
        return response, time.monotonic() - started


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(secret_key=SecretStr(SECRET), data_dir=tmp_path / "data", **overrides)


@pytest.fixture
def cluster() -> Iterator[EmbeddedPostgres]:
    """An embedded cluster of this test's own (the test stops and starts it). Not under
    pytest's temporary directory: run as root, the cluster runs as another account, which
    must traverse the directories above it, and another pytest session starting meanwhile
    takes that right away from pytest's."""
    place = Path(tempfile.mkdtemp(prefix="rise-outage-"))
    handle = EmbeddedPostgres(place)
    handle.acquire()
    try:
        handle.ensure_database("rise")
        schema.upgrade(handle.url("rise"))
        yield handle
    finally:
        handle.release()
        shutil.rmtree(place, ignore_errors=True)


def _unavailable(body: dict[str, Any], message: str = "the database is unavailable") -> None:
    [error] = body["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["message"].startswith(message)
    assert "psycopg" not in str(body)
    assert "socket" not in str(body)


async def test_a_stopped_database_is_told_at_once_and_service_resumes(
    tmp_path: Path, cluster: EmbeddedPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    url = cluster.url("rise")
    app = create_app(_settings(tmp_path), url)
    async with app.router.lifespan_context(app):
        client = Client(app, url)
        up = await client.graphql(ME)
        assert up.status_code == 200
        assert up.json()["data"]["me"]["email"]

        cluster.release()  # PostgreSQL stops: the pool's connection dies under it
        stopped = time.monotonic()
        for _ in range(3):
            # The viewer cannot be read, so nothing of the operation runs.
            response, took = await client.timed(ME)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"]
            assert "data" not in response.json()
            _unavailable(response.json())
            assert took < FAST_SECONDS
        legacy, _ = await client.timed(ME, accept="application/json")
        assert legacy.status_code == 503
        _unavailable(legacy.json())
        # A field that needs the database fails on its own: the operation did run.
        login, took = await client.timed(LOGIN, signed_in=False)
        assert login.status_code == 200
        assert login.json()["errors"][0]["path"] == ["login"]
        _unavailable(login.json())
        assert took < FAST_SECONDS
        ready = await client.http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {
            "status": "unavailable",
            "database": "unreachable",
            "storage": "ok",
            "rateLimits": "unavailable",  # their windows are in the database
            "mail": "ok",
        }
        assert "the database is unavailable; try again shortly (" in caplog.text

        await asyncio.sleep(OUTAGE_SECONDS - (time.monotonic() - stopped))
        cluster.acquire()  # PostgreSQL is back, on the same socket
        assert cluster.url("rise") == url
        deadline = time.monotonic() + RESUMES_WITHIN_SECONDS
        while (again := await client.graphql(ME)).status_code != 200:
            assert time.monotonic() < deadline, again.text
            await asyncio.sleep(0.2)
        assert again.json()["data"]["me"]["email"]
        assert (await client.http.get("/readyz")).status_code == 200
        await client.http.aclose()


async def test_no_free_connection_in_time_is_service_unavailable(
    tmp_path: Path, database_url: str
) -> None:
    """A pool of one connection, which the test holds: the checkout times out."""
    app = create_app(_settings(tmp_path, db_pool_size=1, db_pool_timeout_seconds=1), database_url)
    async with app.router.lifespan_context(app):
        client = Client(app, database_url)
        assert (await client.graphql(ME)).status_code == 200
        database = app.state.services.database
        held = await database.connect()
        try:
            response, took = await client.timed(ME)
            assert response.status_code == 503
            _unavailable(response.json())
            assert 1 <= took < FAST_SECONDS
            assert (await client.http.get("/readyz")).status_code == 503
        finally:
            await database.release(held)
        again = await client.graphql(ME)
        assert again.status_code == 200
        assert again.json()["data"]["me"]["email"]
        await client.http.aclose()


async def test_a_database_never_reached_is_told_within_seconds(tmp_path: Path) -> None:
    """Started while its database is unreachable (nothing listens on the port), the app
    answers at once too, not after the pool's checkout timeout."""
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/rise"
    app = create_app(_settings(tmp_path), unreachable)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r") as http,
    ):
        started = time.monotonic()
        response = await http.post(
            "/graphql",
            json={"query": LOGIN},
            headers={"accept": GRAPHQL_RESPONSE_JSON},
        )
        assert time.monotonic() - started < FAST_SECONDS
    assert response.status_code == 200
    _unavailable(response.json())
