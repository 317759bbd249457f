"""Failures that mean a part the service depends on is down, not that a request is wrong:
the database unreachable or out of connections, the report storage unusable, the Redis that
keeps the rate limits' windows not answering.

Clients get them as `SERVICE_UNAVAILABLE` with a message that names the part and no
internals, and may retry; where nothing of the request could run, with HTTP 503. The log
gets one line with the reason.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from persistence.connections import is_unreachable
from server.rate_limits import RateLimitsUnavailable
from server.storage import StorageUnavailable

log = logging.getLogger("rise.outages")

DATABASE_DOWN = "the database is unavailable; try again shortly"
STORAGE_DOWN = "report storage is unavailable; try again shortly"
RATE_LIMITS_DOWN = "rate limiting is unavailable; try again shortly"
RETRY_AFTER_SECONDS = 5


def outage_message(error: BaseException | None) -> str | None:
    """What to tell the client when `error` is an outage; None for any other error."""
    if error is None:
        return None
    if isinstance(error, StorageUnavailable):
        return STORAGE_DOWN
    if isinstance(error, RateLimitsUnavailable):
        return RATE_LIMITS_DOWN
    if is_unreachable(error):
        return DATABASE_DOWN
    return None


def log_outage(error: BaseException, request_id: str | None = None) -> None:
    first = str(error).strip().splitlines()
    reason = first[0] if first else type(error).__name__
    prefix = f"request {request_id}: " if request_id else ""
    log.warning("%s%s (%s: %s)", prefix, outage_message(error), type(error).__name__, reason)


async def outage_response(request: Request, error: Exception) -> Response:
    """The app's answer to an outage outside GraphQL (report files): a 503 saying what is
    down. Any other error goes on to the usual 500."""
    message = outage_message(error)
    if message is None:
        raise error
    log_outage(error)
    return JSONResponse(
        {"error": message}, status_code=503, headers={"retry-after": str(RETRY_AFTER_SECONDS)}
    )
