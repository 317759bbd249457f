"""Protocols that the outside world implements for the use cases.

`persistence` provides the unit of work and its repositories; `server` provides the password
hasher and the clock. Use cases depend on these shapes only, so they run over fakes in unit
tests and over PostgreSQL in production.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.model import ActivityEvent, NewUser, User


class PasswordHasher(Protocol):
    """argon2id in production. Both calls are slow on purpose and run off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class UserRepository(Protocol):
    async def email_exists(self, email: str) -> bool: ...

    async def add(self, user: NewUser) -> User:
        """Inserts the account; raises `DuplicateEmail` if the address is taken meanwhile."""
        ...


class ActivityLog(Protocol):
    async def record(self, event: ActivityEvent) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the `async with` block without `commit()` rolls back."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def activity(self) -> ActivityLog: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
