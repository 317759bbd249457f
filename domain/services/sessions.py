"""Refresh-token sessions (API.md "Authentication"): rotation on every use, reuse detection
that revokes the whole family, and logout.

A login opens a family; each refresh ends the presented session ('rotated') and opens the next
one in the same family, so at most one session of a family is active at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn
from uuid import UUID

from domain.errors import InvalidToken
from domain.model import Severity
from domain.ports import Clock, RefreshSession, RevokedReason, UnitOfWork
from domain.services.auth import (
    Origin,
    SignIn,
    auth_event,
    open_session,
    request_origin,
    token_digest,
)

REFRESH_REJECTED = "the refresh token is invalid or has expired; sign in again"


async def refresh(
    *,
    uow: UnitOfWork,
    clock: Clock,
    refresh_token: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SignIn:
    """Rotates a refresh token: its session ends ('rotated') and a new one in the same family
    is returned, valid for another 7 days.

    A token that already ended (rotated, logged out, revoked) is a replay, perhaps of a stolen
    token: every still-active session of its family ends ('reuse_detected') and the call fails,
    so the thief and the victim both have to sign in again. Two refreshes racing with one token
    take turns on the row, so the second is such a replay. An unknown or expired token, or one
    of an account deactivated meanwhile (whose sessions then all end), raises `InvalidToken`.
    """
    origin = request_origin(ip, user_agent)
    now = clock.now()
    async with uow:
        session = await uow.sessions.by_token_hash(token_digest(refresh_token), lock=True)
        if session is None:
            raise InvalidToken(REFRESH_REJECTED)
        if session.revoked_at is not None:
            await _reuse_detected(uow, session, now, origin)
        if session.expires_at <= now:
            raise InvalidToken(REFRESH_REJECTED)
        user = await uow.users.get(session.user_id)
        if user is None or not user.is_active:
            await uow.sessions.revoke_all(session.user_id, at=now, reason=RevokedReason.DEACTIVATED)
            await uow.commit()
            raise InvalidToken(REFRESH_REJECTED)
        await uow.sessions.revoke(session.id, at=now, reason=RevokedReason.ROTATED)
        signed_in = await open_session(uow, user, session.family_id, now, origin)
        await uow.commit()
    return signed_in


async def _reuse_detected(
    uow: UnitOfWork, session: RefreshSession, now: datetime, origin: Origin
) -> NoReturn:
    ended = await uow.sessions.revoke_family(
        session.family_id, at=now, reason=RevokedReason.REUSE_DETECTED
    )
    event = auth_event(
        "refresh_reuse",
        f"a refresh token that had already ended was presented; {ended} session(s) revoked",
        origin,
        user_id=session.user_id,
        severity=Severity.WARNING,
        session_id=str(session.id),
        family_id=str(session.family_id),
        revoked_reason=session.revoked_reason.value if session.revoked_reason else None,
        sessions_revoked=ended,
    )
    await uow.activity.record(event, at=now)
    await uow.commit()
    raise InvalidToken(REFRESH_REJECTED)


async def logout(
    *,
    uow: UnitOfWork,
    clock: Clock,
    refresh_token: str | None = None,
    session_id: UUID | None = None,
    user_id: UUID | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> bool:
    """Ends the login that the refresh token or session id (exactly one) belongs to.

    With rotation a login's family has one active session; the whole family is revoked
    ('logout'), so a session id taken from an access token issued before the last rotation
    still logs out. With `user_id` only that user's session is touched. Returns whether a
    session ended; an unknown or already ended one is not an error (logout is idempotent).
    """
    now = clock.now()
    async with uow:
        session = await _find(uow, refresh_token, session_id)
        if session is None or (user_id is not None and session.user_id != user_id):
            return False
        ended = await uow.sessions.revoke_family(
            session.family_id, at=now, reason=RevokedReason.LOGOUT
        )
        if not ended:
            return False
        event = auth_event(
            "logout",
            "signed out",
            request_origin(ip, user_agent),
            user_id=session.user_id,
            session_id=str(session.id),
            family_id=str(session.family_id),
        )
        await uow.activity.record(event, at=now)
        await uow.commit()
    return True


async def _find(
    uow: UnitOfWork, refresh_token: str | None, session_id: UUID | None
) -> RefreshSession | None:
    if refresh_token is not None and session_id is None:
        return await uow.sessions.by_token_hash(token_digest(refresh_token), lock=True)
    if session_id is not None and refresh_token is None:
        return await uow.sessions.get(session_id)
    raise TypeError("logout() needs exactly one of refresh_token and session_id")
