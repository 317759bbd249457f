"""The arguments of the assessment lists (`Query.assessments`, `User.assessments`): their
order and filters, checked and turned into a `persistence.listings.AssessmentFilter`.

A value that cannot be used is BAD_USER_INPUT naming the argument, like the other list
arguments (`server.graphql.pagination`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from domain.model import AssessmentStatus, Phase
from persistence.listings import AssessmentFilter, AssessmentSort
from server.graphql.errors import ApiError
from server.graphql.pagination import search_term
from server.graphql.types.common import described_enum

described_enum(
    AssessmentSort,
    name="AssessmentOrderField",
    description="What a list of assessments is sorted by. Ties are broken by the "
    "assessment's id, in the same direction, so every assessment has one place.",
    values={
        AssessmentSort.CREATED_AT: "When the assessment was created.",
        AssessmentSort.UPDATED_AT: "When the assessment last changed (saving an answer "
        "changes it).",
        AssessmentSort.COMPLETED_AT: "When the assessment was completed. Those not "
        "completed yet come last in either direction, among themselves by id.",
        AssessmentSort.CLIENT_NAME: "The client's name, case-insensitively: by the "
        "lower-cased name, character by character in Unicode code-point order.",
        AssessmentSort.BUSINESS_NAME: "The client's business name, case-insensitively, as "
        "CLIENT_NAME.",
    },
)


class OrderDirection(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


described_enum(
    OrderDirection,
    description="Which way a list is sorted.",
    values={
        OrderDirection.ASC: "Smallest first: earliest, or A to Z.",
        OrderDirection.DESC: "Largest first: latest, or Z to A.",
    },
)


@strawberry.input(description="An order of assessments: a field and a direction.")
class AssessmentOrder:
    field: AssessmentSort = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Which way; newest or Z first by default."
    )


NEWEST_FIRST = AssessmentOrder(field=AssessmentSort.CREATED_AT, direction=OrderDirection.DESC)

# The arguments both lists take, with their descriptions.
OrderBy = Annotated[
    AssessmentOrder | None,
    strawberry.argument(
        description="The order of the list, newest first by default (null means the "
        "default). A cursor belongs to the order it was read in: `after` with a cursor of "
        "another order is BAD_USER_INPUT."
    ),
]
CreatedAfter = Annotated[
    datetime | None,
    strawberry.argument(
        description="Only assessments created at this time or later (inclusive). A time "
        "with its offset, such as 2026-01-01T00:00:00Z."
    ),
]
CreatedBefore = Annotated[
    datetime | None,
    strawberry.argument(
        description="Only assessments created before this time (exclusive): with "
        "createdAfter, the half-open range [createdAfter, createdBefore). A time with its "
        "offset; not earlier than createdAfter."
    ),
]
PhaseArgument = Annotated[
    Phase | None,
    strawberry.argument(
        description="Only assessments whose result has this primary phase (so only completed ones)."
    ),
]
Archived = Annotated[
    bool | None,
    strawberry.argument(
        description="false (the default): only assessments that are not archived; true: "
        "only archived ones; null: both."
    ),
]
StatusArgument = Annotated[
    AssessmentStatus | None, strawberry.argument(description="Only assessments in this status.")
]
Search = Annotated[
    str | None,
    strawberry.argument(
        description="Only assessments whose client name, business name or client email "
        "contains this text, case-insensitively."
    ),
]


def _moment(value: datetime | None, argument: str) -> datetime | None:
    if value is not None and value.utcoffset() is None:
        raise ApiError(
            f"`{argument}` needs a time zone offset, such as 2026-01-01T00:00:00Z or +02:00"
        )
    return value


def assessment_filter(
    owner: UUID | None,
    *,
    status: AssessmentStatus | None,
    search: str | None,
    order_by: AssessmentOrder | None,
    created_after: datetime | None,
    created_before: datetime | None,
    phase: Phase | None,
    archived: bool | None,
) -> AssessmentFilter:
    """The list's filter for `owner`'s assessments (None: everyone's), from its arguments."""
    after = _moment(created_after, "createdAfter")
    before = _moment(created_before, "createdBefore")
    if after is not None and before is not None and after > before:
        raise ApiError("`createdAfter` must not be later than `createdBefore`")
    order = order_by or NEWEST_FIRST
    return AssessmentFilter(
        consultant_id=owner,
        status=status,
        search=search_term(search),
        created_after=after,
        created_before=before,
        phase=phase,
        archived=archived,
        sort=AssessmentSort(order.field),
        descending=OrderDirection(order.direction) is OrderDirection.DESC,
    )
