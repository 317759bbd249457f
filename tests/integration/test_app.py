"""The Starlette app's probes, through the ASGI interface."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from server.app import create_app
from server.settings import Settings


async def _get(database_url: str, path: str, data_dir: Path) -> httpx.Response:
    app = create_app(Settings(secret_key=SecretStr("s" * 40), data_dir=data_dir), database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            return await client.get(path)


async def test_ready_when_the_database_answers(database_url: str, tmp_path: Path) -> None:
    response = await _get(database_url, "/readyz", tmp_path)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "storage": "ok",
        "rateLimits": "ok",
        "mail": "ok",
    }


async def test_not_ready_but_alive_when_the_database_is_unreachable(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/rise"
    response = await _get(unreachable, "/readyz", tmp_path)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "storage": "ok",
        "rateLimits": "unavailable",  # their windows are in the database
        "mail": "ok",
    }
    assert "readiness check failed: database" in caplog.text
    assert (await _get(unreachable, "/healthz", tmp_path)).status_code == 200


async def test_not_ready_when_report_files_cannot_be_stored(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The reports' directory is a file (so unusable even to root, as tests may run)."""
    (tmp_path / "reports").write_text("not a directory")
    response = await _get(database_url, "/readyz", tmp_path)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "storage": "unavailable",
        "rateLimits": "ok",
        "mail": "ok",
    }
    assert "readiness check failed: storage" in caplog.text
    (tmp_path / "reports").unlink()
    assert (await _get(database_url, "/readyz", tmp_path)).status_code == 200
