"""What a GraphQL-over-HTTP request must be before any of its operations runs.

A POST carries ``application/json`` in UTF-8 (a charset parameter, when given, says utf-8):
one operation as a JSON object, or a batch as an array of 1 to `MAX_BATCH` of them. A GET
carries one operation in its query string, with `variables` and `extensions` as JSON text
(empty counts as absent, as does an empty `operationName`). Every operation has a non-empty
string `query`; `variables` and `extensions`, when given and not null, are objects, and
`operationName` a string.

A file upload is a POST of ``multipart/form-data`` as the GraphQL multipart request spec
lays it out: an `operations` field holding the JSON above with null where each file goes, a
`map` field naming, for each file part, the places in `operations` it fills
(``{"0": ["variables.file"]}``, or ``"1.variables.file"`` in a batch), and the file parts.
Each place must be a null in `operations`, inside an operation's `variables`, and name a
variable the operation declares as an `Upload`; every file part must be mapped and every
mapped part must be a file. Anything else is refused with a 400 before any operation runs.

Anything else is a `RequestError` that says what was wrong: 415 for a body whose content
type is neither JSON in UTF-8 nor multipart, 400 for the rest. A well-formed body costs one
orjson parse and a few type checks; the work of finding out what was wrong is done only when
something was.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import orjson
from graphql import (
    GraphQLError,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    parse,
)
from starlette.datastructures import UploadFile
from strawberry.file_uploads.utils import replace_placeholders_with_files
from strawberry.http import GraphQLRequestData

from server.graphql.documents import MAX_BATCH, MAX_TOKENS
from server.graphql.errors import RequestError

JSON_MEDIA_TYPE = "application/json"
MULTIPART_MEDIA_TYPE = "multipart/form-data"
UPLOAD_TYPE = "Upload"
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


def is_multipart(content_type: str | None) -> bool:
    """Whether a POST's Content-Type says multipart/form-data: a file upload."""
    media = (content_type or "").partition(";")[0]
    return media.strip().lower() == MULTIPART_MEDIA_TYPE


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
            f"the request body must be application/json (or multipart/form-data to upload a"
            f" file), not {media[:_PREVIEW]}",
            status=415,
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


# -- file uploads (the GraphQL multipart request spec) ----------------------------------------


def multipart_operations(fields: Sequence[tuple[str, str | UploadFile]]) -> Operations:
    """The operation or batch of a multipart request, its files in place: `fields` are the
    form's parts in order, as (name, text) or (name, file)."""
    texts: dict[str, str] = {}
    files: dict[str, UploadFile] = {}
    for name, value in fields:
        if name in texts or name in files:
            raise RequestError(f"the multipart request has two parts named {name[:_PREVIEW]!r}")
        if isinstance(value, str):
            if name not in ("operations", "map"):
                raise RequestError(
                    f"the multipart part {name[:_PREVIEW]!r} is no file: only operations and"
                    " map may be text"
                )
            texts[name] = value
        else:
            files[name] = value
    for name in ("operations", "map"):
        if name not in texts:
            raise RequestError(f"the multipart request has no {name} field (it must be text)")
    operations = _multipart_json(texts["operations"], "operations")
    if not isinstance(operations, dict | list):
        raise RequestError(
            "the operations field must be a JSON object (an operation) or an array of them"
            f" (a batch), not {_kind(operations)}"
        )
    places = _file_map(_multipart_json(texts["map"], "map"), files)
    for paths in places.values():
        for path in paths:
            _check_place(operations, path)
    # strawberry's placement (typed for one operation, and as sound for a batch's list)
    with_files: Any = replace_placeholders_with_files(operations, places, files)  # type: ignore[arg-type]
    if isinstance(with_files, list):
        batch = _batch(with_files)
        for number, operation in enumerate(batch):
            _check_upload_variables(operation, places, prefix=f"{number}.")
        return batch
    operation = _operation(with_files, None)
    _check_upload_variables(operation, places, prefix="")
    return operation


def _multipart_json(text: str, field: str) -> object:
    try:
        return _loads(text)
    except ValueError as error:
        raise RequestError(f"the {field} field is not valid JSON: {error}") from None


def _file_map(data: object, files: Mapping[str, UploadFile]) -> dict[str, list[str]]:
    """The map, checked: each file part's non-empty list of places, every part mapped."""
    if not isinstance(data, dict):
        raise RequestError(f"the map must be a JSON object, not {_kind(data)}")
    places: dict[str, list[str]] = {}
    for name, paths in data.items():
        shown = name[:_PREVIEW]
        if not isinstance(paths, list) or not paths:
            raise RequestError(f"the map's entry {shown!r} must be a non-empty array of paths")
        if not all(isinstance(path, str) for path in paths):
            raise RequestError(f"the map's entry {shown!r} must hold paths as strings")
        if name not in files:
            raise RequestError(f"the map names the file part {shown!r}, which is not there")
        places[name] = paths
    unmapped = sorted(set(files) - set(places))
    if unmapped:
        raise RequestError(f"the file part {unmapped[0][:_PREVIEW]!r} is not in the map")
    return places


def _check_place(operations: dict[str, Any] | list[Any], path: str) -> None:
    """A place a file goes: a null inside an operation's variables."""
    keys = path.split(".")
    shown = path[:_PREVIEW]
    where = keys[1:] if isinstance(operations, list) else keys
    if len(where) < 2 or where[0] != "variables":
        raise RequestError(f"the map's path {shown!r} is not inside an operation's variables")
    target: Any = operations
    for key in keys:
        if isinstance(target, dict) and key in target:
            target = target[key]
        elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
            target = target[int(key)]
        else:
            raise RequestError(f"the map's path {shown!r} names nothing in the operations")
    if target is not None:
        raise RequestError(f"the map's path {shown!r} must name a null where the file goes")


def _check_upload_variables(
    operation: GraphQLRequestData, places: Mapping[str, list[str]], *, prefix: str
) -> None:
    """Every file fills a variable the operation declares as an Upload (or a list of them).
    A document that does not parse, or whose operation cannot be chosen, is left for the
    usual errors."""
    names = {
        path.removeprefix(prefix).split(".")[1]
        for paths in places.values()
        for path in paths
        if path.startswith(f"{prefix}variables.")
    }
    if not names:
        return
    try:
        document = parse(operation.query or "", max_tokens=MAX_TOKENS)
    except GraphQLError:
        return
    chosen = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (
            operation.operation_name is None
            or (d.name and d.name.value == operation.operation_name)
        )
    ]
    if len(chosen) != 1:
        return
    declared = {v.variable.name.value: v.type for v in chosen[0].variable_definitions or ()}
    for name in sorted(names):
        if name not in declared:
            raise RequestError(
                f"the map puts a file in ${name}, which the operation does not declare"
            )
        named = declared[name]
        while isinstance(named, ListTypeNode | NonNullTypeNode):
            named = named.type
        assert isinstance(named, NamedTypeNode)
        if named.name.value != UPLOAD_TYPE:
            raise RequestError(
                f"the map puts a file in ${name}, which is a {named.name.value}, not an Upload"
            )
