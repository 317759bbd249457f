"""Report storage that cannot be used: generateReports says so at once, before rendering,
as SERVICE_UNAVAILABLE; a download answers 503; readiness names the storage. Once the
storage is back, so is everything else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from server.app import create_app
from server.settings import Settings
from tests.api.conftest import SECRET, Api, roomy_rules
from tests.api.test_reports_api import GENERATE, _assessment, _bearer, _path
from tests.s3 import s3_endpoint

__all__ = ["s3_endpoint"]  # the fixture, used by name

STORAGE_DOWN = "report storage is unavailable; try again shortly"


@pytest.fixture
async def served(tmp_path: Path, database_url: str) -> AsyncIterator[tuple[Api, Starlette]]:
    """An app of its own, its files under tmp_path/reports."""
    settings = Settings(secret_key=SecretStr(SECRET), data_dir=tmp_path)
    app = create_app(settings, database_url, rate_rules=roomy_rules())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            yield Api(client, database_url), app


def _counted_renders(app: Starlette, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The documents the app's renderer is asked to render from now on."""
    renderer = app.state.services.reports.renderer
    rendered: list[object] = []

    async def render(document: object) -> object:
        rendered.append(document)
        return await type(renderer).render(renderer, document)

    monkeypatch.setattr(renderer, "render", render)
    return rendered


def _storage_down(result: dict[str, Any]) -> None:
    assert result["data"] is None
    [error] = result["errors"]
    assert error["path"] == ["generateReports"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["message"] == STORAGE_DOWN


async def test_unwritable_storage_is_told_before_rendering(
    served: tuple[Api, Starlette],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api, app = served
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    (tmp_path / "reports").write_text("in the way")  # unusable, even to root
    rendered = _counted_renders(app, monkeypatch)

    _storage_down(await api(GENERATE, {"id": assessment_id}, as_=ann))
    assert rendered == []
    assert f"{STORAGE_DOWN} (StorageUnavailable: {tmp_path / 'reports'}" in caplog.text
    ready = await api.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["storage"] == "unavailable"

    (tmp_path / "reports").unlink()
    assert (await api.client.get("/readyz")).status_code == 200
    result = await api(GENERATE, {"id": assessment_id}, as_=ann)
    assert len(result["data"]["generateReports"]["reports"]) == 2
    assert len(rendered) == 2


async def test_a_download_while_storage_is_down_is_503(
    served: tuple[Api, Starlette], tmp_path: Path
) -> None:
    api, _ = served
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    result = await api(GENERATE, {"id": assessment_id, "types": ["CLIENT"]}, as_=ann)
    [report] = result["data"]["generateReports"]["reports"]
    (tmp_path / "reports").rename(tmp_path / "away")
    (tmp_path / "reports").write_text("in the way")

    response = await api.client.get(_path(report["downloadUrl"]), headers=_bearer(ann))
    assert response.status_code == 503
    assert response.json() == {"error": STORAGE_DOWN}
    assert response.headers["retry-after"]

    (tmp_path / "reports").unlink()
    (tmp_path / "away").rename(tmp_path / "reports")
    response = await api.client.get(_path(report["downloadUrl"]), headers=_bearer(ann))
    assert response.status_code == 200


async def test_a_bucket_that_is_not_there_is_told_before_rendering(
    api: Api, s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        secret_key=SecretStr(SECRET),
        data_dir=tmp_path,
        s3_bucket="no-such-bucket",
        s3_endpoint_url=s3_endpoint,
        s3_region="us-east-1",
        s3_access_key_id="test",
        s3_secret_access_key=SecretStr("test-secret"),
    )
    app = create_app(settings, api.url, rate_rules=roomy_rules())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            bucketless = Api(client, api.url)
            ann = bucketless.account()
            assessment_id = await _assessment(bucketless, ann)
            rendered = _counted_renders(app, monkeypatch)
            _storage_down(await bucketless(GENERATE, {"id": assessment_id}, as_=ann))
            assert rendered == []
            ready = await client.get("/readyz")
            assert ready.json() == {
                "status": "unavailable",
                "database": "ok",
                "storage": "unavailable",
                "rateLimits": "ok",
                "mail": "ok",
            }
