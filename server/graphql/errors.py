"""Top-level GraphQL errors: every one carries `extensions.code` (API.md "Errors").

Expected failures of mutations are user errors in the payload, never these. What reaches the
client here is either a request error (parse, validation, limits, variables) or a field error
raised on purpose (`ApiError` and its codes); anything else is an internal error, logged with
the request id and shown with no internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError

log = logging.getLogger("rise.graphql")

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
RATE_LIMITED = "RATE_LIMITED"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
INTERNAL = "INTERNAL_SERVER_ERROR"

INTERNAL_MESSAGE = "Internal server error"


class ApiError(Exception):
    """A failure a resolver reports on purpose, with its code."""

    code = BAD_USER_INPUT

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


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


def is_request_error(errors: list[GraphQLError], data: object) -> bool:
    """Parse, validation and variable errors: no data, and no error points into a result."""
    return data is None and bool(errors) and all(not error.path for error in errors)


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The error as sent: its code in `extensions`, internals masked and logged."""
    formatted: dict[str, Any] = dict(error.formatted)
    extensions: dict[str, Any] = dict(formatted.get("extensions") or {})
    original = error.original_error
    if isinstance(original, ApiError):
        extensions["code"] = original.code
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
    formatted["extensions"] = extensions
    return formatted


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
