"""``GET /logos/{name}``: consultants' logos, at the paths `ConsultantSettings.logoUrl` gives.

Anyone may fetch a logo, signed in or not: it is branding that the consultant shows their
clients (in client reports, and in whatever front end shows their settings), and it holds
no client data. What keeps a logo private until it is shown is its name: 128 random bits,
made anew for every upload, so it cannot be guessed from the consultant, the image or an
earlier logo. The file served is the re-encoded one the upload stored, never the bytes that
were sent.

A name never names other content, so responses may be cached for a year as immutable; a
replaced logo gets a new name. Anything else, a removed logo included, is a 404.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.storage import content_type

if TYPE_CHECKING:
    from server.services import Services

_NAME = re.compile(r"[0-9a-f]{32}\.(?:png|jpg)")
CACHE_CONTROL = "public, max-age=31536000, immutable"


async def logo(request: Request) -> Response:
    services: Services = request.app.state.services
    name = request.path_params["name"]
    if not _NAME.fullmatch(name):
        return JSONResponse({"error": "not found"}, status_code=404)
    key = f"logos/{name}"
    content = await services.reports.store.get(key)
    if content is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return Response(
        content,
        media_type=content_type(key),
        headers={
            "cache-control": CACHE_CONTROL,
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "cross-origin-resource-policy": "cross-origin",
        },
    )


def logo_routes() -> list[Route]:
    return [Route("/logos/{name}", logo, methods=["GET"])]
