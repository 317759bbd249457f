"""The SQL unit of work: one transaction on one connection, rolled back unless committed."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self

from domain.bank import Bank, load_bank
from persistence.answer_rows import AnswerRows
from persistence.assessment_repositories import (
    SqlAssessmentRepository,
    SqlResponseRepository,
    SqlResultRepository,
)
from persistence.checklist_repositories import SqlChecklistRepository
from persistence.connections import ConnectionScope, Transaction
from persistence.email_outbox import SqlEmailOutbox
from persistence.erasure import SqlErasureRepository
from persistence.export_repositories import SqlExportRepository
from persistence.report_repositories import SqlReportRepository
from persistence.repositories import SqlActivityLog, SqlSessionRepository, SqlUserRepository
from persistence.scheduler_link_repositories import SqlSchedulerLinkRepository
from persistence.sealing import Keyring
from persistence.settings_repository import SqlSettingsRepository


class SqlUnitOfWork:
    users: SqlUserRepository
    activity: SqlActivityLog
    sessions: SqlSessionRepository
    assessments: SqlAssessmentRepository
    responses: SqlResponseRepository
    results: SqlResultRepository
    checklists: SqlChecklistRepository
    reports: SqlReportRepository
    scheduler_links: SqlSchedulerLinkRepository
    erasure: SqlErasureRepository
    settings: SqlSettingsRepository
    emails: SqlEmailOutbox
    exports: SqlExportRepository

    def __init__(self, scope: ConnectionScope, keys: Keyring, bank: Bank | None = None) -> None:
        """`keys` seal and open the answers; `bank` is the question bank in force, which
        answers are read against (by default the one this version ships)."""
        self._scope = scope
        self._answer_rows = AnswerRows(bank or load_bank(), keys)
        self._opened: AbstractAsyncContextManager[Transaction] | None = None
        self._transaction: Transaction | None = None

    async def __aenter__(self) -> Self:
        self._opened = self._scope.transaction()
        self._transaction = transaction = await self._opened.__aenter__()
        connection = transaction.connection
        self.users = SqlUserRepository(connection)
        self.activity = SqlActivityLog(connection)
        self.sessions = SqlSessionRepository(connection)
        self.assessments = SqlAssessmentRepository(connection)
        self.responses = SqlResponseRepository(connection, self._answer_rows)
        self.results = SqlResultRepository(connection)
        self.checklists = SqlChecklistRepository(connection)
        self.reports = SqlReportRepository(connection)
        self.scheduler_links = SqlSchedulerLinkRepository(connection)
        self.erasure = SqlErasureRepository(connection)
        self.settings = SqlSettingsRepository(connection)
        self.emails = SqlEmailOutbox(connection)
        self.exports = SqlExportRepository(connection, self._answer_rows)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        opened, self._opened, self._transaction = self._opened, None, None
        if opened is not None:
            await opened.__aexit__(exc_type, exc, tb)

    async def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        await self._transaction.commit()
