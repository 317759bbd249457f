"""Signing in (API.md "Authentication"): register, login with lockout, and what the session
and password-reset use cases share (`domain.services.sessions`: refresh and logout;
`domain.services.password_reset`). Which account a request's access token stands for is a
read of its own (`persistence.queries.signed_in_user`), checked on every request.

No HTTP and no JWT here: a successful sign-in returns a `SignIn`, which the caller turns into
an access token, with the opaque refresh token, which only the caller ever sees in clear (the
database keeps its SHA-256). Every outcome worth auditing writes an `auth.*` activity row in
the same transaction, stamped with the Clock's time.

Lockout (5 failures within 15 minutes lock the account for 15 minutes): the failures that
count are the `auth.login_failed` rows of the account in the last 15 minutes, but never more
than `users.failed_login_attempts`, the failures since the last successful login or password
reset or change. So a failure older than 15 minutes drops out of the window, and failures
before a success never count again. A wrong current password given to change the password
(`domain.services.accounts.change_password`) is such a failure too. Attempts made while the
account is locked are refused without looking at the password and recorded as
`auth.login_blocked`, which does not count, so the lock ends 15 minutes after the fifth
failure however often someone knocks meanwhile.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn
from uuid import UUID

from domain.accounts import check_password, clean_name, normalize_email
from domain.errors import (
    AccountLocked,
    DuplicateEmail,
    InvalidCredentials,
    ValidationError,
)
from domain.model import ActivityEvent, EventCategory, NewUser, Role, Severity, User
from domain.ports import (
    Clock,
    NewRefreshSession,
    PasswordHasher,
    UnitOfWork,
)
from domain.text import check_text, text_problem

REFRESH_TOKEN_LIFETIME = timedelta(days=7)
MAX_FAILED_LOGINS = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
USER_AGENT_MAX_LENGTH = 512  # enough for any real browser; the column is unbounded text

LOGIN_FAILED = "auth.login_failed"


@dataclass(frozen=True, slots=True)
class SignIn:
    """A successful login, registration or refresh. `refresh_token` is the only copy of the
    opaque token; `session_id` and `family_id` identify the session row and its login."""

    user: User
    refresh_token: str
    session_id: UUID
    family_id: UUID
    refresh_expires_at: datetime


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from, cleaned for the INET and text columns of the audit trail."""

    ip: str | None
    user_agent: str | None


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a refresh or reset token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def request_origin(ip: str | None, user_agent: str | None) -> Origin:
    """The caller's address (None unless a valid IP) and user agent (truncated; None unless
    text the service accepts, `domain.text`)."""
    try:
        clean_ip = str(ipaddress.ip_address(ip.strip())) if ip else None
    except ValueError:  # e.g. a test client's made-up host name: not worth failing a login
        clean_ip = None
    readable = user_agent is not None and text_problem(user_agent) is None
    agent = user_agent[:USER_AGENT_MAX_LENGTH] if user_agent and readable else None
    return Origin(clean_ip, agent)


def auth_event(
    kind: str,
    description: str,
    origin: Origin,
    *,
    user_id: UUID | None,
    severity: Severity = Severity.INFO,
    **metadata: object,
) -> ActivityEvent:
    return ActivityEvent(
        event_type=f"auth.{kind}",
        category=EventCategory.AUTH,
        description=description,
        user_id=user_id,
        severity=severity,
        metadata=metadata or None,
        ip_address=origin.ip,
        user_agent=origin.user_agent,
    )


async def open_session(
    uow: UnitOfWork, user: User, family_id: UUID, now: datetime, origin: Origin
) -> SignIn:
    """Issues a refresh token valid 7 days, in a new session row of `family_id`."""
    token = secrets.token_urlsafe(32)
    session = await uow.sessions.add(
        NewRefreshSession(
            user_id=user.id,
            family_id=family_id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + REFRESH_TOKEN_LIFETIME,
            ip_address=origin.ip,
            user_agent=origin.user_agent,
        )
    )
    return SignIn(user, token, session.id, session.family_id, session.expires_at)


async def _sign_in(
    uow: UnitOfWork, user_id: UUID, now: datetime, origin: Origin, new_hash: str | None = None
) -> SignIn:
    """Records the login on the account and opens a session in a new family."""
    user = await uow.users.record_login(user_id, at=now, password_hash=new_hash)
    signed_in = await open_session(uow, user, uuid.uuid4(), now, origin)
    event = auth_event(
        "login",
        f"{user.email} signed in",
        origin,
        user_id=user.id,
        session_id=str(signed_in.session_id),
        rehashed=new_hash is not None,
    )
    await uow.activity.record(event, at=now)
    return signed_in


async def register(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SignIn:
    """Creates a consultant account (never an admin) and signs it in, in one transaction."""
    clean_email = normalize_email(email)
    clean_first = clean_name(first_name, field="first_name")
    clean_last = clean_name(last_name, field="last_name")
    check_password(password)
    password_hash = await hasher.hash(password)  # before the transaction: no connection waits
    origin = request_origin(ip, user_agent)
    async with uow:
        if await uow.users.email_exists(clean_email):
            raise DuplicateEmail(clean_email)
        new_user = NewUser(clean_email, password_hash, Role.CONSULTANT, clean_first, clean_last)
        user = await uow.users.add(new_user)
        now = clock.now()
        event = auth_event(
            "registered", f"consultant {clean_email} registered", origin, user_id=user.id
        )
        await uow.activity.record(event, at=now)
        signed_in = await _sign_in(uow, user.id, now, origin)
        await uow.commit()
    return signed_in


async def login(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SignIn:
    """Signs in with email and password; see the module docstring for the lockout.

    An unknown (or malformed) email, a wrong password and an inactive or deleted account all
    raise the same `InvalidCredentials` after the same argon2 work. A locked account raises
    `AccountLocked`, whatever the password. The password is verified between two short
    transactions, so no connection waits on argon2; the second one locks the account row and
    decides on fresh values, so concurrent guesses are all counted and none slips past a lock.
    A success re-hashes the password when the hasher's parameters have changed. Text that
    the service never accepts (`domain.text`) is a ValidationError, before anything else.
    """
    check_text(email, field="email")
    check_text(password, field="password")
    origin = request_origin(ip, user_agent)
    now = clock.now()
    clean_email = _email_or_none(email)
    account = None
    if clean_email is not None:
        async with uow:
            account = await uow.users.credentials_by_email(clean_email)
    if account is None:
        await hasher.dummy_verify(password)
        async with uow:
            await _reject_unknown(uow, clean_email, now, origin)
    if account.may_sign_in and (until := account.user.lock_end(now)):
        async with uow:
            await refuse_locked(uow, account.user, until, now, origin)
    verified = await hasher.verify(account.password_hash, password)
    new_hash = None
    if verified and hasher.needs_rehash(account.password_hash):
        new_hash = await hasher.hash(password)
    async with uow:
        fresh = await uow.users.credentials_by_id(account.user.id, lock=True)
        if fresh is None or not fresh.may_sign_in:
            await _reject_inactive(uow, account.user, now, origin)
        if until := fresh.user.lock_end(now):
            await refuse_locked(uow, fresh.user, until, now, origin)
        if not verified or fresh.password_hash != account.password_hash:
            if locked_until := await record_wrong_password(uow, fresh.user, now, origin):
                raise AccountLocked(locked_until)
            raise InvalidCredentials
        signed_in = await _sign_in(uow, fresh.user.id, now, origin, new_hash)
        await uow.commit()
    return signed_in


def _email_or_none(email: str) -> str | None:
    try:
        return normalize_email(email)
    except ValidationError:
        return None  # cannot be anyone's address: treated exactly like an unknown one


# The helpers below run inside the caller's transaction: each records why the login (or
# the password change, `domain.services.accounts`) failed and commits that record.


async def _reject_unknown(
    uow: UnitOfWork, email: str | None, now: datetime, origin: Origin
) -> NoReturn:
    description = f"failed login for unknown email {email or '(malformed)'}"
    event = auth_event(
        "login_failed", description, origin, user_id=None, reason="unknown_email", email=email
    )
    await uow.activity.record(event, at=now)
    await uow.commit()
    raise InvalidCredentials


async def _reject_inactive(uow: UnitOfWork, user: User, now: datetime, origin: Origin) -> NoReturn:
    """A deactivated or deleted account; its failures do not count towards a lock."""
    description = f"failed login for inactive account {user.email}"
    event = auth_event("login_failed", description, origin, user_id=user.id, reason="inactive")
    await uow.activity.record(event, at=now)
    await uow.commit()
    raise InvalidCredentials


async def refuse_locked(
    uow: UnitOfWork,
    user: User,
    until: datetime,
    now: datetime,
    origin: Origin,
    *,
    attempt: str = "login",
) -> NoReturn:
    """An attempt (a login, or a "password change") on a locked account: refused whatever
    the password, and not counted."""
    event = auth_event(
        "login_blocked",
        f"{attempt} refused: {user.email} is locked until {until.isoformat()}",
        origin,
        user_id=user.id,
        severity=Severity.WARNING,
        locked_until=until.isoformat(),
    )
    await uow.activity.record(event, at=now)
    await uow.commit()
    raise AccountLocked(until)


async def record_wrong_password(
    uow: UnitOfWork,
    user: User,
    now: datetime,
    origin: Origin,
    *,
    attempt: str = "login",
    reason: str = "wrong_password",
) -> datetime | None:
    """A wrong password, given to log in or to change it (`attempt`, "password change"):
    counts it and locks the account on the fifth failure in the window. `user` is as read
    with its row held by the caller. Returns when the lock this failure set ends, or None."""
    recent = await uow.activity.count(
        user_id=user.id, event_type=LOGIN_FAILED, since=now - FAILURE_WINDOW
    )
    in_window = min(recent, user.failed_login_attempts) + 1
    attempts = user.failed_login_attempts + 1
    locked_until = now + LOCK_DURATION if in_window >= MAX_FAILED_LOGINS else None
    await uow.users.record_failed_login(user.id, attempts=attempts, locked_until=locked_until)
    description = f"failed {attempt} for {user.email} (wrong password)"
    failed = auth_event(
        "login_failed",
        description,
        origin,
        user_id=user.id,
        reason=reason,
        attempts=attempts,
        in_window=in_window,
    )
    await uow.activity.record(failed, at=now)
    if locked_until is not None:
        description = f"{user.email} locked until {locked_until.isoformat()}"
        locked = auth_event(
            "locked",
            description,
            origin,
            user_id=user.id,
            severity=Severity.WARNING,
            locked_until=locked_until.isoformat(),
            failures=in_window,
        )
        await uow.activity.record(locked, at=now)
    await uow.commit()
    return locked_until
