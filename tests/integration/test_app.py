"""The Starlette app's probes, through the ASGI interface."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from server.app import create_app
from server.settings import Settings


async def _get(database_url: str, path: str) -> httpx.Response:
    app = create_app(Settings(secret_key=SecretStr("s" * 40)), database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            return await client.get(path)


async def test_ready_when_the_database_answers(database_url: str) -> None:
    response = await _get(database_url, "/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


async def test_not_ready_but_alive_when_the_database_is_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/rise"
    response = await _get(unreachable, "/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
    assert "readiness check failed" in caplog.text
    assert (await _get(unreachable, "/healthz")).status_code == 200
