"""The dashboard's figures: `assessmentStats`, counted in SQL (`persistence.statistics`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

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


@strawberry.type(description="How many assessments are in one status.")
class StatusCount:
    status: AssessmentStatus
    count: int


@strawberry.type(description="How many completed assessments have this primary phase.")
class PhaseCount:
    phase: Phase
    count: int


@strawberry.type(description="How many completed assessments found this communication style.")
class DiscTypeCount:
    type: DiscType
    count: int


@strawberry.type(
    description="A practice in figures, over its assessments that are not deleted (archived "
    "ones included). Every list holds every value, in the enum's order, with 0 where there "
    "are none."
)
class AssessmentStats:
    total: int = strawberry.field(description="Assessments, whatever their status.")
    by_status: list[StatusCount] = strawberry.field(description="Assessments by status.")
    by_primary_phase: list[PhaseCount] = strawberry.field(
        description="Completed assessments by the primary phase of their result."
    )
    by_disc_type: list[DiscTypeCount] = strawberry.field(
        description="Completed assessments by their primary communication style."
    )
    completed_last_30_days: int = strawberry.field(
        description="Assessments completed in the last 30 days (30 times 24 hours up to now)."
    )
    average_completion_minutes: float | None = strawberry.field(
        description="The average time from the first saved answer (startedAt) to "
        "completion (completedAt) over the completed assessments, in minutes, two "
        "decimals; null when none is completed."
    )

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


ConsultantId = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Whose assessments: a user's id. Administrators may name anyone, or "
        "leave it null for everyone's; others get their own, and NOT_FOUND for anyone "
        "else's id."
    ),
]


@strawberry.type
class StatsQueries:
    @field(
        permission_classes=[SignedIn],
        description="The viewer's own figures; for administrators, one user's (consultantId) "
        "or everyone's (null).",
    )
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
