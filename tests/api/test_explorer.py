"""GraphiQL in development: our example operations, a header editor ready for the bearer
token, and nothing of it in production."""

from __future__ import annotations

import json

import httpx
from graphql import parse, validate
from pydantic import SecretStr
from starlette.applications import Starlette

from server.app import create_app
from server.graphql.explorer import EXAMPLES, HEADERS, explorer_html
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
