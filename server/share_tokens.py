"""Share-link tokens worked out from the service's secret: HMAC-SHA256 of the report's id
and the link's expiry, in URL-safe base64 (43 characters). The same report and expiry give
the same token, so the live link of a report can be mailed to its client again; a new
share (a new expiry) gives a new token, and changing RISE_SECRET_KEY ends every link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from uuid import UUID

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PURPOSE = b"rise-share-link\x00"


class SignedShareTokens:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(_PURPOSE + secret.encode()).digest()

    def token(self, report_id: UUID, expires_at: datetime) -> str:
        # Whole microseconds since the epoch: the same instant in any time zone.
        micros = (expires_at - _EPOCH) // timedelta(microseconds=1)
        message = report_id.bytes + micros.to_bytes(8, "big", signed=True)
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
