"""Per-request DataLoaders: each relation is one set-based statement per request, each load
in a session of its own (never one session shared by concurrent resolvers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from domain.assessments import Assessment
from domain.model import Question, User
from domain.ports import StoredResponse
from domain.results import (
    ActivityRecord,
    ChecklistItem,
    ReportRecord,
    StoredDiscProfile,
    StoredPhaseResult,
)
from persistence import queries

V = TypeVar("V")
Batch = Callable[[AsyncSession, Sequence[UUID]], Awaitable[dict[UUID, V]]]


def _one(factory: async_sessionmaker[AsyncSession], batch: Batch[V]) -> DataLoader[UUID, V | None]:
    async def load(keys: list[UUID]) -> list[V | None]:
        async with factory() as session:
            found = await batch(session, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _many(
    factory: async_sessionmaker[AsyncSession], batch: Batch[list[V]]
) -> DataLoader[UUID, list[V]]:
    async def load(keys: list[UUID]) -> list[list[V]]:
        async with factory() as session:
            found = await batch(session, keys)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


@dataclass(frozen=True)
class Loaders:
    users: DataLoader[UUID, User | None]
    assessments: DataLoader[UUID, Assessment | None]
    responses: DataLoader[UUID, list[StoredResponse]]
    phase_results: DataLoader[UUID, StoredPhaseResult | None]
    disc_profiles: DataLoader[UUID, StoredDiscProfile | None]
    checklists: DataLoader[UUID, list[ChecklistItem]]
    reports: DataLoader[UUID, list[ReportRecord]]
    # Objects by their own ids, for node(id:)
    response: DataLoader[UUID, tuple[UUID, StoredResponse] | None]
    report: DataLoader[UUID, ReportRecord | None]
    checklist_item: DataLoader[UUID, ChecklistItem | None]
    activity: DataLoader[UUID, ActivityRecord | None]


def create_loaders(
    factory: async_sessionmaker[AsyncSession], questions: Sequence[Question]
) -> Loaders:
    async def responses(
        session: AsyncSession, ids: Sequence[UUID]
    ) -> dict[UUID, list[StoredResponse]]:
        return await queries.responses_by_assessment(session, ids, questions)

    async def response(
        session: AsyncSession, ids: Sequence[UUID]
    ) -> dict[UUID, tuple[UUID, StoredResponse]]:
        return await queries.responses_by_id(session, ids, questions)

    return Loaders(
        users=_one(factory, queries.users_by_id),
        assessments=_one(factory, queries.assessments_by_id),
        responses=_many(factory, responses),
        phase_results=_one(factory, queries.phase_results_by_assessment),
        disc_profiles=_one(factory, queries.disc_profiles_by_assessment),
        checklists=_many(factory, queries.checklist_by_assessment),
        reports=_many(factory, queries.reports_by_assessment),
        response=_one(factory, response),
        report=_one(factory, queries.reports_by_id),
        checklist_item=_one(factory, queries.checklist_items_by_id),
        activity=_one(factory, queries.activity_by_id),
    )
