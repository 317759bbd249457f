"""Request body limits (API.md "Limits"), enforced before anything reads the body: 1 MiB, or,
for a file upload to the GraphQL endpoint (a multipart/form-data POST), room for the largest
logo (2 MiB) and the form around it."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.branding import LOGO_MAX_BYTES
from server.graphql.errors import RequestError
from server.graphql.http import request_error_response
from server.graphql.requests import is_multipart

KIBIBYTE = 1024
MEBIBYTE = 1024 * KIBIBYTE
MAX_BODY_BYTES = MEBIBYTE
FORM_ALLOWANCE_BYTES = 64 * KIBIBYTE  # the operations, the map and the parts' headers
MAX_UPLOAD_BODY_BYTES = LOGO_MAX_BYTES + FORM_ALLOWANCE_BYTES
UPLOAD_PATHS = frozenset({"/graphql"})


class BodyTooLarge(Exception):
    pass


def size_label(size: int) -> str:
    """1 MiB, 2,112 KiB: how a limit reads in a refusal."""
    if size % MEBIBYTE == 0:
        return f"{size // MEBIBYTE} MiB"
    return f"{size // KIBIBYTE:,} KiB"


class BodyLimit:
    """Answers 413 to a body over the limit, whether its Content-Length says so up front or
    a chunked body grows past it on the way in, with a GraphQL error response."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        upload_bytes: int = MAX_UPLOAD_BODY_BYTES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes

    def limit(self, scope: Scope) -> int:
        """The upload allowance for a multipart POST to the GraphQL endpoint, else the
        ordinary one."""
        upload = scope.get("method") == "POST" and scope.get("path") in UPLOAD_PATHS
        if upload and is_multipart(Headers(scope=scope).get("content-type")):
            return self.upload_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                await self._refuse(scope, receive, send, limit)
            else:  # the server delivers no more than the length declared
                await self.app(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        error = RequestError(f"the request body is larger than {size_label(limit)}", status=413)
        response = request_error_response(error, Headers(scope=scope).get("accept", ""))
        await response(scope, receive, send)
