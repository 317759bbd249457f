"""GraphQL over HTTP as a client sees it: media types, status codes, error codes, masking."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from server.graphql.http import GRAPHQL_RESPONSE_JSON, RiseGraphQL, accepts_graphql_response_json
from server.graphql.schema import build_schema
from server.limits import BodyLimit
from server.version import service_version
from tests.api.conftest import Api


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hello"

    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("database password is hunter2")


APP = Starlette(
    routes=[
        Route(
            "/graphql",
            RiseGraphQL(strawberry.Schema(Query), graphiql=False),
            methods=["GET", "POST"],
        )
    ]
)
MODERN = {"accept": f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9"}
LEGACY = {"accept": "application/json"}


async def post(body: dict[str, object], headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        return await client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (GRAPHQL_RESPONSE_JSON, True),
        ("application/json, application/graphql-response+json;q=0.5", True),
        ("application/graphql-response+json;q=0", False),
        ("application/json", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_accept_negotiation(accept: str, expected: bool) -> None:
    assert accepts_graphql_response_json(accept) is expected


async def test_success_uses_the_accepted_media_type() -> None:
    modern = await post({"query": "{ hello }"}, MODERN)
    assert modern.status_code == 200
    assert modern.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert modern.json() == {"data": {"hello": "hello"}}
    legacy = await post({"query": "{ hello }"}, LEGACY)
    assert legacy.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("query", "code"),
    [("{ hello ", "GRAPHQL_PARSE_FAILED"), ("{ nope }", "GRAPHQL_VALIDATION_FAILED")],
)
async def test_request_errors_are_400_without_data_for_modern_clients(
    query: str, code: str
) -> None:
    response = await post({"query": query}, MODERN)
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]


async def test_request_errors_are_200_with_null_data_for_legacy_clients() -> None:
    response = await post({"query": "{ nope }"}, LEGACY)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_bad_variables_are_bad_user_input() -> None:
    query = "query Q($n: Int!) { hello }"
    response = await post({"query": query, "variables": {"n": "many"}}, MODERN)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_unexpected_errors_are_masked_and_logged_with_a_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="rise.graphql"):
        response = await post({"query": "{ hello broken }"}, MODERN)
    assert response.status_code == 200  # an execution error, not a request error
    body = response.json()
    assert body["data"] is None  # `broken` is non-null, so the error reaches the root
    [error] = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "hunter2" not in response.text
    request_id = error["extensions"]["requestId"]
    assert request_id in caplog.text
    assert "hunter2" in caplog.text  # the operator sees what happened


# -- limits, on the real schema (API.md "Limits") ----------------------------------------------

LIMITED = Starlette(
    routes=[Route("/graphql", RiseGraphQL(build_schema(), graphiql=False), methods=["POST"])]
)


async def post_limited(body: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=LIMITED)
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        return await client.post("/graphql", json=body, headers=MODERN)


def _nested(depth: int) -> str:
    # me { assessments { edges { node { consultant { assessments ... } } } } }: 4 levels a turn
    inner = "id"
    for _ in range(depth):
        inner = f"assessments {{ edges {{ node {{ consultant {{ {inner} }} }} }} }}"
    return f"{{ me {{ {inner} }} }}"


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        (_nested(2), True),  # depth 9
        (_nested(3), False),  # depth 13
        ("{ " + " ".join(f"a{i}: serviceVersion" for i in range(15)) + " }", True),
        ("{ " + " ".join(f"a{i}: serviceVersion" for i in range(16)) + " }", False),
        ("{ " + "serviceVersion " * 1990 + "}", True),
        ("{ " + "serviceVersion " * 2001 + "}", False),
    ],
    ids=["depth-9", "depth-13", "aliases-15", "aliases-16", "tokens-1992", "tokens-2003"],
)
async def test_depth_alias_and_token_limits(query: str, allowed: bool) -> None:
    response = await post_limited({"query": query})
    codes = [e["extensions"]["code"] for e in response.json().get("errors", [])]
    if allowed:
        assert "QUERY_TOO_COMPLEX" not in codes, codes
    else:
        assert response.status_code == 400
        assert codes == ["QUERY_TOO_COMPLEX"]


NESTED = (
    "query($outer: Int, $inner: Int) {{ assessments(first: $outer) {{ edges {{ node {{"
    " consultant {{ assessments(first: $inner) {{ totalCount }} }} }} }} }} {extra} }}"
)


@pytest.mark.parametrize(
    ("variables", "extra", "cost"),
    [
        ({"outer": 100, "inner": 99}, "", 100 + 100 * 99),
        ({"outer": 100, "inner": 100}, "", 100 + 100 * 100),
        ({"outer": 100}, "", 100 + 100 * 20),  # the inner default page of 20
        ({}, "users(first: 100) { totalCount }", 20 + 20 * 20 + 100),
        ({"outer": 50, "inner": 100}, "...more", 2 * (50 + 50 * 100)),
        ({"outer": 4, "inner": 100}, "activityLogs { totalCount }", 4 + 4 * 100 + 50),
    ],
    ids=["9,999+1", "10,100", "default-inner", "siblings-add", "fragments-count", "default-50"],
)
async def test_the_cost_budget_is_ten_thousand_nodes(
    variables: dict[str, int], extra: str, cost: int
) -> None:
    query = NESTED.format(extra=extra)
    if extra == "...more":
        query += (
            " fragment more on Query { a: assessments(first: $outer) { edges { node {"
            " consultant { ... on User { assessments(first: $inner) { totalCount } } } } } } }"
        )
    response = await post_limited({"query": query, "variables": variables})
    errors = response.json().get("errors", [])
    codes = [e["extensions"]["code"] for e in errors]
    if cost <= 10_000:
        assert "QUERY_TOO_COMPLEX" not in codes, errors
    else:
        assert response.status_code == 400
        assert codes == ["QUERY_TOO_COMPLEX"]
        assert errors[0]["extensions"]["cost"] == cost
        assert f"{cost:,} nodes" in errors[0]["message"]


@pytest.mark.parametrize(
    ("declared", "variables"),
    [("Int = 100", {}), ("Int", {"n": 100.0}), ("Int!", {"n": 100})],
    ids=["declared-default", "float-variable", "plain"],
)
async def test_the_cost_counts_the_page_sizes_execution_would_use(
    declared: str, variables: dict[str, object]
) -> None:
    query = (
        f"query($n: {declared}) {{ assessments(first: $n) {{ edges {{ node {{ consultant {{"
        " assessments(first: $n) { totalCount } } } } } }"
    )
    response = await post_limited({"query": query, "variables": variables})
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["QUERY_TOO_COMPLEX"]
    assert errors[0]["extensions"]["cost"] == 100 + 100 * 100


async def test_variables_that_cannot_be_coerced_are_bad_input_not_a_cost() -> None:
    query = "query($n: Int) { assessments(first: $n) { totalCount } }"
    response = await post_limited({"query": query, "variables": {"n": "many"}})
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["BAD_USER_INPUT"]


async def test_batches_of_up_to_five_operations() -> None:
    five = await post_limited([{"query": "{ serviceVersion }"}] * 5)
    assert five.status_code == 200
    assert len(five.json()) == 5
    six = await post_limited([{"query": "{ serviceVersion }"}] * 6)
    assert six.status_code == 400


async def test_a_body_over_one_mebibyte_is_refused_before_it_is_read() -> None:
    app = BodyLimit(LIMITED)
    transport = httpx.ASGITransport(app=app)
    padding = "#" + "x" * (1024 * 1024) + "\n"
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        big = await client.post("/graphql", json={"query": padding + "{ serviceVersion }"})
        small = await client.post(
            "/graphql", json={"query": "#" + "x" * 1000 + "\n{ serviceVersion }"}
        )
    assert big.status_code == 413
    assert big.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert small.status_code == 200


# -- requests refused before any operation runs (API.md "Errors") ------------------------------

OPERATION = b'{"query": "{ serviceVersion }"}'
JSON_BODY = {"content-type": "application/json"}
SIX = b"[" + b",".join([OPERATION] * 6) + b"]"


@pytest.mark.parametrize(
    ("method", "headers", "content", "status", "message"),
    [
        ("POST", JSON_BODY, b'{"query": "{ serviceVersion }\xff"}', 400,
         "the request body is not valid UTF-8"),
        ("POST", JSON_BODY, b'"x"', 400, "the request body must be a JSON object (an operation)"
         " or an array of them (a batch), not a string"),
        ("POST", JSON_BODY, b"42", 400, "the request body must be a JSON object (an operation)"
         " or an array of them (a batch), not a number"),
        ("POST", JSON_BODY, b"[[" + OPERATION + b"]]", 400,
         "operation 1 of the batch must be a JSON object, not an array"),
        ("POST", JSON_BODY, b"[" + OPERATION + b', "x"]', 400,
         "operation 2 of the batch must be a JSON object, not a string"),
        ("POST", JSON_BODY, b"[]", 400, "the batch is empty: send 1 to 5 operations"),
        ("POST", JSON_BODY, SIX, 400, "a batch holds at most 5 operations; this one has 6"),
        ("POST", JSON_BODY, b"{query", 400, "the request body is not valid JSON: unexpected"
         " character, expected a string key: line 1 column 2 (char 1)"),
        ("POST", JSON_BODY, b"[" * 2000 + b"]" * 2000, 400,
         "the request body is not valid JSON: depth limit exceeded"),
        ("POST", JSON_BODY, b'["\\ud800", ' + b"[" * 2000 + b"]" * 2001, 400,
         "the request body is not valid JSON: the document is nested too deeply"),
        ("POST", JSON_BODY, b"", 400, "the request body is empty: send the operation as JSON"),
        ("POST", JSON_BODY, b"{}", 400, "the request has no query"),
        ("POST", JSON_BODY, b'{"query": 7}', 400, "query must be a string, not a number"),
        ("POST", JSON_BODY, b'{"query": "{ serviceVersion }", "variables": "x"}', 400,
         "variables must be an object, not a string"),
        ("POST", JSON_BODY, b'{"query": "{ serviceVersion }", "operationName": 3}', 400,
         "operationName must be a string, not a number"),
        ("POST", JSON_BODY, b"[" + OPERATION + b', {"query": "{ a }", "extensions": []}]', 400,
         "operation 2 of the batch: extensions must be an object, not an array"),
        ("POST", {"content-type": "text/plain"}, OPERATION, 415,
         "the request body must be application/json (or multipart/form-data to upload a"
         " file), not text/plain"),
        ("POST", {}, OPERATION, 415,
         "the request has no Content-Type: send the operation as application/json"),
        ("POST", {"content-type": "application/json; charset=latin-1"}, OPERATION, 415,
         "the request body must be UTF-8, not latin-1"),
        ("PUT", JSON_BODY, OPERATION, 405, "the GraphQL endpoint answers GET and POST only"),
        ("DELETE", {}, b"", 405, "the GraphQL endpoint answers GET and POST only"),
    ],
    ids=[
        "not-utf-8", "json-string", "json-number", "nested-batch", "batch-of-a-string",
        "empty-batch", "six-operations", "not-json", "too-deep", "too-deep-after-a-surrogate",
        "empty-body", "no-query",
        "query-not-a-string", "variables-not-an-object", "operation-name-not-a-string",
        "batch-extensions-not-an-object", "text-plain", "no-content-type", "latin-1",
        "put", "delete",
    ],
)  # fmt: skip
@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json", None])
async def test_a_request_that_is_no_graphql_request_is_a_4xx_graphql_error(
    api: Api,
    method: str,
    headers: dict[str, str],
    content: bytes,
    status: int,
    message: str,
    accept: str | None,
) -> None:
    sent = {**headers, **({"accept": accept} if accept else {})}
    response = await api.client.request(method, "/graphql", headers=sent, content=content)
    assert response.status_code == status
    assert response.headers["content-type"] == (
        GRAPHQL_RESPONSE_JSON if accept == GRAPHQL_RESPONSE_JSON else "application/json"
    )
    [error] = response.json()["errors"]
    assert response.json() == {"errors": [error]}
    assert error["message"].startswith(message)
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    if status == 405:
        assert response.headers["allow"] == "GET, POST"


async def test_a_mutation_over_get_is_405_and_not_run(api: Api) -> None:
    query = "mutation { logout { success } }"
    response = await api.client.get("/graphql", params={"query": query}, headers=MODERN)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert response.json() == {
        "errors": [
            {
                "message": "a mutation must be sent with POST, not GET",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


async def test_a_get_without_a_query_is_400_for_clients_other_than_browsers(api: Api) -> None:
    response = await api.client.get("/graphql", headers=LEGACY)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [{"message": "the request has no query", "extensions": {"code": "BAD_REQUEST"}}]
    }


async def test_get_variables_must_be_json(api: Api) -> None:
    params = {"query": "query($n: Int) { serviceVersion }", "variables": "{n"}
    response = await api.client.get("/graphql", params=params, headers=MODERN)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["message"].startswith("the variables parameter is not valid JSON")


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", 'Application/JSON; charset="UTF-8"', "application/json"],
)
async def test_json_in_utf_8_is_accepted_however_it_is_labelled(
    api: Api, content_type: str
) -> None:
    headers = {**MODERN, "content-type": content_type}
    for body in (OPERATION, b"\xef\xbb\xbf" + OPERATION):  # a byte-order mark may lead
        response = await api.client.post("/graphql", content=body, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"serviceVersion": service_version()}}


async def test_a_chunked_body_over_one_mebibyte_is_refused_in_the_accepted_media_type(
    api: Api,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "#'
        for _ in range(17):
            yield b"x" * 65_536
        yield b'\\n{ serviceVersion }"}'

    headers = {**MODERN, **JSON_BODY}
    response = await api.client.post("/graphql", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_JSON
    assert response.json() == {
        "errors": [
            {
                "message": "the request body is larger than 1 MiB",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }


# -- which operation runs (GraphQL's GetOperation) ---------------------------------------------

TWO = "query Version { serviceVersion } query Kind { __typename }"


async def _resolved(api: Api, body: object, headers: dict[str, str] = MODERN) -> httpx.Response:
    return await api.client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize("seen_before", [False, True], ids=["new", "cached"])
async def test_several_operations_and_no_name_is_a_request_error(
    api: Api, seen_before: bool
) -> None:
    if seen_before:  # the document is kept after this, with its operations
        await _resolved(api, {"query": TWO, "operationName": "Kind"})
    response = await _resolved(api, {"query": TWO})
    assert response.status_code == 400
    assert response.json() == {  # and no "data": neither operation ran
        "errors": [
            {
                "message": "the document has several operations:"
                " name the one to run in operationName",
                "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"},
            }
        ]
    }
    legacy = await _resolved(api, {"query": TWO, "operationName": None}, LEGACY)
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"


@pytest.mark.parametrize("seen_before", [False, True], ids=["new", "cached"])
async def test_an_operation_name_naming_no_operation_is_a_request_error(
    api: Api, seen_before: bool
) -> None:
    if seen_before:
        await _resolved(api, {"query": TWO, "operationName": "Version"})
    for query in (TWO, "{ serviceVersion }"):
        response = await _resolved(api, {"query": query, "operationName": "Missing"})
        assert response.status_code == 400
        assert response.json() == {
            "errors": [
                {
                    "message": 'the document has no operation named "Missing"',
                    "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"},
                }
            ]
        }


async def test_the_named_operation_runs_each_time_the_document_comes(api: Api) -> None:
    for _ in range(2):  # parsed the first time, from the kept document the second
        kind = await _resolved(api, {"query": TWO, "operationName": "Kind"})
        version = await _resolved(api, {"query": TWO, "operationName": "Version"})
        assert kind.json() == {"data": {"__typename": "Query"}}
        assert version.json() == {"data": {"serviceVersion": service_version()}}


async def test_each_operation_of_a_batch_is_chosen_on_its_own(api: Api) -> None:
    batch = [
        {"query": TWO, "operationName": "Kind"},
        {"query": TWO},
        {"query": TWO, "operationName": "Other"},
    ]
    response = await _resolved(api, batch, LEGACY)
    kind, unnamed, other = response.json()
    assert kind == {"data": {"__typename": "Query"}}
    assert unnamed["data"] is None
    assert other["data"] is None
    assert [unnamed["errors"][0]["message"], other["errors"][0]["message"]] == [
        "the document has several operations: name the one to run in operationName",
        'the document has no operation named "Other"',
    ]


async def test_an_invalid_document_reports_its_validation_errors_first(api: Api) -> None:
    response = await _resolved(api, {"query": "query A { nope } query B { __typename }"})
    assert response.status_code == 400
    codes = [e["extensions"]["code"] for e in response.json()["errors"]]
    assert codes == ["GRAPHQL_VALIDATION_FAILED"]


async def test_the_chosen_operation_decides_whether_get_may_run_it(api: Api) -> None:
    query = "query Version { serviceVersion } mutation Out { logout { userErrors { code } } }"
    version = await api.client.get(
        "/graphql", params={"query": query, "operationName": "Version"}, headers=MODERN
    )
    assert version.json() == {"data": {"serviceVersion": service_version()}}
    out = await api.client.get(
        "/graphql", params={"query": query, "operationName": "Out"}, headers=MODERN
    )
    assert out.status_code == 405
