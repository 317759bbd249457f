"""Per-operation data loaders: each relation is one set-based statement per batch, on the
operation's one connection (`persistence.connections.ConnectionScope`).

`now_or_later` lets a resolver answer synchronously when its loader already holds the value
(a parent resolver loaded the relation for a whole page ahead of time, see `prefetch` in
`server.graphql.selection`), so that completing thousands of nested objects creates no
awaitable for each, and falls back to an ordinary batched load otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from domain.assessments import Assessment
from domain.bank import Bank
from domain.branding import ConsultantSettings
from domain.model import User
from domain.outbox import EmailMessage
from domain.ports import StoredResponse
from domain.results import (
    NO_CHECKLIST,
    ActivityRecord,
    ChecklistItem,
    ChecklistProgress,
    ReportRecord,
    StoredDiscProfile,
    StoredPhaseResult,
)
from domain.scheduler_links import SchedulerLinkRecord
from persistence import queries
from persistence.answer_rows import AnswerRows
from persistence.connections import Connection, ConnectionScope
from persistence.email_outbox import emails_by_assessment, emails_by_id
from persistence.sealing import Keyring
from persistence.settings_repository import settings_by_consultant

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")
Fetch = Callable[[Connection, Sequence[UUID]], Awaitable[dict[UUID, V]]]


def _loader(
    scope: ConnectionScope, fetch: Fetch[V], missing: Callable[[], Any]
) -> DataLoader[UUID, Any]:
    async def load(keys: list[UUID]) -> list[Any]:
        async with scope.reading() as connection:
            found = await fetch(connection, keys)
        return [found[key] if key in found else missing() for key in keys]

    return DataLoader(load_fn=load)


def _none() -> None:
    return None


def _no_checklist() -> ChecklistProgress:
    return NO_CHECKLIST


class Loaders:
    """The loaders of one operation, each made on first use; `one_*` load objects by their
    own ids, for node(id:)."""

    def __init__(self, scope: ConnectionScope, bank: Bank, keys: Keyring) -> None:
        self._scope, self._answer_rows = scope, AnswerRows(bank, keys)

    def _with_answer_rows(self, fetch: Any) -> Fetch[Any]:
        rows = self._answer_rows
        return lambda connection, ids: fetch(connection, ids, rows)

    @cached_property
    def users(self) -> DataLoader[UUID, User | None]:
        return _loader(self._scope, queries.users_by_id, _none)

    @cached_property
    def settings(self) -> DataLoader[UUID, ConsultantSettings | None]:
        return _loader(self._scope, settings_by_consultant, _none)

    @cached_property
    def assessments(self) -> DataLoader[UUID, Assessment | None]:
        return _loader(self._scope, queries.assessments_by_id, _none)

    @cached_property
    def responses(self) -> DataLoader[UUID, list[StoredResponse]]:
        return _loader(self._scope, self._with_answer_rows(queries.responses_by_assessment), list)

    @cached_property
    def phase_results(self) -> DataLoader[UUID, StoredPhaseResult | None]:
        return _loader(self._scope, queries.phase_results_by_assessment, _none)

    @cached_property
    def disc_profiles(self) -> DataLoader[UUID, StoredDiscProfile | None]:
        return _loader(self._scope, queries.disc_profiles_by_assessment, _none)

    @cached_property
    def checklists(self) -> DataLoader[UUID, list[ChecklistItem]]:
        return _loader(self._scope, queries.checklist_by_assessment, list)

    @cached_property
    def checklist_progress(self) -> DataLoader[UUID, ChecklistProgress]:
        return _loader(self._scope, queries.checklist_progress_by_assessment, _no_checklist)

    @cached_property
    def reports(self) -> DataLoader[UUID, list[ReportRecord]]:
        return _loader(self._scope, queries.reports_by_assessment, list)

    @cached_property
    def emails(self) -> DataLoader[UUID, list[EmailMessage]]:
        return _loader(self._scope, emails_by_assessment, list)

    @cached_property
    def scheduler_links(self) -> DataLoader[UUID, list[SchedulerLinkRecord]]:
        """By consultant: their live links, active or not, in display order."""
        return _loader(self._scope, queries.scheduler_links_by_consultant, list)

    @cached_property
    def one_response(self) -> DataLoader[UUID, tuple[UUID, StoredResponse] | None]:
        return _loader(self._scope, self._with_answer_rows(queries.responses_by_id), _none)

    @cached_property
    def one_report(self) -> DataLoader[UUID, ReportRecord | None]:
        return _loader(self._scope, queries.reports_by_id, _none)

    @cached_property
    def one_checklist_item(self) -> DataLoader[UUID, ChecklistItem | None]:
        return _loader(self._scope, queries.checklist_items_by_id, _none)

    @cached_property
    def one_scheduler_link(self) -> DataLoader[UUID, SchedulerLinkRecord | None]:
        return _loader(self._scope, queries.scheduler_links_by_id, _none)

    @cached_property
    def one_email(self) -> DataLoader[UUID, EmailMessage | None]:
        return _loader(self._scope, emails_by_id, _none)

    @cached_property
    def one_activity(self) -> DataLoader[UUID, ActivityRecord | None]:
        return _loader(self._scope, queries.activity_by_id, _none)


def now_or_later(loader: DataLoader[K, V], key: K, convert: Callable[[V], R]) -> R | Awaitable[R]:
    """`convert` of the loaded value: at once when the loader holds it already, else an
    awaitable that loads it in the loader's next batch."""
    future = loader.cache_map.get(key)
    settled = future is not None and future.done() and not future.cancelled()
    if future is not None and settled and future.exception() is None:
        return convert(future.result())
    return _later(loader.load(key), convert)


async def _later(value: Awaitable[V], convert: Callable[[V], R]) -> R:
    return convert(await value)
