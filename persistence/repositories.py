"""Repositories: translate between domain objects and rows, inside a unit of work's session."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DuplicateEmail
from domain.model import ActivityEvent, NewUser, Role, User
from persistence.models import ActivityLogRow, UserRow


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


class SqlActivityLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, event: ActivityEvent) -> None:
        self._session.add(
            ActivityLogRow(
                user_id=event.user_id,
                event_type=event.event_type,
                event_category=event.category.value,
                description=event.description,
                severity=event.severity.value,
                metadata_=event.metadata,
                ip_address=event.ip_address,
                user_agent=event.user_agent,
            )
        )
