"""The dashboard's figures: `assessmentStats`, counted in SQL (`persistence.statistics`)."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from domain import results
from domain.access import may_see_user, owner_filter
from domain.model import AssessmentStatus, DiscType, Phase
from persistence import statistics
from server.graphql.context import Info
from server.graphql.errors import NotFoundError
from server.graphql.fields import field
from server.graphql.ids import BadId, expect_id
from server.graphql.permissions import SignedIn

RECENT = timedelta(days=30)


@strawberry.type
class StatusCount:
    status: AssessmentStatus
    count: int


@strawberry.type
class PhaseCount:
    phase: Phase
    count: int


@strawberry.type
class DiscTypeCount:
    type: DiscType
    count: int


@strawberry.type
class AssessmentStats:
    total: int
    by_status: list[StatusCount]
    by_primary_phase: list[PhaseCount]
    by_disc_type: list[DiscTypeCount]
    completed_last_30_days: int
    average_completion_minutes: float | None

    @classmethod
    def of(cls, stats: results.AssessmentStats) -> AssessmentStats:
        minutes = stats.average_completion_minutes
        return cls(
            total=stats.total,
            by_status=[StatusCount(status=s, count=n) for s, n in stats.by_status.items()],
            by_primary_phase=[
                PhaseCount(phase=p, count=n) for p, n in stats.by_primary_phase.items()
            ],
            by_disc_type=[DiscTypeCount(type=t, count=n) for t, n in stats.by_disc_type.items()],
            completed_last_30_days=stats.completed_since,
            average_completion_minutes=None if minutes is None else float(minutes),
        )


ConsultantId = strawberry.ID | None


@strawberry.type
class StatsQueries:
    @field(permission_classes=[SignedIn])
    async def assessment_stats(
        self, info: Info, consultant_id: ConsultantId = None
    ) -> AssessmentStats:
        context = info.context
        viewer = context.require_viewer()
        owner = owner_filter(viewer)
        if consultant_id is not None:
            try:
                owner = expect_id(consultant_id, "User")
            except BadId:
                raise NotFoundError("user") from None
            if not may_see_user(viewer, owner):
                raise NotFoundError("user")
            if owner != viewer.id and await context.loaders.users.load(owner) is None:
                raise NotFoundError("user")
        async with context.db.reading() as db:
            stats = await statistics.assessment_stats(
                db, consultant_id=owner, since=context.clock.now() - RECENT
            )
        return AssessmentStats.of(stats)
