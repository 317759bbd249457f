"""Protocols that the outside world implements for the use cases.

`persistence` provides the unit of work and its repositories; `server` provides the password
hasher and the clock. Use cases depend on these shapes only, so they run over fakes in unit
tests and over PostgreSQL in production.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.assessments import Assessment, ClientDetails
from domain.model import ActivityEvent, Answer, NewUser, User
from domain.recommendations import ChecklistDraft
from domain.scoring import Scorecard


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


@dataclass(frozen=True, slots=True)
class StoredResponse:
    id: UUID
    answer: Answer
    updated_at: datetime


class AssessmentRepository(Protocol):
    async def add(self, consultant_id: UUID, details: ClientDetails) -> Assessment: ...

    async def get(self, assessment_id: UUID, *, lock: bool = False) -> Assessment | None:
        """The assessment, or None when it does not exist or is deleted. `lock` holds the row
        until the transaction ends, so saves and completion of one assessment take turns."""
        ...

    async def update(self, assessment_id: UUID, changes: Mapping[str, object]) -> Assessment: ...


class ResponseRepository(Protocol):
    async def answers(self, assessment_id: UUID) -> dict[str, Answer]:
        """Every stored answer of the assessment, by question key."""
        ...

    async def upsert(self, assessment_id: UUID, answers: Sequence[Answer]) -> list[StoredResponse]:
        """Inserts or replaces one response per answer's question."""
        ...


class ResultRepository(Protocol):
    async def save(self, assessment_id: UUID, card: Scorecard, calculated_at: datetime) -> None:
        """Stores the phase result and, when there is one, the DISC profile."""
        ...


class ChecklistRepository(Protocol):
    async def add(self, assessment_id: UUID, items: Sequence[ChecklistDraft], by: UUID) -> None: ...


class ActivityLog(Protocol):
    async def record(self, event: ActivityEvent) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the `async with` block without `commit()` rolls back."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def activity(self) -> ActivityLog: ...

    @property
    def assessments(self) -> AssessmentRepository: ...

    @property
    def responses(self) -> ResponseRepository: ...

    @property
    def results(self) -> ResultRepository: ...

    @property
    def checklists(self) -> ChecklistRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
