"""GraphiQL's scripts and stylesheets, served by the service itself so that the page works
without the internet.

The files are vendored under `server/static/graphiql/`, one folder per npm package and
version (`react@18.2.0/umd/react.production.min.js`), each with the package's licence.
`assets.json` there records the SHA-384 of every file (in the `sha384-...` form of a
Subresource Integrity attribute) and where the packages came from; `tools/update_graphiql.py`
writes all of it from the npm registry. The files are read once, and a file whose digest is
not the recorded one, or a recorded file that is missing, stops GraphiQL's page from being
built, and `rise serve` from starting (`AssetsDamaged`): what is served is what was checked.

Each file is served at `/graphiql/` + its path, with its media type and a year of caching:
the path names the package's version, so a new version is a new address.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.failure import Failure

ASSETS = Path(__file__).parents[1] / "static" / "graphiql"
MANIFEST = "assets.json"
PREFIX = "/graphiql/"
CACHE_CONTROL = "public, max-age=31536000, immutable"
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}
_TEXT = "text/plain"  # the licences
_AGAIN = " (check out server/static/graphiql/ again, or run tools/update_graphiql.py)"


class AssetsDamaged(Failure):
    """A vendored GraphiQL file is missing, or is not the file its digest was recorded for."""


@dataclass(frozen=True)
class Asset:
    path: str  # relative to ASSETS, with "/" between its parts
    body: bytes
    integrity: str  # "sha384-<base64>"

    @property
    def address(self) -> str:
        return PREFIX + self.path

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES.get(PurePosixPath(self.path).suffix, _TEXT)


def integrity(body: bytes) -> str:
    """The Subresource Integrity value of `body`: its SHA-384, base64."""
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def load_assets(directory: Path | None = None) -> dict[str, Asset]:
    """Every file the manifest of `directory` (by default ASSETS) records, read and checked
    against its digest."""
    directory = ASSETS if directory is None else directory
    try:
        recorded: dict[str, str] = json.loads((directory / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError) as error:
        raise AssetsDamaged(f"GraphiQL's assets: no readable {directory / MANIFEST}") from error
    assets = {}
    for path, expected in recorded.items():
        parts = PurePosixPath(path).parts
        if not parts or ".." in parts or PurePosixPath(path).is_absolute():
            raise AssetsDamaged(f"GraphiQL's assets: {path!r} is no path inside {directory}")
        try:
            body = directory.joinpath(*parts).read_bytes()
        except OSError as error:
            raise AssetsDamaged(f"GraphiQL's assets: {path} is missing{_AGAIN}") from error
        if integrity(body) != expected:
            raise AssetsDamaged(f"GraphiQL's assets: {path} is not the file recorded{_AGAIN}")
        assets[path] = Asset(path, body, expected)
    return assets


@cache
def graphiql_assets() -> Mapping[str, Asset]:
    """The vendored files, read and checked once per process."""
    return load_assets()


def asset_routes(assets: Mapping[str, Asset]) -> list[Route]:
    """A GET route for each file, at its address."""
    return [Route(asset.address, _endpoint(asset), methods=["GET"]) for asset in assets.values()]


def _endpoint(asset: Asset) -> Callable[[Request], Awaitable[Response]]:
    headers = {"cache-control": CACHE_CONTROL}

    async def serve(request: Request) -> Response:
        # charset=utf-8 is added to the text media types; nosniff comes with every response.
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    return serve
