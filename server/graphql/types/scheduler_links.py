"""Booking links: the SchedulerLink type, `User.schedulerLinks`, and the mutations through
which a consultant manages their own links (create, update, delete, reorder).

A consultant reads and changes their own links; an administrator reads anyone's (through
`User.schedulerLinks` and `node(id:)`) but changes only their own. Another consultant's link,
a deleted one and an id that names nothing all answer NOT_FOUND alike.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import strawberry

from domain.access import may_see_user
from domain.errors import DomainError
from domain.model import Phase
from domain.ordering import OrderMismatch
from domain.scheduler_links import UNCHANGED, SchedulerLinkRecord
from domain.services import scheduler_links as service
from server.graphql.context import Context, Info
from server.graphql.errors import NotFoundError
from server.graphql.fields import mutation
from server.graphql.ids import id_or_missing, order_ids, to_global_id
from server.graphql.loaders import now_or_later
from server.graphql.permissions import SignedIn
from server.graphql.types.common import Node, OkPayload, UserError

if TYPE_CHECKING:
    from server.graphql.types.users import User

KIND = "SchedulerLink"
T = TypeVar("T")


@strawberry.type
class SchedulerLink(Node):
    id: strawberry.ID
    meeting_type_label: str
    scheduler_url: str
    duration_minutes: int | None
    recommended_for_phases: list[Phase]
    is_active: bool
    display_order: int

    @classmethod
    def of(cls, record: SchedulerLinkRecord) -> SchedulerLink:
        link = record.link
        return cls(
            id=to_global_id(KIND, record.id),
            meeting_type_label=link.label,
            scheduler_url=link.url,
            duration_minutes=link.duration_minutes,
            recommended_for_phases=list(link.recommended_for_phases),
            is_active=link.is_active,
            display_order=record.display_order,
        )


def links_of_user(
    root: User,
    info: Info,
    include_inactive: bool | None = False,
) -> list[SchedulerLink] | Awaitable[list[SchedulerLink]]:
    """`User.schedulerLinks`: one statement for every user of the operation (a data loader)."""
    viewer = info.context.viewer
    if viewer is None or not may_see_user(viewer, root.raw_id):
        raise NotFoundError("user")

    def shown(records: list[SchedulerLinkRecord]) -> list[SchedulerLink]:
        return [SchedulerLink.of(r) for r in records if include_inactive or r.link.is_active]

    return now_or_later(info.context.loaders.scheduler_links, root.raw_id, shown)


scheduler_links_field = strawberry.field(
    resolver=links_of_user,
    graphql_type=list[SchedulerLink],
)


async def reachable_link(context: Context, key: UUID) -> SchedulerLink | None:
    """For node(id:): a live link of the viewer's (anyone's, for administrators), else None."""
    record = await context.loaders.one_scheduler_link.load(key)
    viewer = context.require_viewer()
    visible = record is not None and may_see_user(viewer, record.consultant_id)
    return SchedulerLink.of(record) if record is not None and visible else None


@strawberry.input
class CreateSchedulerLinkInput:
    meeting_type_label: str
    scheduler_url: str
    duration_minutes: int | None = strawberry.field(default=strawberry.UNSET)
    recommended_for_phases: list[Phase] = strawberry.field(default_factory=list)
    is_active: bool = True


@strawberry.input
class UpdateSchedulerLinkInput:
    id: strawberry.ID
    meeting_type_label: str | None = strawberry.field(default=strawberry.UNSET)
    scheduler_url: str | None = strawberry.field(default=strawberry.UNSET)
    duration_minutes: int | None = strawberry.field(default=strawberry.UNSET)
    recommended_for_phases: list[Phase] | None = strawberry.field(default=strawberry.UNSET)
    is_active: bool | None = strawberry.field(default=strawberry.UNSET)


@strawberry.type
class SchedulerLinkPayload:
    link: SchedulerLink | None
    user_errors: list[UserError]

    @classmethod
    def failed(cls, error: DomainError) -> SchedulerLinkPayload:
        return cls(link=None, user_errors=[UserError.of(error)])


def _given(value: T | None) -> T | None:
    """None for a field the input left out (strawberry's UNSET), else its value."""
    return None if value is strawberry.UNSET else value


@strawberry.type
class SchedulerLinkMutations:
    @mutation(
        permission_classes=[SignedIn],
    )
    async def create_scheduler_link(
        self, info: Info, input: CreateSchedulerLinkInput
    ) -> SchedulerLinkPayload:
        context = info.context
        duration = input.duration_minutes
        try:
            created = await service.create_link(
                uow=context.uow(),
                actor=context.require_viewer(),
                label=input.meeting_type_label,
                url=input.scheduler_url,
                duration_minutes=None if duration is strawberry.UNSET else duration,
                recommended_for_phases=[Phase(p) for p in input.recommended_for_phases],
                is_active=input.is_active,
            )
        except DomainError as error:
            return SchedulerLinkPayload.failed(error)
        return SchedulerLinkPayload(link=SchedulerLink.of(created), user_errors=[])

    @mutation(
        permission_classes=[SignedIn],
    )
    async def update_scheduler_link(
        self, info: Info, input: UpdateSchedulerLinkInput
    ) -> SchedulerLinkPayload:
        context = info.context
        phases = _given(input.recommended_for_phases)
        duration = input.duration_minutes
        try:
            updated = await service.update_link(
                uow=context.uow(),
                actor=context.require_viewer(),
                link_id=id_or_missing(input.id, KIND),
                label=_given(input.meeting_type_label),
                url=_given(input.scheduler_url),
                duration_minutes=UNCHANGED if duration is strawberry.UNSET else duration,
                recommended_for_phases=None if phases is None else [Phase(p) for p in phases],
                is_active=_given(input.is_active),
            )
        except DomainError as error:
            return SchedulerLinkPayload.failed(error)
        return SchedulerLinkPayload(link=SchedulerLink.of(updated), user_errors=[])

    @mutation(
        permission_classes=[SignedIn],
    )
    async def delete_scheduler_link(self, info: Info, id: strawberry.ID) -> OkPayload:
        context = info.context
        try:
            await service.delete_link(
                uow=context.uow(),
                clock=context.clock,
                actor=context.require_viewer(),
                link_id=id_or_missing(id, KIND),
            )
        except DomainError as error:
            return OkPayload(ok=False, user_errors=[UserError.of(error)])
        return OkPayload(ok=True, user_errors=[])

    @mutation(
        permission_classes=[SignedIn],
    )
    async def reorder_scheduler_links(self, info: Info, ids: list[strawberry.ID]) -> OkPayload:
        context = info.context
        keys, given = order_ids(ids, KIND)
        try:
            await service.reorder_links(uow=context.uow(), actor=context.require_viewer(), ids=keys)
        except OrderMismatch as error:
            message = error.describe(lambda key: given.get(key) or to_global_id(KIND, key))
            failure = UserError(field=["ids"], message=message, code="VALIDATION")
            return OkPayload(ok=False, user_errors=[failure])
        except DomainError as error:
            return OkPayload(ok=False, user_errors=[UserError.of(error)])
        return OkPayload(ok=True, user_errors=[])
