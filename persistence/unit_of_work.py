"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.model import Question
from persistence.assessment_repositories import (
    SqlAssessmentRepository,
    SqlChecklistRepository,
    SqlResponseRepository,
    SqlResultRepository,
)
from persistence.erasure import SqlErasureRepository
from persistence.report_repositories import SqlReportRepository
from persistence.repositories import SqlActivityLog, SqlSessionRepository, SqlUserRepository


class SqlUnitOfWork:
    users: SqlUserRepository
    activity: SqlActivityLog
    sessions: SqlSessionRepository
    assessments: SqlAssessmentRepository
    responses: SqlResponseRepository
    results: SqlResultRepository
    checklists: SqlChecklistRepository
    reports: SqlReportRepository
    erasure: SqlErasureRepository

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        questions: Sequence[Question] = (),
    ) -> None:
        """`questions` is the bank in force, which answers are read against."""
        self._session_factory = session_factory
        self._questions = questions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self.users = SqlUserRepository(self._session)
        self.activity = SqlActivityLog(self._session)
        self.sessions = SqlSessionRepository(self._session)
        self.assessments = SqlAssessmentRepository(self._session)
        self.responses = SqlResponseRepository(self._session, self._questions)
        self.results = SqlResultRepository(self._session)
        self.checklists = SqlChecklistRepository(self._session)
        self.reports = SqlReportRepository(self._session)
        self.erasure = SqlErasureRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        try:
            await session.rollback()  # a no-op after commit
        finally:
            await session.close()

    async def commit(self) -> None:
        await self.session.commit()
