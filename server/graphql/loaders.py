"""Per-operation data loaders: each relation is one set-based statement per batch, on the
operation's one connection (`persistence.connections.ConnectionScope`).

`now_or_later` lets a resolver answer synchronously when its loader already holds the value
(a parent resolver loaded the relation for a whole page ahead of time, see `prefetch` in
`server.graphql.selection`), so that completing thousands of nested objects creates no
awaitable for each, and falls back to an ordinary batched load otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.dataloader import DataLoader

from domain.assessments import Assessment
from domain.bank import Bank
from domain.model import User
from domain.ports import StoredResponse
from domain.results import (
    ActivityRecord,
    ChecklistItem,
    ReportRecord,
    StoredDiscProfile,
    StoredPhaseResult,
)
from persistence import queries
from persistence.connections import ConnectionScope

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")
Fetch = Callable[[AsyncConnection, Sequence[UUID]], Awaitable[dict[UUID, V]]]


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


class Loaders:
    """The loaders of one operation; `one_*` by an object's own id, for node(id:)."""

    def __init__(self, scope: ConnectionScope, bank: Bank) -> None:
        def with_bank(fetch: Any) -> Fetch[Any]:
            return lambda connection, ids: fetch(connection, ids, bank)

        self.users: DataLoader[UUID, User | None] = _loader(scope, queries.users_by_id, _none)
        self.assessments: DataLoader[UUID, Assessment | None] = _loader(
            scope, queries.assessments_by_id, _none
        )
        self.responses: DataLoader[UUID, list[StoredResponse]] = _loader(
            scope, with_bank(queries.responses_by_assessment), list
        )
        self.phase_results: DataLoader[UUID, StoredPhaseResult | None] = _loader(
            scope, queries.phase_results_by_assessment, _none
        )
        self.disc_profiles: DataLoader[UUID, StoredDiscProfile | None] = _loader(
            scope, queries.disc_profiles_by_assessment, _none
        )
        self.checklists: DataLoader[UUID, list[ChecklistItem]] = _loader(
            scope, queries.checklist_by_assessment, list
        )
        self.reports: DataLoader[UUID, list[ReportRecord]] = _loader(
            scope, queries.reports_by_assessment, list
        )
        self.one_response: DataLoader[UUID, tuple[UUID, StoredResponse] | None] = _loader(
            scope, with_bank(queries.responses_by_id), _none
        )
        self.one_report: DataLoader[UUID, ReportRecord | None] = _loader(
            scope, queries.reports_by_id, _none
        )
        self.one_checklist_item: DataLoader[UUID, ChecklistItem | None] = _loader(
            scope, queries.checklist_items_by_id, _none
        )
        self.one_activity: DataLoader[UUID, ActivityRecord | None] = _loader(
            scope, queries.activity_by_id, _none
        )


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
