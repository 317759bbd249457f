"""Who asks for a file: the user a signed link names (reports, previews, exports), or the
bearer token's; either way, only while that account and login are live."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from domain.model import User
from persistence.connections import ConnectionScope
from persistence.queries import signed_in_user
from server.services import Services
from server.tokens import Claims, DownloadGrant, bearer_claims

Verify = Callable[[Mapping[str, str]], DownloadGrant | None]


async def requester(
    services: Services, scope: ConnectionScope, request: Request, verify: Verify
) -> User | None:
    """The user of a link `verify` accepts, or of the bearer token without a link."""
    if "signature" in request.query_params:
        grant = verify(request.query_params)
        claims = Claims(grant.user_id, grant.session_id) if grant else None
    else:
        header = request.headers.get("authorization", "")
        claims = bearer_claims(header, secret=services.secret, now=services.clock.now())
    if claims is None:
        return None
    async with scope.reading() as connection:
        return await signed_in_user(connection, claims.user_id, claims.session_id)


def private_file(content: bytes, media_type: str, file_name: str, disposition: str) -> Response:
    """A file for its requester alone: never cached, never sniffed, never referred."""
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f'{disposition}; filename="{file_name}"',
            "cache-control": "private, no-store",
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
        },
    )


def not_found() -> JSONResponse:
    return JSONResponse({"error": "not found"}, status_code=404)


def sign_in_first(what: str) -> JSONResponse:
    return JSONResponse(
        {"error": f"sign in, or use a fresh {what} link"},
        status_code=401,
        headers={"www-authenticate": "Bearer"},
    )
