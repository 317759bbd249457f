"""Access tokens: short-lived JWTs (HS256, 15 minutes) naming the user and their role.

The refresh side is opaque and lives in the sessions table (domain.services.auth); an access
token is only ever a bearer of identity, checked against the database on every request, so
that deactivating a user takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import jwt

ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
ALGORITHM = "HS256"
ISSUER = "financial-rise"
AUDIENCE = "financial-rise-api"


class InvalidAccessToken(Exception):
    """The bearer token is malformed, forged, expired or for another service."""


@dataclass(frozen=True, slots=True)
class AccessToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Claims:
    user_id: UUID
    session_id: UUID | None


def signing_key(secret: str, purpose: str) -> bytes:
    """A key per purpose, derived from the one configured secret, so that a token signed for
    one use (access tokens, download links) is never accepted for another."""
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def issue_access_token(
    *, secret: str, user_id: UUID, session_id: UUID | None, now: datetime
) -> AccessToken:
    expires = now + ACCESS_TOKEN_LIFETIME
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "sid": str(session_id) if session_id else None,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, signing_key(secret, "access-token"), algorithm=ALGORITHM)
    return AccessToken(token=token, expires_at=expires)


def read_access_token(token: str, *, secret: str, now: datetime) -> Claims:
    try:
        claims = jwt.decode(
            token,
            signing_key(secret, "access-token"),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            # Expiry is checked below against the injected clock, not the library's.
            options={
                "require": ["exp", "iat", "sub", "iss", "aud"],
                "verify_exp": False,
                "verify_iat": False,
            },
            leeway=0,
        )
        if claims["exp"] <= int(now.timestamp()):
            raise InvalidAccessToken("the access token has expired")
        session = claims.get("sid")
        return Claims(user_id=UUID(claims["sub"]), session_id=UUID(session) if session else None)
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise InvalidAccessToken("the access token is not valid") from exc


# -- signed download links --------------------------------------------------------------------

DOWNLOAD_LINK_LIFETIME = timedelta(minutes=5)


def sign_download(*, secret: str, report_id: UUID, user_id: UUID, now: datetime) -> dict[str, str]:
    """The query parameters of a download link for `user_id`, valid for five minutes."""
    expires = int((now + DOWNLOAD_LINK_LIFETIME).timestamp())
    return {
        "user": str(user_id),
        "expires": str(expires),
        "signature": _download_signature(secret, report_id, user_id, expires),
    }


def verify_download(
    *, secret: str, report_id: UUID, params: Mapping[str, str], now: datetime
) -> UUID | None:
    """The user a download link was signed for, or None when it is forged or expired."""
    try:
        user_id = UUID(params["user"])
        expires = int(params["expires"])
        signature = params["signature"]
    except (KeyError, ValueError):
        return None
    expected = _download_signature(secret, report_id, user_id, expires)
    if not hmac.compare_digest(expected, signature) or now.timestamp() > expires:
        return None
    return user_id


def _download_signature(secret: str, report_id: UUID, user_id: UUID, expires: int) -> str:
    message = f"{report_id}:{user_id}:{expires}".encode()
    return hmac.new(signing_key(secret, "download-link"), message, hashlib.sha256).hexdigest()
