"""Account use cases: creating an account, and what its owner (or the command line) changes
of it: the names, and the password.

Changing a password needs the current one. A wrong one counts towards the lockout exactly
as a failed login does (`domain.services.auth`), and a locked account cannot change its
password until the lock ends. A change ends every other login of the account at once: their
refresh tokens are revoked, and their access tokens stop working on their next request,
since each request checks that its login is still active.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.accounts import check_password, clean_name, normalize_email
from domain.errors import AccountLocked, DuplicateEmail, NotFound, WrongPassword
from domain.model import ActivityEvent, EventCategory, NewUser, Role, Severity, User
from domain.ports import Clock, Credentials, PasswordHasher, RevokedReason, UnitOfWork
from domain.services.auth import (
    auth_event,
    record_wrong_password,
    refuse_locked,
    request_origin,
)
from domain.text import check_text

PASSWORD_CHANGE = "password change"  # what `auth` calls the attempt in its audit rows
WRONG_CURRENT = "wrong_current_password"  # the reason its failed-login row gives


async def create_user(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    email: str,
    password: str,
    role: Role,
    first_name: str,
    last_name: str,
    created_by: User | None = None,
    source: str,
) -> User:
    """Creates an account after checking every field; the password is hashed, never stored.

    `created_by` is the administrator doing it, or None for the command line; `source` says
    where the request came from ("cli", "api") and goes into the audit trail.
    """
    clean_email = normalize_email(email)
    clean_first = clean_name(first_name, field="first_name")
    clean_last = clean_name(last_name, field="last_name")
    check_password(password)
    # Hash before the transaction opens so that no connection waits on argon2.
    password_hash = await hasher.hash(password)
    async with uow:
        if await uow.users.email_exists(clean_email):
            raise DuplicateEmail(clean_email)
        user = await uow.users.add(
            NewUser(
                email=clean_email,
                password_hash=password_hash,
                role=role,
                first_name=clean_first,
                last_name=clean_last,
            )
        )
        await uow.activity.record(
            ActivityEvent(
                event_type="user.created",
                category=EventCategory.ADMIN,
                description=f"{role.value} account {clean_email} created",
                user_id=created_by.id if created_by else user.id,
                metadata={"source": source, "created_user_id": str(user.id), "role": role.value},
            )
        )
        await uow.commit()
    return user


async def _live_account(uow: UnitOfWork, user_id: UUID, *, lock: bool = False) -> Credentials:
    account = await uow.users.credentials_by_id(user_id, lock=lock)
    if account is None or not account.may_sign_in:
        raise NotFound("no such user")
    return account


async def update_me(
    *,
    uow: UnitOfWork,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> User:
    """Changes the user's own names, each checked as registration checks it (None leaves
    one as it is). The audit row holds each changed name's old and new value; a call that
    changes nothing writes none."""
    wanted: dict[str, str] = {}
    if first_name is not None:
        wanted["first_name"] = clean_name(first_name, field="first_name")
    if last_name is not None:
        wanted["last_name"] = clean_name(last_name, field="last_name")
    async with uow:
        current = (await _live_account(uow, user.id, lock=True)).user
        old = {"first_name": current.first_name, "last_name": current.last_name}
        changes = {name: value for name, value in wanted.items() if old[name] != value}
        if not changes:
            return current
        updated = await uow.users.update(user.id, changes)
        origin = request_origin(ip, user_agent)
        event = ActivityEvent(
            event_type="user.profile_updated",
            category=EventCategory.ADMIN,
            description=f"{updated.email} changed their name",
            user_id=user.id,
            metadata={
                "changes": {name: {"old": old[name], "new": new} for name, new in changes.items()}
            },
            ip_address=origin.ip,
            user_agent=origin.user_agent,
        )
        await uow.activity.record(event)
        await uow.commit()
    return updated


async def change_password(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    user: User,
    session_id: UUID | None,
    current_password: str,
    new_password: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> int:
    """Sets a new password (the policy's `WeakPassword` otherwise) for the user who gives
    the current one (`WrongPassword` otherwise, counted towards the lockout; `AccountLocked`
    on the failure that locks the account and while it is locked). Clears the lockout and
    any pending reset link, and ends every session of the user except the login of
    `session_id` (the caller's, kept signed in; None ends them all). Returns how many
    sessions ended.

    As in `auth.login`, the current password is verified between two short transactions so
    that no connection waits on argon2; the second holds the account row and decides on
    fresh values.
    """
    check_text(current_password, field="current_password")
    check_password(new_password)
    origin = request_origin(ip, user_agent)
    now = clock.now()
    async with uow:
        account = await _live_account(uow, user.id)
        if until := account.user.lock_end(now):
            await refuse_locked(uow, account.user, until, now, origin, attempt=PASSWORD_CHANGE)
    verified = await hasher.verify(account.password_hash, current_password)
    password_hash = await hasher.hash(new_password) if verified else None
    async with uow:
        fresh = await _live_account(uow, user.id, lock=True)
        if until := fresh.user.lock_end(now):
            await refuse_locked(uow, fresh.user, until, now, origin, attempt=PASSWORD_CHANGE)
        if password_hash is None or fresh.password_hash != account.password_hash:
            locked_until = await record_wrong_password(
                uow, fresh.user, now, origin, attempt=PASSWORD_CHANGE, reason=WRONG_CURRENT
            )
            raise AccountLocked(locked_until) if locked_until else WrongPassword()
        await uow.users.change_password(user.id, password_hash=password_hash)
        current = await uow.sessions.get(session_id) if session_id is not None else None
        kept = current.family_id if current is not None and current.user_id == user.id else None
        ended = await uow.sessions.revoke_all(
            user.id, at=now, reason=RevokedReason.PASSWORD_RESET, keep_family=kept
        )
        event = auth_event(
            "password_changed",
            f"password of {fresh.user.email} changed",
            origin,
            user_id=user.id,
            sessions_revoked=ended,
            kept_session_id=str(session_id) if kept is not None else None,
        )
        await uow.activity.record(event, at=now)
        await uow.commit()
    return ended


@dataclass(frozen=True, slots=True)
class PasswordSet:
    """What `set_password` did: to whom, how many sessions it ended, and whether the account
    was locked until then."""

    user: User
    sessions_ended: int
    was_locked: bool


async def set_password(
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
    source: str,
) -> PasswordSet:
    """Sets the password of the account with this email without asking for the old one
    (for an operator: `source` says where, e.g. "cli"). The password must meet the policy.
    Ends every session of the account ('admin'), clears its lockout and any pending reset
    link. An account that does not exist, or is deleted, is `NotFound`; a deactivated one
    gets the password and stays deactivated."""
    clean_email = normalize_email(email)
    check_password(password)
    password_hash = await hasher.hash(password)  # before the transaction: no connection waits
    now = clock.now()
    async with uow:
        account = await uow.users.credentials_by_email(clean_email, lock=True)
        if account is None or account.deleted_at is not None:
            raise NotFound(f"no account with the email {clean_email}")
        user = account.user
        was_locked = user.lock_end(now) is not None
        await uow.users.change_password(user.id, password_hash=password_hash)
        ended = await uow.sessions.revoke_all(user.id, at=now, reason=RevokedReason.ADMIN)
        event = ActivityEvent(
            event_type="user.password_set",
            category=EventCategory.ADMIN,
            description=f"password of {clean_email} set by an operator",
            user_id=user.id,
            severity=Severity.WARNING,
            metadata={"source": source, "sessions_revoked": ended, "was_locked": was_locked},
        )
        await uow.activity.record(event, at=now)
        await uow.commit()
    return PasswordSet(user, ended, was_locked)
