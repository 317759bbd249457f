"""What browsers are told: CORS for the listed origins only, and the security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from server.app import App, create_app
from server.security_headers import PAGE_POLICY
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


# -- security headers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/healthz", None),
        ("POST", "/graphql", OPERATION),
        ("POST", "/graphql", {"query": "{ nope }"}),
        ("PUT", "/graphql", OPERATION),
        ("GET", "/nowhere", None),
    ],
)
async def test_every_response_forbids_sniffing_and_referrers(
    api: Api, method: str, path: str, body: object
) -> None:
    response = await api.client.request(method, path, json=body)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_body_refused_for_its_size_has_them_too(api: Api) -> None:
    content = b'{"query": "#' + b"x" * (1024 * 1024) + b'"}'
    response = await api.client.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"


async def _page(request: Request) -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>page</title><script src='/page.js'></script>")


async def _broken(request: Request) -> HTMLResponse:
    raise RuntimeError("a bug")


async def test_any_html_page_gets_the_page_policy_and_no_framing() -> None:
    app = App(routes=[Route("/page", _page), Route("/broken", _broken)])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        page = await client.get("/page")
        broken = await client.get("/broken")
    assert page.headers["content-security-policy"] == PAGE_POLICY
    directives = dict(d.split(" ", 1) for d in PAGE_POLICY.split("; "))
    assert directives["script-src"] == "'self'"  # a page's scripts are files of the service
    assert directives["default-src"] == directives["frame-ancestors"] == "'none'"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert broken.status_code == 500  # Starlette's own answer to a bug, outside any middleware
    assert broken.headers["x-content-type-options"] == "nosniff"
    assert broken.headers["referrer-policy"] == "no-referrer"


async def test_headers_a_route_sets_itself_are_not_sent_twice() -> None:
    async def framed(request: Request) -> HTMLResponse:
        return HTMLResponse(
            "<p>framed</p>",
            headers={"x-frame-options": "SAMEORIGIN", "referrer-policy": "same-origin"},
        )

    app = App(routes=[Route("/framed", framed)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        response = await client.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers.get_list("referrer-policy") == ["same-origin"]
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers.get_list("content-security-policy") == [PAGE_POLICY]
