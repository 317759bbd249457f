"""In-memory implementations of the domain ports, for use-case tests without a database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from domain.errors import DuplicateEmail
from domain.model import ActivityEvent, NewUser, User


class FakeHasher:
    async def hash(self, password: str) -> str:
        return f"hashed:{password[::-1]}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == await self.hash(password)


@dataclass
class FakeUsers:
    rows: dict[str, tuple[User, str]] = field(default_factory=dict)

    async def email_exists(self, email: str) -> bool:
        return email in self.rows

    async def add(self, user: NewUser) -> User:
        if user.email in self.rows:
            raise DuplicateEmail(user.email)
        created = User(
            id=uuid.uuid4(),
            email=user.email,
            role=user.role,
            first_name=user.first_name,
            last_name=user.last_name,
            is_active=True,
            created_at=datetime.now(UTC),
        )
        self.rows[user.email] = (created, user.password_hash)
        return created


@dataclass
class FakeActivity:
    events: list[ActivityEvent] = field(default_factory=list)

    async def record(self, event: ActivityEvent) -> None:
        self.events.append(event)


class FakeUnitOfWork:
    """Keeps staged changes apart until commit, so tests see what a rollback would discard."""

    def __init__(self) -> None:
        self.users = FakeUsers()
        self.activity = FakeActivity()
        self.committed_users: dict[str, tuple[User, str]] = {}
        self.committed_events: list[ActivityEvent] = []
        self.commits = 0

    async def __aenter__(self) -> Self:
        self.users = FakeUsers(dict(self.committed_users))
        self.activity = FakeActivity(list(self.committed_events))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.committed_users = dict(self.users.rows)
        self.committed_events = list(self.activity.events)
        self.commits += 1
