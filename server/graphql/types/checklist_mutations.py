"""The consultant's checklist: add, update, delete (soft), mark done or not, and reorder the
items of an assessment's checklist. Each translates its input, calls one use case
(`domain.services.checklists`), and turns expected failures into user errors: an item or
assessment the viewer may not reach is NOT_FOUND exactly like a missing one, an archived
assessment ARCHIVED, a bad field VALIDATION at its input."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import strawberry

from domain.checklists import EDITABLE
from domain.errors import DomainError
from domain.model import Phase, Priority
from domain.ordering import OrderMismatch
from domain.services import checklists as service
from server.graphql.context import Info
from server.graphql.fields import mutation
from server.graphql.ids import id_or_missing, order_ids, to_global_id
from server.graphql.permissions import SignedIn
from server.graphql.types.checklists import ChecklistItem, ChecklistItemPayload
from server.graphql.types.common import OkPayload, UserError

KIND = "ChecklistItem"
T = TypeVar("T")
E = TypeVar("E", Phase, Priority)


@strawberry.input
class AddChecklistItemInput:
    assessment_id: strawberry.ID
    item_text: str
    phase_category: Phase | None = strawberry.field(default=strawberry.UNSET)
    priority: Priority | None = strawberry.field(default=strawberry.UNSET)
    due_date: date | None = strawberry.field(default=strawberry.UNSET)


@strawberry.input
class UpdateChecklistItemInput:
    id: strawberry.ID
    item_text: str | None = strawberry.field(default=strawberry.UNSET)
    phase_category: Phase | None = strawberry.field(default=strawberry.UNSET)
    priority: Priority | None = strawberry.field(default=strawberry.UNSET)
    due_date: date | None = strawberry.field(default=strawberry.UNSET)


@strawberry.input
class SetChecklistItemCompletedInput:
    id: strawberry.ID
    completed: bool


@strawberry.input
class ReorderChecklistInput:
    assessment_id: strawberry.ID
    item_ids: list[strawberry.ID]


@strawberry.type
class ChecklistPayload:
    items: list[ChecklistItem]
    user_errors: list[UserError]


def _given(value: T | None) -> T | None:
    """None for a field the input left out (strawberry's UNSET), else its value."""
    return None if value is strawberry.UNSET else value


def _enum(kind: type[E], value: object) -> E | None:
    """An enum input's member (strawberry hands over its value), None for null or left out."""
    return None if value is None or value is strawberry.UNSET else kind(str(value))


@strawberry.type
class ChecklistMutations:
    @mutation(permission_classes=[SignedIn])
    async def add_checklist_item(
        self, info: Info, input: AddChecklistItemInput
    ) -> ChecklistItemPayload:
        context = info.context
        try:
            added = await service.add_item(
                uow=context.uow(),
                actor=context.require_viewer(),
                assessment_id=id_or_missing(input.assessment_id, "Assessment"),
                text=input.item_text,
                phase=_enum(Phase, input.phase_category),
                priority=_enum(Priority, input.priority),
                due_date=_given(input.due_date),
            )
        except DomainError as error:
            return ChecklistItemPayload.failed(error, id_field="assessmentId")
        return ChecklistItemPayload(item=ChecklistItem.of(added), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def update_checklist_item(
        self, info: Info, input: UpdateChecklistItemInput
    ) -> ChecklistItemPayload:
        context = info.context
        given = {
            "item_text": input.item_text,
            "phase_category": _enum(Phase, input.phase_category),
            "priority": _enum(Priority, input.priority),
            "due_date": input.due_date,
        }
        unset = {name for name in EDITABLE if getattr(input, name) is strawberry.UNSET}
        changes = {name: given[name] for name in EDITABLE if name not in unset}
        try:
            updated = await service.update_item(
                uow=context.uow(),
                actor=context.require_viewer(),
                item_id=id_or_missing(input.id, KIND),
                changes=changes,
            )
        except DomainError as error:
            return ChecklistItemPayload.failed(error)
        return ChecklistItemPayload(item=ChecklistItem.of(updated), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def delete_checklist_item(self, info: Info, id: strawberry.ID) -> OkPayload:
        """A soft delete."""
        context = info.context
        try:
            await service.delete_item(
                uow=context.uow(),
                clock=context.clock,
                actor=context.require_viewer(),
                item_id=id_or_missing(id, KIND),
            )
        except DomainError as error:
            return OkPayload(ok=False, user_errors=[UserError.of(error)])
        return OkPayload(ok=True, user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def set_checklist_item_completed(
        self, info: Info, input: SetChecklistItemCompletedInput
    ) -> ChecklistItemPayload:
        context = info.context
        try:
            marked = await service.set_completed(
                uow=context.uow(),
                clock=context.clock,
                actor=context.require_viewer(),
                item_id=id_or_missing(input.id, KIND),
                completed=input.completed,
            )
        except DomainError as error:
            return ChecklistItemPayload.failed(error)
        return ChecklistItemPayload(item=ChecklistItem.of(marked), user_errors=[])

    @mutation(permission_classes=[SignedIn])
    async def reorder_checklist(self, info: Info, input: ReorderChecklistInput) -> ChecklistPayload:
        context = info.context
        keys, given = order_ids(input.item_ids, KIND)
        try:
            items = await service.reorder_items(
                uow=context.uow(),
                actor=context.require_viewer(),
                assessment_id=id_or_missing(input.assessment_id, "Assessment"),
                ids=keys,
            )
        except OrderMismatch as error:
            message = error.describe(lambda key: given.get(key) or to_global_id(KIND, key))
            failure = UserError(field=["itemIds"], message=message, code="VALIDATION")
            return ChecklistPayload(items=[], user_errors=[failure])
        except DomainError as error:
            failed = UserError.of(error, id_field="assessmentId")
            return ChecklistPayload(items=[], user_errors=[failed])
        return ChecklistPayload(items=[ChecklistItem.of(i) for i in items], user_errors=[])
