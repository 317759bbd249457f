"""The arguments of the assessment lists (`Query.assessments`, `User.assessments`): their
order and filters, checked and turned into a `persistence.listings.AssessmentFilter`.

A value that cannot be used is BAD_USER_INPUT naming the argument, like the other list
arguments (`server.graphql.pagination`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from uuid import UUID

import strawberry

from domain.model import AssessmentStatus, Phase
from persistence.listings import AssessmentFilter, AssessmentSort
from server.graphql.errors import ApiError
from server.graphql.pagination import search_term

strawberry.enum(AssessmentSort, name="AssessmentOrderField")


class OrderDirection(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


strawberry.enum(OrderDirection)


@strawberry.input
class AssessmentOrder:
    field: AssessmentSort
    direction: OrderDirection = OrderDirection.DESC


NEWEST_FIRST = AssessmentOrder(field=AssessmentSort.CREATED_AT, direction=OrderDirection.DESC)

# The arguments both lists take (their descriptions are in server.graphql.descriptions).
OrderBy = AssessmentOrder | None
CreatedAfter = datetime | None
CreatedBefore = datetime | None
PhaseArgument = Phase | None
Archived = bool | None
StatusArgument = AssessmentStatus | None
Search = str | None


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
