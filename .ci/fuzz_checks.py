"""Schemathesis checks of the CI fuzz step (.ci/fuzz.py), loaded through SCHEMATHESIS_HOOKS,
and values for the schema's own scalars."""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# A file travels only in a multipart request, which the fuzzer does not send: what it can
# write for an Upload (a string, or null) must be refused as a request error.
schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String) | st.just(nodes.Null))


@schemathesis.check
def no_internal_error(ctx: Any, response: Any, case: Any) -> None:
    """No 5xx, and no unexpected GraphQL error: a response may carry errors (NOT_FOUND,
    RATE_LIMITED and the rest are answers), but each must have a code, and that code must not
    be INTERNAL_SERVER_ERROR. (Schemathesis's own server-error check counts every GraphQL
    error as a failure, so it is not used.)"""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"HTTP {response.status_code}: the body is not JSON") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code")
        if code is None or code == "INTERNAL_SERVER_ERROR":
            raise AssertionError(f"error without a client code: {error}")
