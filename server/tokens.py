"""Access tokens: short-lived JWTs (HS256, 15 minutes) naming the user and their role.

The refresh side is opaque and lives in the sessions table (domain.services.auth); an access
token is only ever a bearer of identity, checked against the database on every request, so
that deactivating a user takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections import OrderedDict
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


def bearer_claims(authorization: str, *, secret: str, now: datetime) -> Claims | None:
    """The claims of an `Authorization: Bearer <access token>` header, or None when the
    header is absent, of another scheme, or carries a token that does not verify."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return read_access_token(token.strip(), secret=secret, now=now)
    except InvalidAccessToken:
        return None


def read_access_token(token: str, *, secret: str, now: datetime) -> Claims:
    """The token's claims if it verifies and has not expired at `now`.

    A client sends the same token with every request for its 15 minutes, so a token that
    verified is remembered (the most recent few thousand, by its exact text): it is not
    verified again, only checked against the clock."""
    key = (secret, token)
    verified = _VERIFIED.get(key)
    if verified is None:
        verified = _verify(token, secret)
        _VERIFIED[key] = verified
        if len(_VERIFIED) > VERIFIED_TOKENS:
            _VERIFIED.popitem(last=False)
    else:
        _VERIFIED.move_to_end(key)
    if verified.expires <= int(now.timestamp()):
        raise InvalidAccessToken("the access token has expired")
    return verified.claims


VERIFIED_TOKENS = 4096


@dataclass(frozen=True, slots=True)
class _Verified:
    claims: Claims
    expires: int  # seconds since the epoch


_VERIFIED: OrderedDict[tuple[str, str], _Verified] = OrderedDict()


def _verify(token: str, secret: str) -> _Verified:
    try:
        claims = jwt.decode(
            token,
            signing_key(secret, "access-token"),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            # Expiry is checked against the injected clock, not the library's.
            options={
                "require": ["exp", "iat", "sub", "iss", "aud"],
                "verify_exp": False,
                "verify_iat": False,
            },
            leeway=0,
        )
        session = claims.get("sid")
        return _Verified(
            Claims(user_id=UUID(claims["sub"]), session_id=UUID(session) if session else None),
            int(claims["exp"]),
        )
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as exc:
        raise InvalidAccessToken("the access token is not valid") from exc


# -- signed download links --------------------------------------------------------------------

DOWNLOAD_LINK_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class DownloadGrant:
    """Whom a download link was signed for, and the login it was signed in (None for a
    token minted without one)."""

    user_id: UUID
    session_id: UUID | None


def sign_download(
    *, secret: str, report_id: UUID, grant: DownloadGrant, now: datetime
) -> dict[str, str]:
    """The query parameters of a download link for the grant's user, valid for five minutes
    and for as long as that login lasts."""
    return _sign_link(secret, DOWNLOAD_PURPOSE, str(report_id), grant, now)


def verify_download(
    *, secret: str, report_id: UUID, params: Mapping[str, str], now: datetime
) -> DownloadGrant | None:
    """The grant a download link carries, or None when it is forged, altered or expired."""
    return _verify_link(secret, DOWNLOAD_PURPOSE, str(report_id), params, now)


def sign_preview(*, secret: str, grant: DownloadGrant, now: datetime) -> dict[str, str]:
    """The query parameters of a link to the grant's user's sample client report, on the
    same terms as a download link (its own key: neither opens the other)."""
    return _sign_link(secret, PREVIEW_PURPOSE, PREVIEW_SUBJECT, grant, now)


def verify_preview(
    *, secret: str, params: Mapping[str, str], now: datetime
) -> DownloadGrant | None:
    return _verify_link(secret, PREVIEW_PURPOSE, PREVIEW_SUBJECT, params, now)


def sign_export(
    *, secret: str, export_id: UUID, grant: DownloadGrant, now: datetime
) -> dict[str, str]:
    """The query parameters of a link to a data export, on the terms of a download link
    (its own key: no other link opens an export)."""
    return _sign_link(secret, EXPORT_PURPOSE, str(export_id), grant, now)


def verify_export(
    *, secret: str, export_id: UUID, params: Mapping[str, str], now: datetime
) -> DownloadGrant | None:
    return _verify_link(secret, EXPORT_PURPOSE, str(export_id), params, now)


DOWNLOAD_PURPOSE = "download-link"
EXPORT_PURPOSE = "export-link"
PREVIEW_PURPOSE = "preview-link"
PREVIEW_SUBJECT = "client-report-preview"


def _sign_link(
    secret: str, purpose: str, subject: str, grant: DownloadGrant, now: datetime
) -> dict[str, str]:
    expires = int((now + DOWNLOAD_LINK_LIFETIME).timestamp())
    params = {"user": str(grant.user_id), "expires": str(expires)}
    if grant.session_id is not None:
        params["session"] = str(grant.session_id)
    params["signature"] = _link_signature(secret, purpose, subject, params)
    return params


def _verify_link(
    secret: str, purpose: str, subject: str, params: Mapping[str, str], now: datetime
) -> DownloadGrant | None:
    signature = params.get("signature", "")
    if not _HEX_SIGNATURE.fullmatch(signature):
        return None
    signed = {k: params[k] for k in ("user", "expires", "session") if k in params}
    expected = _link_signature(secret, purpose, subject, signed)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    try:
        grant = DownloadGrant(
            UUID(signed["user"]), UUID(signed["session"]) if "session" in signed else None
        )
        expires = int(signed["expires"])
    except (KeyError, ValueError):
        return None
    return grant if now.timestamp() <= expires else None


_HEX_SIGNATURE = re.compile(r"[0-9a-f]{64}")


def _link_signature(secret: str, purpose: str, subject: str, params: Mapping[str, str]) -> str:
    fields = "&".join(f"{k}={params[k]}" for k in sorted(params))
    message = f"{subject}?{fields}".encode()
    return hmac.new(signing_key(secret, purpose), message, hashlib.sha256).hexdigest()
