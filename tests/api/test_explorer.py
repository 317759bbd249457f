"""GraphiQL in development: our example operations, a header editor ready for the bearer
token that is kept nowhere, its files served by the service (the vendored ones, checked
against the hashes strawberry's page pins), a Content-Security-Policy for exactly its page,
and nothing of it in production."""

from __future__ import annotations

import base64
import hashlib
import json
from html.parser import HTMLParser

import httpx
import pytest
from graphql import parse, validate
from pydantic import SecretStr
from starlette.applications import Starlette
from strawberry.http.ides import get_graphql_ide_html

from server.app import create_app
from server.graphql.explorer import (
    CDN,
    EXAMPLES,
    HEADERS,
    RUNTIME_STYLES,
    ExplorerPageChanged,
    explorer_html,
    explorer_policy,
)
from server.graphql.explorer_assets import CACHE_CONTROL, PREFIX, Asset, graphiql_assets
from server.graphql.schema import schema
from server.settings import Settings
from tests.api.conftest import SECRET

HTML = {"accept": "text/html"}


def _embedded(page: str, prefix: str) -> str:
    """The JSON value a line of the page's script starts with `prefix` for."""
    line = next(line for line in page.splitlines() if prefix in line)
    value = line.split(prefix, 1)[1].strip().rstrip(";").rstrip(")")
    decoded: str = json.loads(value)
    return decoded


def test_every_example_operation_is_valid_against_the_schema() -> None:
    document = parse(EXAMPLES)
    names = [d.name.value for d in document.definitions]  # type: ignore[attr-defined]
    assert names == [
        "SignIn",
        "MyAssessments",
        "CreateAssessment",
        "Questionnaire",
        "SaveAnswer",
        "Complete",
        "Result",
        "Reports",
        "ShareWithClient",
        "TickOff",
        "ClientView",
    ]
    assert validate(schema._schema, document) == []


def test_the_page_carries_the_examples_and_the_header_unchanged() -> None:
    page = explorer_html()
    assert "<title>Financial RISE · GraphiQL</title>" in page
    assert _embedded(page, "const EXAMPLE_QUERY = ") == EXAMPLES
    assert _embedded(page, "React.useState(parameters.headers || ") == HEADERS
    assert "Welcome to GraphiQL" not in page
    # no "<" of ours inside the script, where "</script>" would end it
    script = page[page.index("const EXAMPLE_QUERY") : page.index("function GraphiQLWithExplorer")]
    assert "<access token>" not in script


async def _get(settings: Settings, database_url: str, *paths: str) -> list[httpx.Response]:
    """Each of `paths`, asked for as a browser does."""
    app: Starlette = create_app(settings, database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            return [await client.get(path, headers=HTML) for path in paths]


async def _page(settings: Settings, database_url: str) -> httpx.Response:
    [response] = await _get(settings, database_url, "/graphql")
    return response


async def test_development_serves_graphiql(database_url: str) -> None:
    response = await _page(Settings(secret_key=SecretStr(SECRET)), database_url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Financial RISE · GraphiQL" in response.text


async def test_production_does_not(database_url: str) -> None:
    settings = Settings(env="production", secret_key=SecretStr(SECRET))
    response = await _page(settings, database_url)
    assert "GraphiQL" not in response.text
    assert response.status_code != 200


class _Resources(HTMLParser):
    """What a page loads: scripts and stylesheets by address, inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.addresses: list[str] = []  # both, in the page's order
        self.integrity: list[str] = []  # the hash each is pinned to
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"] or "")
            self._loads(attributes["src"], attributes)
        elif tag in ("script", "style"):
            self._open = tag
            self.inline[tag].append("")
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"] or "")
            self._loads(attributes["href"], attributes)

    def _loads(self, address: str | None, attributes: dict[str, str | None]) -> None:
        self.addresses.append(address or "")
        self.integrity.append(attributes.get("integrity") or "")

    def handle_data(self, data: str) -> None:
        if self._open:
            self.inline[self._open][-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def _sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (d.split() for d in policy.split("; "))}


async def test_graphiql_has_a_policy_for_exactly_what_its_page_loads(database_url: str) -> None:
    response = await _page(Settings(secret_key=SecretStr(SECRET)), database_url)
    page = response.text
    resources = _Resources()
    resources.feed(page)
    [inline_script], [inline_style] = resources.inline["script"], resources.inline["style"]
    [bundle] = [src for src in resources.scripts if src.startswith(f"{PREFIX}graphiql@")]
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert policy == explorer_policy(page)
    runtime = RUNTIME_STYLES[bundle.removeprefix(PREFIX)]
    assert _directives(policy) == {
        "default-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
        "script-src": ["'self'", _sha256(inline_script)],
        "style-src": ["'self'", _sha256(inline_style), *runtime],
        "img-src": ["data:"],
        "font-src": ["data:"],
        "connect-src": ["'self'"],
    }
    assert "unpkg" not in policy
    assert "unpkg" not in page


def test_the_page_loads_the_files_strawberry_pins_from_the_service() -> None:
    page, assets = explorer_html(), graphiql_assets()
    pinned = _pins(get_graphql_ide_html(graphql_ide="graphiql"))
    ours = _pins(page)
    assert len(pinned) == 7  # React, ReactDOM, js-cookie, GraphiQL and its explorer plugin
    assert all(address.startswith(CDN) for address in pinned)
    # the same files, in the same order, with the same hashes, at our addresses
    assert list(ours.values()) == list(pinned.values())
    assert list(ours) == [PREFIX + address.removeprefix(CDN) for address in pinned]
    for address, pin in ours.items():
        assert assets[address.removeprefix(PREFIX)].integrity == pin
        assert _sha384(assets[address.removeprefix(PREFIX)].body) == pin


def _pins(page: str) -> dict[str, str]:
    """{address: integrity} of each script and stylesheet `page` loads."""
    resources = _Resources()
    resources.feed(page)
    return dict(zip(resources.addresses, resources.integrity, strict=True))


def _sha384(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


async def test_the_files_are_served_with_their_type_and_cached_by_version(
    database_url: str,
) -> None:
    assets = list(graphiql_assets().values())
    responses = await _get(
        Settings(secret_key=SecretStr(SECRET)),
        database_url,
        *(asset.address for asset in assets),
        f"{PREFIX}graphiql@3.8.3/missing.js",
        f"{PREFIX}assets.json",
    )
    *files, missing, manifest = responses
    media_types = {
        asset.path: response.headers["content-type"]
        for asset, response in zip(assets, files, strict=True)
    }
    for asset, response in zip(assets, files, strict=True):
        assert response.status_code == 200, asset.path
        assert _sha384(response.content) == asset.integrity
        assert response.headers["cache-control"] == CACHE_CONTROL
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "x-frame-options" not in response.headers  # not HTML
    assert media_types["graphiql@3.8.3/graphiql.min.js"] == "text/javascript; charset=utf-8"
    assert media_types["graphiql@3.8.3/graphiql.min.css"] == "text/css; charset=utf-8"
    assert media_types["graphiql@3.8.3/LICENSE"] == "text/plain; charset=utf-8"
    assert {t for path, t in media_types.items() if path.endswith(".js")} == {
        "text/javascript; charset=utf-8"
    }
    assert missing.status_code == 404
    assert manifest.status_code == 404


async def test_production_serves_none_of_the_files(database_url: str) -> None:
    addresses = [asset.address for asset in graphiql_assets().values()]
    settings = Settings(env="production", secret_key=SecretStr(SECRET))
    responses = await _get(settings, database_url, *addresses)
    assert {response.status_code for response in responses} == {404}


def test_a_pinned_file_that_is_not_vendored_stops_the_page() -> None:
    assets = dict(graphiql_assets())
    del assets["react@18.2.0/umd/react.production.min.js"]
    with pytest.raises(ExplorerPageChanged, match=r"react\.production\.min\.js is not vendored"):
        explorer_html(assets)


def test_a_vendored_file_that_is_not_the_one_pinned_stops_the_page() -> None:
    assets = dict(graphiql_assets())
    path = "graphiql@3.8.3/graphiql.min.css"
    other = assets[path].body + b"\n"
    assets[path] = Asset(path, other, _sha384(other))
    with pytest.raises(
        ExplorerPageChanged, match=r"vendored graphiql@3\.8\.3/graphiql\.min\.css is not"
    ):
        explorer_html(assets)


def test_a_page_loading_a_file_from_elsewhere_gets_no_policy() -> None:
    page = explorer_html().replace(f'"{PREFIX}react@', '"https://cdn.example/react@', 1)
    with pytest.raises(ExplorerPageChanged, match="from elsewhere"):
        explorer_policy(page)


def test_a_page_with_another_graphiql_bundle_is_not_served_with_a_stale_policy() -> None:
    page = explorer_html().replace(
        "graphiql@3.8.3/graphiql.min.js", "graphiql@9.9.9/graphiql.min.js"
    )
    with pytest.raises(ExplorerPageChanged, match="unknown GraphiQL bundle"):
        explorer_policy(page)


def test_the_page_keeps_headers_out_of_local_storage() -> None:
    page = explorer_html()
    assert "shouldPersistHeaders: true" not in page
    assert "shouldPersistHeaders: false," in page  # and GraphiQL hides its setting
    assert "storage: storageWithoutHeaders," in page
    definition = page[page.index("const storageWithoutHeaders") : page.index("function Graph")]
    assert 'name === "headers" ? undefined : member' in definition
    assert "/:(queries|favorites|tabState)$/" in definition
