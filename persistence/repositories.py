"""Repositories for accounts, the audit trail and refresh sessions: they translate between
domain objects and rows, with SQLAlchemy Core statements on the unit of work's connection
(no ORM objects: each row maps straight to a domain object)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.orm import aliased

from domain.errors import DuplicateEmail
from domain.model import ActivityEvent, NewUser, Role, User
from domain.ports import Credentials, NewRefreshSession, RefreshSession, RevokedReason
from persistence.connections import Connection
from persistence.models import ActivityLogRow, SessionRow, UserRow
from persistence.statements import (
    Row,
    arguments,
    execute_later,
    fetch,
    first,
    one,
    parameters,
    scalar,
)

USER_COLUMNS = (
    UserRow.id,
    UserRow.email,
    UserRow.role,
    UserRow.first_name,
    UserRow.last_name,
    UserRow.is_active,
    UserRow.created_at,
    UserRow.last_login_at,
    UserRow.failed_login_attempts,
    UserRow.account_locked_until,
)
CREDENTIAL_COLUMNS = (
    UserRow.password_hash,
    UserRow.deleted_at,
    UserRow.password_reset_expires,
)
SESSION_COLUMNS = (
    SessionRow.id,
    SessionRow.user_id,
    SessionRow.family_id,
    SessionRow.created_at,
    SessionRow.expires_at,
    SessionRow.revoked_at,
    SessionRow.revoked_reason,
)


def user_from_row(row: Row) -> User:
    return User(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        first_name=row.first_name,
        last_name=row.last_name,
        is_active=row.is_active,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
        failed_login_attempts=row.failed_login_attempts,
        locked_until=row.account_locked_until,
    )


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def email_exists(self, email: str) -> bool:
        found = await scalar(self._connection, select(exists().where(UserRow.email == email)))
        return bool(found)

    async def add(self, user: NewUser) -> User:
        # Losing a race on the unique email inserts nothing, and the transaction stays usable.
        statement = (
            upsert(UserRow)
            .values(
                email=user.email,
                password_hash=user.password_hash,
                role=user.role.value,
                first_name=user.first_name,
                last_name=user.last_name,
            )
            .on_conflict_do_nothing(constraint="uq_users_email")
            .returning(*USER_COLUMNS)
        )
        row = await first(self._connection, statement)
        if row is None:
            raise DuplicateEmail(user.email)
        return user_from_row(row)

    async def get_by_email(self, email: str) -> User | None:
        query = select(*USER_COLUMNS).where(UserRow.email == email)
        row = await first(self._connection, query)
        return user_from_row(row) if row else None

    async def every(self, *, role: Role | None = None) -> list[User]:
        query = select(*USER_COLUMNS).where(UserRow.deleted_at.is_(None)).order_by(UserRow.email)
        if role is not None:
            query = query.where(UserRow.role == role.value)
        return [user_from_row(row) for row in await fetch(self._connection, query)]

    async def get(self, user_id: UUID) -> User | None:
        query = select(*USER_COLUMNS).where(UserRow.id == user_id, UserRow.deleted_at.is_(None))
        row = await first(self._connection, query)
        return user_from_row(row) if row else None

    async def update(self, user_id: UUID, changes: Mapping[str, object]) -> User:
        statement = (
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.deleted_at.is_(None))
            .values({**changes, "updated_at": func.now()})
            .returning(*USER_COLUMNS)
        )
        return user_from_row(await one(self._connection, statement))

    async def lock_active_admins(self) -> list[UUID]:
        query = (
            select(UserRow.id)
            .where(
                UserRow.role == Role.ADMIN.value,
                UserRow.is_active.is_(True),
                UserRow.deleted_at.is_(None),
            )
            .with_for_update()
        )
        return [row[0] for row in await fetch(self._connection, query)]

    async def unlock(self, user_id: UUID) -> None:
        await fetch(
            self._connection,
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(failed_login_attempts=0, account_locked_until=None, updated_at=func.now()),
        )

    async def credentials_by_email(self, email: str, *, lock: bool = False) -> Credentials | None:
        return await self._credentials(UserRow.email == email, lock)

    async def credentials_by_id(self, user_id: UUID, *, lock: bool = False) -> Credentials | None:
        return await self._credentials(UserRow.id == user_id, lock)

    async def credentials_by_reset_token(
        self, token_hash: str, *, lock: bool = False
    ) -> Credentials | None:
        return await self._credentials(UserRow.password_reset_token == token_hash, lock)

    async def _credentials(self, condition: ColumnElement[bool], lock: bool) -> Credentials | None:
        query = select(*USER_COLUMNS, *CREDENTIAL_COLUMNS).where(condition)
        if lock:
            query = query.with_for_update()
        row = await first(self._connection, query)
        if row is None:
            return None
        return Credentials(
            user=user_from_row(row),
            password_hash=row.password_hash,
            deleted_at=row.deleted_at,
            password_reset_expires=row.password_reset_expires,
        )

    async def record_login(
        self, user_id: UUID, *, at: datetime, password_hash: str | None = None
    ) -> User:
        changes: dict[str, Any] = {
            "last_login_at": at,
            "failed_login_attempts": 0,
            "account_locked_until": None,
        }
        if password_hash is not None:
            changes["password_hash"] = password_hash
        return user_from_row(await self._update(user_id, changes))

    async def record_failed_login(
        self, user_id: UUID, *, attempts: int, locked_until: datetime | None
    ) -> None:
        changes = {"failed_login_attempts": attempts, "account_locked_until": locked_until}
        await self._update(user_id, changes)

    async def set_password_reset(
        self, user_id: UUID, *, token_hash: str, expires_at: datetime
    ) -> None:
        changes = {"password_reset_token": token_hash, "password_reset_expires": expires_at}
        await self._update(user_id, changes)

    async def change_password(self, user_id: UUID, *, password_hash: str) -> None:
        changes = {
            "password_hash": password_hash,
            "password_reset_token": None,
            "password_reset_expires": None,
            "failed_login_attempts": 0,
            "account_locked_until": None,
        }
        await self._update(user_id, changes)

    async def _update(self, user_id: UUID, changes: dict[str, Any]) -> Row:
        statement = (
            update(UserRow)
            .where(UserRow.id == user_id)
            .values({**changes, "updated_at": func.now()})
            .returning(*USER_COLUMNS)
        )
        return await one(self._connection, statement)


class SqlActivityLog:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def record(self, event: ActivityEvent, *, at: datetime | None = None) -> None:
        """The audit row goes with the transaction's next statement, or its COMMIT."""
        values = activity_values(event, at)
        await execute_later(self._connection, _RECORD[at is not None], arguments(values))

    async def count(self, *, user_id: UUID, event_type: str, since: datetime) -> int:
        found = await scalar(
            self._connection,
            select(func.count()).where(
                ActivityLogRow.user_id == user_id,
                ActivityLogRow.event_type == event_type,
                ActivityLogRow.created_at > since,
            ),
        )
        return found or 0


_EVENT_COLUMNS = (
    "user_id", "event_type", "event_category", "description", "severity", "metadata",
    "ip_address", "user_agent",
)  # fmt: skip
# Without a time, the column's default stamps the row with the transaction's.
_RECORD = {
    stamped: insert(ActivityLogRow)
    .values(parameters(*_EVENT_COLUMNS, *(("created_at",) if stamped else ())))
    .inline()
    for stamped in (False, True)
}


def activity_values(event: ActivityEvent, at: datetime | None = None) -> dict[str, Any]:
    """The audit row's column values; without `at`, the column's default stamps it with the
    transaction's time."""
    values: dict[str, Any] = {
        "user_id": event.user_id,
        "event_type": event.event_type,
        "event_category": event.category.value,
        "description": event.description,
        "severity": event.severity.value,
        "metadata": event.metadata,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
    }
    if at is not None:
        values["created_at"] = at
    return values


def session_from_row(row: Row) -> RefreshSession:
    return RefreshSession(
        id=row.id,
        user_id=row.user_id,
        family_id=row.family_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        revoked_reason=RevokedReason(row.revoked_reason) if row.revoked_reason else None,
    )


class SqlSessionRepository:
    """Refresh-token sessions. Revocations are single UPDATEs that touch only rows still
    active, so a session's first end (and its reason) is the one that stays."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, session: NewRefreshSession) -> RefreshSession:
        statement = (
            insert(SessionRow)
            .values(
                user_id=session.user_id,
                family_id=session.family_id,
                token_hash=session.token_hash,
                created_at=session.created_at,
                expires_at=session.expires_at,
                ip_address=session.ip_address,
                user_agent=session.user_agent,
            )
            .returning(*SESSION_COLUMNS)
        )
        return session_from_row(await one(self._connection, statement))

    async def get(self, session_id: UUID) -> RefreshSession | None:
        query = select(*SESSION_COLUMNS).where(SessionRow.id == session_id)
        row = await first(self._connection, query)
        return session_from_row(row) if row else None

    async def by_token_hash(self, token_hash: str, *, lock: bool = False) -> RefreshSession | None:
        query = select(*SESSION_COLUMNS).where(SessionRow.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = await first(self._connection, query)
        return session_from_row(row) if row else None

    async def revoke(self, session_id: UUID, *, at: datetime, reason: RevokedReason) -> bool:
        used = {"last_used_at": at} if reason is RevokedReason.ROTATED else {}
        return await self._revoke(SessionRow.id == session_id, at, reason, used) > 0

    async def revoke_family(self, family_id: UUID, *, at: datetime, reason: RevokedReason) -> int:
        return await self._revoke(SessionRow.family_id == family_id, at, reason)

    async def revoke_all(
        self,
        user_id: UUID,
        *,
        at: datetime,
        reason: RevokedReason,
        keep_family: UUID | None = None,
    ) -> int:
        condition = SessionRow.user_id == user_id
        if keep_family is not None:
            condition = and_(condition, SessionRow.family_id != keep_family)
        return await self._revoke(condition, at, reason)

    async def _revoke(
        self,
        condition: ColumnElement[bool],
        at: datetime,
        reason: RevokedReason,
        extra: dict[str, Any] | None = None,
    ) -> int:
        statement = (
            update(SessionRow)
            .where(condition, SessionRow.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason.value, **(extra or {}))
            .returning(SessionRow.id)
        )
        return len(await fetch(self._connection, statement))


def login_active(user_id: Any, session_id: Any) -> ColumnElement[bool]:
    """Whether `session_id` is the user's and its login (the session family) still has an
    unrevoked session. `user_id` may be a column, for use inside a larger query."""
    named = aliased(SessionRow)
    return exists().where(
        named.id == session_id,
        named.user_id == user_id,
        SessionRow.family_id == named.family_id,
        SessionRow.revoked_at.is_(None),
    )
