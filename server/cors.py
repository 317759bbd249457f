"""Cross-origin calls from browsers (CORS), for the origins in `RISE_CORS_ORIGINS` only.

A front end served from another origin calls the API with a bearer token, so its requests
carry `Authorization` and `Content-Type: application/json` and the browser asks first (a
preflight OPTIONS). Starlette's CORSMiddleware answers for the listed origins: GET and POST,
those two request headers, no credentials (no cookies are involved), preflights cached for
`MAX_AGE` seconds. A preflight from any other origin goes on to the app like any request,
and so gets no CORS header at all (OPTIONS /graphql is a 405). With no origin listed the
middleware is not installed and no CORS header is ever sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

METHODS = ("GET", "POST")
REQUEST_HEADERS = ("Authorization", "Content-Type")
MAX_AGE = 600  # seconds a browser may reuse a preflight's answer


class ListedOrigins:
    """CORSMiddleware for `origins`; a preflight from an origin not among them passes by."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.cors = CORSMiddleware(
            app,
            allow_origins=tuple(origins),
            allow_methods=METHODS,
            allow_headers=REQUEST_HEADERS,
            allow_credentials=False,
            max_age=MAX_AGE,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if headers.get("origin") not in self.origins:
                await self.app(scope, receive, send)
                return
        await self.cors(scope, receive, send)


def cors_middleware(origins: Sequence[str]) -> list[Middleware]:
    """The middleware to install for `origins`: none when the list is empty."""
    return [Middleware(ListedOrigins, origins=origins)] if origins else []
