"""What a GraphQL-over-HTTP request must be before any of its operations runs.

A POST carries ``application/json`` in UTF-8 (a charset parameter, when given, says utf-8):
one operation as a JSON object, or a batch as an array of 1 to `MAX_BATCH` of them. A GET
carries one operation in its query string, with `variables` and `extensions` as JSON text
(empty counts as absent, as does an empty `operationName`). Every operation has a non-empty
string `query`; `variables` and `extensions`, when given and not null, are objects, and
`operationName` a string.

Anything else is a `RequestError` that says what was wrong: 415 for a body whose content
type is not JSON in UTF-8, 400 for the rest. A well-formed body costs one orjson parse and a
few type checks; the work of finding out what was wrong is done only when something was.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import Any, NoReturn

import orjson
from strawberry.http import GraphQLRequestData

from server.graphql.documents import MAX_BATCH
from server.graphql.errors import RequestError

JSON_MEDIA_TYPE = "application/json"
UTF_8 = ("utf-8", "utf8")
_PREVIEW = 100  # characters of a client's header value quoted back in a message

Operations = GraphQLRequestData | list[GraphQLRequestData]


def post_operations(content_type: str | None, body: bytes) -> Operations:
    """The operation or the batch a POST body holds."""
    _check_content_type(content_type)
    data = _decode(body)
    if isinstance(data, dict):
        return _operation(data, None)
    if isinstance(data, list):
        return _batch(data)
    raise RequestError(
        "the request body must be a JSON object (an operation) or an array of them (a batch),"
        f" not {_kind(data)}"
    )


def get_operation(params: Mapping[str, str]) -> GraphQLRequestData:
    """The operation a GET's query string holds."""
    data: dict[str, Any] = {}
    for name in ("query", "operationName"):
        value = params.get(name)
        if value:
            data[name] = value
    for name in ("variables", "extensions"):
        text = params.get(name)
        if text:
            try:
                data[name] = _loads(text)
            except ValueError as error:
                raise RequestError(f"the {name} parameter is not valid JSON: {error}") from None
    return _operation(data, None)


def _check_content_type(header: str | None) -> None:
    if not header:
        raise RequestError(
            "the request has no Content-Type: send the operation as application/json",
            status=415,
        )
    media, _, parameters = header.partition(";")
    media = media.strip()
    if media.lower() != JSON_MEDIA_TYPE:
        raise RequestError(
            f"the request body must be application/json, not {media[:_PREVIEW]}", status=415
        )
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"')
        if name.strip().lower() == "charset" and charset.lower() not in UTF_8:
            raise RequestError(
                f"the request body must be UTF-8, not {charset[:_PREVIEW]}", status=415
            )


def _loads(text: str | bytes) -> object:
    """JSON, parsed by orjson. A string escape of a lone surrogate (``"\\ud800"``), which
    orjson refuses, is valid JSON: such a body is parsed again by the standard library, which
    keeps the escape as that code point, so that the input holding it gets its own clear error
    (domain/text.py) rather than the whole request one. NaN and Infinity stay refused."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "surrogate" not in str(error):
            raise
    try:
        return json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise ValueError("the document is nested too deeply") from None


def _not_json(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not a JSON value")


def _decode(body: bytes) -> object:
    try:
        return _loads(body)
    except ValueError as error:
        if body.startswith(codecs.BOM_UTF8):  # RFC 8259 lets a reader ignore it
            return _decode(body[len(codecs.BOM_UTF8) :])
        if not body.strip():
            raise RequestError("the request body is empty: send the operation as JSON") from None
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise RequestError("the request body is not valid UTF-8") from None
        raise RequestError(f"the request body is not valid JSON: {error}") from None


def _batch(items: list[object]) -> list[GraphQLRequestData]:
    if not items:
        raise RequestError(f"the batch is empty: send 1 to {MAX_BATCH} operations")
    if len(items) > MAX_BATCH:
        raise RequestError(
            f"a batch holds at most {MAX_BATCH} operations; this one has {len(items)}"
        )
    operations = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise RequestError(
                f"operation {number} of the batch must be a JSON object, not {_kind(item)}"
            )
        operations.append(_operation(item, number))
    return operations


def _operation(data: dict[str, Any], number: int | None) -> GraphQLRequestData:
    """One operation's members, checked; `number` is its place in a batch."""
    query = data.get("query")
    if query is None or query == "":
        subject = "the request" if number is None else f"operation {number} of the batch"
        raise RequestError(f"{subject} has no query")
    return GraphQLRequestData(
        query=_member(data, "query", str, number),
        variables=_member(data, "variables", dict, number),
        operation_name=_member(data, "operationName", str, number),
        extensions=_member(data, "extensions", dict, number),
    )


def _member(data: dict[str, Any], name: str, kind: type, number: int | None) -> Any:
    value = data.get(name)
    if value is None or isinstance(value, kind):
        return value
    where = "" if number is None else f"operation {number} of the batch: "
    wanted = "a string" if kind is str else "an object"
    raise RequestError(f"{where}{name} must be {wanted}, not {_kind(value)}")


def _kind(value: object) -> str:
    """How a JSON value's type reads in a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
