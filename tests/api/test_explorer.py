"""GraphiQL in development: our example operations, a header editor ready for the bearer
token that is kept nowhere, a Content-Security-Policy for exactly its page, and nothing of
it in production."""

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

from server.app import create_app
from server.graphql.explorer import (
    EXAMPLES,
    HEADERS,
    RUNTIME_STYLES,
    ExplorerPageChanged,
    explorer_html,
    explorer_policy,
)
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


async def _get(settings: Settings, database_url: str) -> httpx.Response:
    app: Starlette = create_app(settings, database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            return await client.get("/graphql", headers=HTML)


async def test_development_serves_graphiql(database_url: str) -> None:
    response = await _get(Settings(secret_key=SecretStr(SECRET)), database_url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Financial RISE · GraphiQL" in response.text


async def test_production_does_not(database_url: str) -> None:
    settings = Settings(env="production", secret_key=SecretStr(SECRET))
    response = await _get(settings, database_url)
    assert "GraphiQL" not in response.text
    assert response.status_code != 200


class _Resources(HTMLParser):
    """What a page loads: scripts and stylesheets by address, inline scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(attributes["src"] or "")
        elif tag in ("script", "style"):
            self._open = tag
            self.inline[tag].append("")
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"] or "")

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
    response = await _get(Settings(secret_key=SecretStr(SECRET)), database_url)
    page = response.text
    resources = _Resources()
    resources.feed(page)
    [inline_script], [inline_style] = resources.inline["script"], resources.inline["style"]
    [bundle] = [src for src in resources.scripts if "/graphiql@" in src]
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert policy == explorer_policy(page)
    assert _directives(policy) == {
        "default-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
        "script-src": [*resources.scripts, _sha256(inline_script)],
        "style-src": [*resources.stylesheets, _sha256(inline_style), *RUNTIME_STYLES[bundle]],
        "img-src": ["data:"],
        "font-src": ["data:"],
        "connect-src": ["'self'"],
    }
    assert len(resources.scripts) == 5
    assert len(resources.stylesheets) == 2
    for address in (*resources.scripts, *resources.stylesheets):
        assert address.startswith("https://unpkg.com/")
        assert f'src="{address}"' in page or f'href="{address}"' in page
    # each file from elsewhere is pinned by its content too
    assert page.count("integrity=") == len(resources.scripts) + len(resources.stylesheets)


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
