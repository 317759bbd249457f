"""The API's errors (API.md "Errors"), in one place.

Expected failures of mutations are user errors in the payload: `user_error` turns any
domain error into one, by the table `USER_ERROR_CODES` (the first of the error's classes
found in it gives its code) and the input field it names.

Top-level errors always carry `extensions.code`. What reaches the client there is either a
request error (parse, validation, limits, variables) or a field error raised on purpose
(`ApiError` and its codes); an outage of the database or the report storage is
`SERVICE_UNAVAILABLE` (`server.outages`); anything else is an internal error, logged with
the request id and shown with no internals. An HTTP request that is no GraphQL request at all
is refused before anything runs (`RequestError`: a 4xx and one error, BAD_REQUEST).

What is logged (logger `rise.graphql`), one record per error as it is formatted: a client's
error in one line at INFO (WARNING for RATE_LIMITED and FORBIDDEN), naming its code and
where it is (the field path, the variable, or the line and column of the document), and
never its message, which may quote the document or a variable's value; an internal error at
ERROR with its traceback and the request id the client is shown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError

from domain.errors import (
    AccountLocked,
    AlreadyCompleted,
    Archived,
    Conflict,
    DomainError,
    DuplicateEmail,
    Incomplete,
    InvalidCredentials,
    InvalidToken,
    NotCompleted,
    NotFound,
    NotShareable,
    ValidationError,
    WrongPassword,
)
from server.outages import log_outage, outage_message

log = logging.getLogger("rise.graphql")

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
RATE_LIMITED = "RATE_LIMITED"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"  # retryable: the database or report storage is down
INTERNAL = "INTERNAL_SERVER_ERROR"
# The HTTP request is not a GraphQL request this server runs (see `RequestError`).
BAD_REQUEST = "BAD_REQUEST"
# The document is fine, but which of its operations to run is not (GraphQL's GetOperation).
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"

INTERNAL_MESSAGE = "Internal server error"


class ApiError(Exception):
    """A failure a resolver reports on purpose, with its code."""

    code = BAD_USER_INPUT

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class RequestError(Exception):
    """A request refused before any operation runs (a body that is not JSON, a content type
    other than JSON, a mutation over GET, a body too large): answered with `status`, the
    `headers` given and one error, never with a 500 or plain text."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: str = BAD_REQUEST,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.headers = dict(headers or {})


class Unauthenticated(ApiError):
    code = UNAUTHENTICATED

    def __init__(self, message: str = "sign in to do this") -> None:
        super().__init__(message)


class Forbidden(ApiError):
    code = FORBIDDEN

    def __init__(self, message: str = "this needs an administrator") -> None:
        super().__init__(message)


class NotFoundError(ApiError):
    code = NOT_FOUND

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"no such {what}")


USER_ERROR_CODES: dict[type[DomainError], str] = {
    WrongPassword: "INVALID_CREDENTIALS",
    ValidationError: "VALIDATION",
    DuplicateEmail: "EMAIL_TAKEN",
    NotFound: "NOT_FOUND",
    NotShareable: "NOT_SHAREABLE",
    AlreadyCompleted: "ALREADY_COMPLETED",
    Archived: "ARCHIVED",
    Incomplete: "INCOMPLETE",
    NotCompleted: "NOT_COMPLETED",
    InvalidCredentials: "INVALID_CREDENTIALS",
    AccountLocked: "ACCOUNT_LOCKED",
    InvalidToken: "INVALID_TOKEN",
    Conflict: "CONFLICT",
    DomainError: "CONFLICT",
}
# Domain field names whose input name is not just their camel case.
INPUT_NAMES = {"notes": "consultantNotes"}


def input_name(field: str) -> str:
    """A domain field's name as the API's inputs spell it: client_name is clientName."""
    if field in INPUT_NAMES:
        return INPUT_NAMES[field]
    head, *rest = field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def user_error_code(kind: type[DomainError]) -> str:
    """The user error code of a kind of domain error: that of the first of its classes in
    `USER_ERROR_CODES`."""
    return next(USER_ERROR_CODES[k] for k in kind.__mro__ if k in USER_ERROR_CODES)


def user_error_fields(
    error: DomainError, *, id_field: str = "id", renames: dict[str, str] | None = None
) -> tuple[list[str] | None, str]:
    """The input path and code of the user error for `error`. `id_field` is the input naming
    the object a NotFound is about; `renames` maps domain fields to this mutation's inputs
    where they differ from the usual (resetPassword's newPassword)."""
    code = user_error_code(type(error))
    if isinstance(error, ValidationError):
        return [(renames or {}).get(error.field) or input_name(error.field)], code
    if isinstance(error, DuplicateEmail):
        return ["email"], code
    if isinstance(error, NotFound | NotShareable):
        return [id_field], code
    return None, code


def is_request_error(errors: list[GraphQLError], data: object) -> bool:
    """Parse, validation and variable errors: no data, and no error points into a result."""
    return data is None and bool(errors) and all(not error.path for error in errors)


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The error as sent: its code in `extensions`, internals masked; each error logged."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions: dict[str, Any] = dict(formatted.get("extensions") or {})
    original = error.original_error
    if isinstance(original, ApiError):
        extensions["code"] = original.code
    elif original is not None and (outage := outage_message(original)) is not None:
        log_outage(original, request_id)
        formatted["message"] = outage
        extensions = {"code": SERVICE_UNAVAILABLE, "requestId": request_id}
    elif original is not None and not _is_graphql_error(original):
        log.error(
            "request %s: unexpected error in %s",
            request_id,
            ".".join(str(p) for p in error.path or ()),
            exc_info=original,
        )
        formatted["message"] = INTERNAL_MESSAGE
        extensions = {"code": INTERNAL, "requestId": request_id}
    elif "code" not in extensions:
        extensions["code"] = _request_error_code(error)
    code = extensions["code"]
    if code in CLIENT_ERRORS:
        level = logging.WARNING if code in (RATE_LIMITED, FORBIDDEN) else logging.INFO
        log.log(level, "client error %s %s", code, _where(error))
    elif "requestId" not in extensions:
        # Not the client's doing, and not logged yet: graphql-core's own finding about a
        # result (a null for a non-null field, say).
        log.error("request %s: %s in %s", request_id, code, _path(error))
        extensions["requestId"] = request_id
    formatted["extensions"] = extensions
    return formatted


# The codes of errors a client made, logged as such; any other is the service's.
CLIENT_ERRORS = frozenset(
    {
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        BAD_USER_INPUT,
        PARSE_FAILED,
        VALIDATION_FAILED,
        RATE_LIMITED,
        QUERY_TOO_COMPLEX,
        OPERATION_RESOLUTION_FAILURE,
        BAD_REQUEST,
    }
)
# graphql-core's messages about variables start so; a variable's name is a GraphQL Name.
_VARIABLE = re.compile(r"Variable '\$([_A-Za-z][_0-9A-Za-z]*)'")


def _path(error: GraphQLError) -> str:
    return ".".join(str(p) for p in error.path or ())


def _where(error: GraphQLError) -> str:
    """Where an error is, in words that quote nothing the client sent but names."""
    if error.path:
        return f"at {_path(error)}"
    variable = _VARIABLE.match(error.message)
    if variable:
        return f"in variable ${variable.group(1)}"
    if error.locations:
        first = error.locations[0]
        return f"at line {first.line}, column {first.column} of the document"
    return "in the request"


def _is_graphql_error(error: BaseException) -> bool:
    return isinstance(error, GraphQLError)


# The limiters' messages (strawberry's depth, alias and token limiters, graphql-core's parser).
_TOO_COMPLEX = (
    "exceeds maximum operation depth",
    "aliases found. Allowed",
    "Document contains more than",
)


def _request_error_code(error: GraphQLError) -> str:
    if any(marker in error.message for marker in _TOO_COMPLEX):
        return QUERY_TOO_COMPLEX
    if error.message.startswith("Syntax Error"):
        return PARSE_FAILED
    if error.message.startswith("Variable "):
        return BAD_USER_INPUT
    if error.path:
        return INTERNAL
    return VALIDATION_FAILED


def with_code(error: Mapping[str, Any]) -> bool:
    return bool((error.get("extensions") or {}).get("code"))
