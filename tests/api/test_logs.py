"""What the service logs about errors, captured at DEBUG from every logger while requests run
through the app: a client's errors in one line each at INFO or WARNING, naming the code and
where, never a variable's value, a password, a token, the secret key or the document's
text; an unexpected error at ERROR with its traceback and the request id the client saw."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from server.app import create_app
from server.auth import Argon2PasswordHasher
from server.graphql.http import RiseGraphQL
from tests.api.conftest import SECRET, Api, api_settings
from tests.builders import unique_email

PASSWORD = "Zq-Password-Marker-71"
LITERAL = "zq-literal-marker-52"
VALUE = "zq-variable-marker-33"
CLIENT_SIDE = ("httpx", "httpcore")  # the test's own HTTP client


@pytest.fixture(scope="module")
async def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Starlette]:
    """The app with one login a minute per account, so the second attempt is refused."""
    rules = {
        "login": ("1000/minute", "1/minute"),
        "register": ("1000/hour", "1000/hour"),
        "password_reset": ("1000/hour", "1000/hour"),
        "generate_reports": ("1000/minute", "1000/minute"),
    }
    application = create_app(api_settings(tmp_path_factory), database_url, rate_rules=rules)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(app: Starlette, database_url: str) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        yield Api(client, database_url)


class Records(logging.Handler):
    """Every record of every logger, from DEBUG up."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def service(self) -> list[logging.LogRecord]:
        return [r for r in self.records if not r.name.startswith(CLIENT_SIDE)]

    def at_least(self, level: int) -> list[logging.LogRecord]:
        return [r for r in self.service() if r.levelno >= level]

    def clear(self) -> None:
        self.records.clear()


@pytest.fixture
def logs() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


def everything(record: logging.LogRecord) -> str:
    """All a record carries that a handler could write: message, arguments, traceback."""
    parts = [str(record.msg), repr(record.args), record.getMessage()]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    parts += [record.exc_text or "", record.stack_info or ""]
    return "\n".join(parts)


def assert_nothing_secret(logs: Records, *secrets: str) -> None:
    for record in logs.records:
        text = everything(record)
        for secret in (PASSWORD, LITERAL, VALUE, SECRET, *secrets):
            assert secret not in text, f"{secret!r} logged by {record.name}: {text}"


def client_lines(logs: Records) -> list[tuple[str, str]]:
    """The INFO and WARNING lines about errors: (level, message)."""
    return [
        (r.levelname, r.getMessage())
        for r in logs.at_least(logging.INFO)
        if r.name == "rise.graphql"
    ]


def assert_one_line_each(logs: Records, *expected: tuple[str, str]) -> None:
    assert logs.at_least(logging.ERROR) == []
    assert client_lines(logs) == list(expected)
    for record in logs.at_least(logging.INFO):
        assert "\n" not in record.getMessage()
        assert record.exc_info is None or record.exc_info[1] is None


async def post(api: Api, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables})
    return (await api.client.post("/graphql", content=body, headers=headers)).json()


LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }"


async def test_a_login_input_with_an_extra_field(api: Api, logs: Records) -> None:
    extra = {"email": unique_email(), "password": PASSWORD, "remember": VALUE}
    body = await post(api, LOGIN, {"i": extra})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert_one_line_each(logs, ("INFO", "client error BAD_USER_INPUT in variable $i"))
    assert_nothing_secret(logs)


async def test_a_rate_limited_login_with_the_password_in_the_document(
    api: Api, logs: Records
) -> None:
    email = unique_email()
    inline = (
        f'mutation {{ login(input: {{email: "{email}", password: "{PASSWORD}"}}) '
        "{ accessToken userErrors { code field } } }"
    )
    first = await post(api, inline, {})
    assert first["data"]["login"]["userErrors"] == [{"code": "INVALID_CREDENTIALS", "field": None}]
    second = await post(api, inline, {})
    assert second["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert_one_line_each(
        logs,
        ("INFO", "user error INVALID_CREDENTIALS at the input"),
        ("WARNING", "client error RATE_LIMITED at login"),
    )
    assert_nothing_secret(logs, email)


async def test_an_anonymous_logout(api: Api, logs: Records) -> None:
    body = await post(api, "mutation { logout { ok } }", {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert_one_line_each(logs, ("INFO", "client error UNAUTHENTICATED at logout"))


async def test_errors_with_a_bearer_token(api: Api, logs: Records) -> None:
    consultant = api.account()
    forbidden = await post(api, "{ users { totalCount } }", {}, consultant.token)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    missing = await post(
        api, "query($id: ID!) { assessment(id: $id) { id } }", {"id": VALUE}, consultant.token
    )
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    stranger = await post(api, "{ assessments { totalCount } }", {}, consultant.token + "x")
    assert stranger["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert_one_line_each(
        logs,
        ("WARNING", "client error FORBIDDEN at users"),
        ("INFO", "client error NOT_FOUND at assessment"),
        ("INFO", "client error UNAUTHENTICATED at assessments"),
    )
    assert_nothing_secret(logs, consultant.token)


async def test_request_errors_quote_nothing(api: Api, logs: Records) -> None:
    consultant = api.account()
    invalid = await post(api, f'{{ assessments(first: "{LITERAL}") {{ totalCount }} }}', {})
    assert invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unparsed = await post(api, f'{{ assessments(search: "{LITERAL}" {{ totalCount }} }}', {})
    assert unparsed["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    search = "query($s: String) { assessments(search: $s) { totalCount } }"
    nul = await post(api, search, {"s": VALUE + "\x00"}, consultant.token)
    assert nul["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert_one_line_each(
        logs,
        ("INFO", "client error GRAPHQL_VALIDATION_FAILED at line 1, column 22 of the document"),
        ("INFO", "client error GRAPHQL_PARSE_FAILED at line 1, column 46 of the document"),
        ("INFO", "client error BAD_USER_INPUT at assessments"),
    )
    assert_nothing_secret(logs, consultant.token)


async def test_user_errors_are_one_line_each(api: Api, logs: Records) -> None:
    consultant = api.account()
    created = await post(
        api,
        "mutation($i: CreateAssessmentInput!) { createAssessment(input: $i) "
        "{ assessment { id } userErrors { code } } }",
        {"i": {"clientName": "Grace", "clientBusinessName": VALUE, "clientEmail": "g@h.example"}},
        consultant.token,
    )
    assessment = created["data"]["createAssessment"]["assessment"]["id"]
    logs.clear()
    save = (
        "mutation($i: SaveResponsesInput!) { saveResponses(input: $i) "
        "{ responses { id } userErrors { code field } } }"
    )
    items = [
        {"questionId": "nope", "value": VALUE},
        {"questionId": "nope", "consultantNotes": VALUE + "\x00"},
    ]
    body = await post(
        api, save, {"i": {"assessmentId": assessment, "responses": items}}, consultant.token
    )
    assert len(body["data"]["saveResponses"]["userErrors"]) == 2
    assert_one_line_each(
        logs,
        ("INFO", "user error VALIDATION at responses.0.questionId"),
        ("INFO", "user error VALIDATION at responses.1.questionId"),
    )
    assert_nothing_secret(logs, consultant.token)


async def test_an_unexpected_error_keeps_its_traceback_and_request_id(
    api: Api, logs: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: Argon2PasswordHasher, password: str) -> None:
        raise RuntimeError("the hasher is out of order")

    monkeypatch.setattr(Argon2PasswordHasher, "dummy_verify", broken)
    body = await post(api, LOGIN, {"i": {"email": unique_email(), "password": PASSWORD}})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    [record] = logs.at_least(logging.WARNING)
    assert record.levelno == logging.ERROR
    assert request_id in record.getMessage()
    assert "the hasher is out of order" in everything(record)
    assert "Traceback" in everything(record)
    assert client_lines(logs) == [(record.levelname, record.getMessage())]
    assert_nothing_secret(logs)


@strawberry.type
class Broken:
    @strawberry.field
    def count(self) -> int:
        return VALUE  # type: ignore[return-value]  # graphql-core refuses to serialize it


async def test_a_value_the_schema_cannot_serialize_is_logged_with_its_request_id(
    logs: Records,
) -> None:
    """graphql-core's own finding about a result, with no exception of ours behind it."""
    view = RiseGraphQL(strawberry.Schema(Broken), graphiql=False)
    transport = httpx.ASGITransport(app=Starlette(routes=[Route("/graphql", view)]))
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        body = (await client.post("/graphql", json={"query": "{ count }"})).json()
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    [record] = [r for r in logs.at_least(logging.WARNING) if r.name == "rise.graphql"]
    assert record.levelno == logging.ERROR
    assert request_id in record.getMessage()
    assert "count" in record.getMessage()
