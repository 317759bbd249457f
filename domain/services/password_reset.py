"""Password reset (API.md "Authentication"): a single-use link, valid 24 hours, mailed
through the outbox; using it sets a new password, clears the lockout, ends every session of
the account and mails a confirmation. The token is stored only as its SHA-256 in
`users.password_reset_token` (the queued message holds the link until it is sent).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from domain import messages
from domain.accounts import check_password, normalize_email
from domain.branding import template_for
from domain.email_templates import EmailKind
from domain.errors import InvalidToken
from domain.model import User
from domain.ports import Clock, EmailDispatch, PasswordHasher, RevokedReason, UnitOfWork
from domain.services.auth import auth_event, request_origin, token_digest

RESET_TOKEN_LIFETIME = timedelta(hours=24)
RESET_REJECTED = "the password reset link is invalid or has expired; ask for a new one"
TOKEN_PLACE = "{token}"


async def request_password_reset(
    *,
    uow: UnitOfWork,
    clock: Clock,
    dispatch: EmailDispatch,
    email: str,
    reset_link: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> None:
    """Mails a single-use reset link, valid 24 hours, to an active account with this email:
    `reset_link` with the token in place of `{token}`.

    For an unknown, inactive or deleted account nothing is sent and the call returns just the
    same, so it cannot be used to find accounts (a malformed email is a `ValidationError`,
    which says nothing about anyone). A new request replaces an unused earlier link. The
    message is queued in the same transaction and delivered after the commit.
    """
    clean_email = normalize_email(email)
    origin = request_origin(ip, user_agent)
    now = clock.now()
    token = secrets.token_urlsafe(32)
    expires_at = now + RESET_TOKEN_LIFETIME
    async with uow:
        account = await uow.users.credentials_by_email(clean_email, lock=True)
        recipient = account.user if account is not None and account.may_sign_in else None
        queued = None
        if recipient is not None:
            await uow.users.set_password_reset(
                recipient.id, token_hash=token_digest(token), expires_at=expires_at
            )
            settings = await uow.settings.get(recipient.id)
            draft = messages.password_reset(
                recipient,
                template_for(settings, EmailKind.PASSWORD_RESET),
                company_name=settings.company_name if settings else None,
                link=reset_link.replace(TOKEN_PLACE, token),
                expires=expires_at,
            )
            queued = await uow.emails.add(draft, at=now)
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
    if queued is not None:
        await dispatch.deliver([queued.id])


async def reset_password(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    dispatch: EmailDispatch,
    token: str,
    new_password: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> User:
    """Sets a new password with a reset token: the password must meet the policy
    (`WeakPassword`), the token must be the account's pending one and unexpired
    (`InvalidToken`). The token is then spent, the lockout cleared and every session of the
    account revoked ('password_reset'), and a confirmation mailed. The caller signs in
    afresh."""
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
        confirmation = await uow.emails.add(messages.password_changed(user, now), at=now)
        await uow.commit()
    await dispatch.deliver([confirmation.id])
    return user
