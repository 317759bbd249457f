"""Repositories: translate between domain objects and rows, inside a unit of work's session."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.errors import DuplicateEmail
from domain.model import ActivityEvent, NewUser, Role, User
from domain.ports import Credentials, NewRefreshSession, RefreshSession, RevokedReason
from persistence.models import ActivityLogRow, SessionRow, UserRow


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        first_name=row.first_name,
        last_name=row.last_name,
        is_active=row.is_active,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def email_exists(self, email: str) -> bool:
        found = await self._session.scalar(select(exists().where(UserRow.email == email)))
        return bool(found)

    async def add(self, user: NewUser) -> User:
        row = UserRow(
            email=user.email,
            password_hash=user.password_hash,
            role=user.role.value,
            first_name=user.first_name,
            last_name=user.last_name,
        )
        self._session.add(row)
        try:
            # A savepoint, so that losing a race on the unique email leaves the transaction usable.
            async with self._session.begin_nested():
                await self._session.flush()
        except IntegrityError as exc:
            if "uq_users_email" in str(exc.orig):
                raise DuplicateEmail(user.email) from None
            raise
        await self._session.refresh(row)
        return user_from_row(row)

    async def get_by_email(self, email: str) -> User | None:
        row = await self._session.scalar(select(UserRow).where(UserRow.email == email))
        return user_from_row(row) if row else None

    async def get(self, user_id: UUID) -> User | None:
        row = await self._session.scalar(
            select(UserRow).where(UserRow.id == user_id, UserRow.deleted_at.is_(None))
        )
        return user_from_row(row) if row else None

    async def update(self, user_id: UUID, changes: Mapping[str, object]) -> User:
        statement = (
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.deleted_at.is_(None))
            .values({**changes, "updated_at": func.now()})
            .returning(UserRow)
        )
        return user_from_row((await self._session.execute(statement)).scalar_one())

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
        return list(await self._session.scalars(query))

    async def unlock(self, user_id: UUID) -> None:
        await self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(failed_login_attempts=0, account_locked_until=None, updated_at=func.now())
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
        query = select(UserRow).where(condition)
        if lock:
            # Fresh values, not those of a row this session loaded before taking the lock.
            query = query.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(query)
        if row is None:
            return None
        return Credentials(
            user=user_from_row(row),
            password_hash=row.password_hash,
            failed_login_attempts=row.failed_login_attempts,
            locked_until=row.account_locked_until,
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

    async def _update(self, user_id: UUID, changes: dict[str, Any]) -> UserRow:
        statement = (
            update(UserRow)
            .where(UserRow.id == user_id)
            .values({**changes, "updated_at": func.now()})
            .returning(UserRow)
            .execution_options(populate_existing=True)
        )
        return (await self._session.execute(statement)).scalar_one()


class SqlActivityLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, event: ActivityEvent, *, at: datetime | None = None) -> None:
        row = ActivityLogRow(
            user_id=event.user_id,
            event_type=event.event_type,
            event_category=event.category.value,
            description=event.description,
            severity=event.severity.value,
            metadata_=event.metadata,
            ip_address=event.ip_address,
            user_agent=event.user_agent,
        )
        if at is not None:  # else the column's default, the transaction's time
            row.created_at = at
        self._session.add(row)

    async def count(self, *, user_id: UUID, event_type: str, since: datetime) -> int:
        found = await self._session.scalar(
            select(func.count()).where(
                ActivityLogRow.user_id == user_id,
                ActivityLogRow.event_type == event_type,
                ActivityLogRow.created_at > since,
            )
        )
        return found or 0


def session_from_row(row: SessionRow) -> RefreshSession:
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

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, session: NewRefreshSession) -> RefreshSession:
        row = SessionRow(
            user_id=session.user_id,
            family_id=session.family_id,
            token_hash=session.token_hash,
            created_at=session.created_at,
            expires_at=session.expires_at,
            ip_address=session.ip_address,
            user_agent=session.user_agent,
        )
        self._session.add(row)
        await self._session.flush()
        return session_from_row(row)

    async def get(self, session_id: UUID) -> RefreshSession | None:
        row = await self._session.scalar(select(SessionRow).where(SessionRow.id == session_id))
        return session_from_row(row) if row else None

    async def by_token_hash(self, token_hash: str, *, lock: bool = False) -> RefreshSession | None:
        query = select(SessionRow).where(SessionRow.token_hash == token_hash)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(query)
        return session_from_row(row) if row else None

    async def revoke(self, session_id: UUID, *, at: datetime, reason: RevokedReason) -> bool:
        used = {"last_used_at": at} if reason is RevokedReason.ROTATED else {}
        return await self._revoke(SessionRow.id == session_id, at, reason, used) > 0

    async def revoke_family(self, family_id: UUID, *, at: datetime, reason: RevokedReason) -> int:
        return await self._revoke(SessionRow.family_id == family_id, at, reason)

    async def revoke_all(self, user_id: UUID, *, at: datetime, reason: RevokedReason) -> int:
        return await self._revoke(SessionRow.user_id == user_id, at, reason)

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
            .execution_options(synchronize_session=False)
        )
        return len((await self._session.execute(statement)).all())

    async def login_active(self, user_id: UUID, session_id: UUID) -> bool:
        named = aliased(SessionRow)
        found = await self._session.scalar(
            select(
                exists().where(
                    named.id == session_id,
                    named.user_id == user_id,
                    SessionRow.family_id == named.family_id,
                    SessionRow.revoked_at.is_(None),
                )
            )
        )
        return bool(found)
