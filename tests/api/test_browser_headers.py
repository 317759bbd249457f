"""What browsers are told: CORS for the listed origins only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from server.app import create_app
from server.settings import Settings
from tests.api.conftest import SECRET, Api

LISTED = "https://app.example.com"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}
OPERATION = {"query": "{ serviceVersion }"}


@pytest.fixture(scope="module")
async def cors_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        secret_key=SecretStr(SECRET), cors_origins=(LISTED, "http://localhost:5173")
    )
    app: Starlette = create_app(settings, database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            yield client


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_a_listed_origin_passes_the_preflight(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.options("/graphql", headers={"origin": LISTED, **PREFLIGHT})
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers.pop("access-control-allow-origin") == LISTED
    assert headers.pop("access-control-allow-methods") == "GET, POST"
    allowed = {h.strip().lower() for h in headers.pop("access-control-allow-headers").split(",")}
    assert {"authorization", "content-type"} <= allowed
    assert int(headers.pop("access-control-max-age")) > 0
    assert headers == {}  # no credentials: bearer tokens, no cookies


async def test_a_listed_origin_reads_the_answer(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.post("/graphql", json=OPERATION, headers={"origin": LISTED})
    assert response.status_code == 200
    assert cors_headers(response) == {"access-control-allow-origin": LISTED}


async def test_a_preflight_asking_for_another_method_fails(
    cors_client: httpx.AsyncClient,
) -> None:
    headers = {"origin": LISTED, "access-control-request-method": "DELETE"}
    response = await cors_client.options("/graphql", headers=headers)
    assert response.status_code == 400
    assert "DELETE" not in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize("origin", ["https://evil.example.com", "https://app.example.com:8443"])
async def test_an_unlisted_origin_gets_no_cors_header(
    cors_client: httpx.AsyncClient, origin: str
) -> None:
    preflight = await cors_client.options("/graphql", headers={"origin": origin, **PREFLIGHT})
    assert preflight.status_code == 405
    assert cors_headers(preflight) == {}
    answer = await cors_client.post("/graphql", json=OPERATION, headers={"origin": origin})
    assert answer.status_code == 200
    assert cors_headers(answer) == {}


async def test_without_listed_origins_no_cors_header_is_ever_sent(api: Api) -> None:
    for origin in (LISTED, "https://evil.example.com"):
        preflight = await api.client.options("/graphql", headers={"origin": origin, **PREFLIGHT})
        assert preflight.status_code == 405
        answer = await api.client.post("/graphql", json=OPERATION, headers={"origin": origin})
        assert cors_headers(preflight) == cors_headers(answer) == {}
        assert "origin" not in answer.headers.get("vary", "").lower()
