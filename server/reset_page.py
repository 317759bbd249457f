"""`GET /reset-password?token=...`, where password-reset links lead: a plain HTML page with a
form for the new password, and its script and style sheet as files of their own from the
same origin (so a `script-src 'self'` policy suits it; nothing inline).

The script (`static/reset-password.js`) reads the token from the link, takes it out of the
address bar and sends it with the new password to the `resetPassword` mutation. The server
does nothing with the query string: the token is never logged here, and the page is not to
be cached (`no-store`) since its address holds it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

STATIC = Path(__file__).with_name("static")
PAGE = "reset-password.html"
ASSETS = {"reset-password.js": "text/javascript", "reset-password.css": "text/css"}


def reset_page_routes() -> list[Route]:
    """The page and its two files, read once."""
    page = _endpoint(PAGE, "text/html", cache="no-store")
    routes = [Route("/reset-password", page, methods=["GET"])]
    for name, media_type in ASSETS.items():
        asset = _endpoint(name, media_type, cache="no-cache")
        routes.append(Route(f"/{name}", asset, methods=["GET"]))
    return routes


def _endpoint(
    name: str, media_type: str, *, cache: str
) -> Callable[[Request], Awaitable[Response]]:
    body = (STATIC / name).read_bytes()
    headers = {"cache-control": cache}

    async def serve(request: Request) -> Response:
        return Response(body, media_type=media_type, headers=headers)  # charset=utf-8 added

    return serve
