"""Password reset (API.md "Authentication"): a single-use link, valid 24 hours, delivered
through the mail port; using it sets a new password, clears the lockout and ends every
session of the account. The token is stored only as its SHA-256 in `users.password_reset_token`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from domain.accounts import check_password, normalize_email
from domain.errors import InvalidToken
from domain.model import User
from domain.ports import Clock, Mailer, PasswordHasher, RevokedReason, UnitOfWork
from domain.services.auth import auth_event, request_origin, token_digest

RESET_TOKEN_LIFETIME = timedelta(hours=24)
RESET_REJECTED = "the password reset link is invalid or has expired; ask for a new one"
RESET_MAIL_SUBJECT = "Reset your Financial RISE password"


async def request_password_reset(
    *,
    uow: UnitOfWork,
    clock: Clock,
    mailer: Mailer,
    email: str,
    reset_url_base: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> None:
    """Mails a single-use reset link, valid 24 hours, to an active account with this email.

    For an unknown, inactive or deleted account nothing is sent and the call returns just the
    same, so it cannot be used to find accounts (a malformed email is a `ValidationError`,
    which says nothing about anyone). A new request replaces an unused earlier link. The mail
    goes out after the commit; a mailer that talks to a slow server should queue the message.
    """
    clean_email = normalize_email(email)
    origin = request_origin(ip, user_agent)
    now = clock.now()
    token = secrets.token_urlsafe(32)
    expires_at = now + RESET_TOKEN_LIFETIME
    async with uow:
        account = await uow.users.credentials_by_email(clean_email, lock=True)
        recipient = account.user if account is not None and account.may_sign_in else None
        if recipient is not None:
            await uow.users.set_password_reset(
                recipient.id, token_hash=token_digest(token), expires_at=expires_at
            )
        event = auth_event(
            "password_reset_requested",
            f"password reset requested for {clean_email}",
            origin,
            user_id=account.user.id if account else None,
            email=clean_email,
            sent=recipient is not None,
        )
        await uow.activity.record(event, at=now)
        await uow.commit()
    if recipient is not None:
        link = reset_link(reset_url_base, token)
        await mailer.send(recipient.email, RESET_MAIL_SUBJECT, _reset_body(link, expires_at))


def reset_link(base: str, token: str) -> str:
    """`base` with the token added to its query string."""
    parts = urlsplit(base)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), ("token", token)])
    return urlunsplit(parts._replace(query=query))


def _reset_body(link: str, expires_at: datetime) -> str:
    expires = expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "Someone, hopefully you, asked to reset the password of your Financial RISE account.\n\n"
        f"Choose a new password here: {link}\n\n"
        f"The link works once, until {expires}. If you did not ask for it, ignore this "
        "message: your password stays as it is.\n"
    )


async def reset_password(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    token: str,
    new_password: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> User:
    """Sets a new password with a reset token: the password must meet the policy
    (`WeakPassword`), the token must be the account's pending one and unexpired
    (`InvalidToken`). The token is then spent, the lockout cleared and every session of the
    account revoked ('password_reset'). The caller signs in afresh."""
    check_password(new_password)
    password_hash = await hasher.hash(new_password)
    now = clock.now()
    async with uow:
        account = await uow.users.credentials_by_reset_token(token_digest(token), lock=True)
        expires = account.password_reset_expires if account else None
        if account is None or not account.may_sign_in or expires is None or expires <= now:
            raise InvalidToken(RESET_REJECTED)
        user = account.user
        await uow.users.change_password(user.id, password_hash=password_hash)
        ended = await uow.sessions.revoke_all(user.id, at=now, reason=RevokedReason.PASSWORD_RESET)
        event = auth_event(
            "password_reset",
            f"password of {user.email} reset",
            request_origin(ip, user_agent),
            user_id=user.id,
            sessions_revoked=ended,
        )
        await uow.activity.record(event, at=now)
        await uow.commit()
    return user
