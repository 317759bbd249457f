"""Checklist use cases of the consultant: add, update, delete (soft), mark done or not, and
reorder the items of an assessment's checklist.

Each reaches the item's assessment through `changeable`: another consultant's assessment or
item is `NotFound`, exactly like a missing or deleted one, and an archived assessment refuses
every change (`Archived`). Holding the assessment's row for the transaction makes the changes
to one checklist take turns. Each change records its activity row (category assessment,
`checklist.<verb>`) with the old and the new values in the same transaction; a call that
changes nothing records nothing.

Items may be added at any time, before completion too: the plan generated at completion goes
after them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from uuid import UUID

from domain.assessments import Assessment
from domain.audit import change_event
from domain.checklists import (
    CHECKLIST_ORDER,
    check_changes,
    check_due_date,
    columns,
    completion,
    new_item,
)
from domain.errors import NotFound
from domain.model import ActivityEvent, CompletedBy, EventCategory, Phase, Priority, User
from domain.ordering import check_order
from domain.ports import Clock, UnitOfWork
from domain.results import ChecklistItem
from domain.services.assessments import changeable


def _event(
    actor: User, verb: str, item: ChecklistItem, description: str, *, old: object, new: object
) -> ActivityEvent:
    return change_event(
        actor,
        f"checklist.{verb}",
        EventCategory.ASSESSMENT,
        description,
        old=old,
        new=new,
        assessment_id=str(item.assessment_id),
        item_id=str(item.id),
    )


def _json(values: Mapping[str, object]) -> dict[str, object]:
    """Column values as the audit row's metadata holds them: dates and times as ISO text."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
    }


def _marks(item: ChecklistItem) -> dict[str, object]:
    return _json(
        {
            "is_completed": item.is_completed,
            "completed_at": item.completed_at,
            "completed_by": item.completed_by.value if item.completed_by else None,
        }
    )


async def _changeable_item(
    uow: UnitOfWork, actor: User, item_id: UUID
) -> tuple[Assessment, ChecklistItem]:
    """The live item, held, with its assessment, held, if the actor may change them."""
    found = await uow.checklists.get(item_id)
    if found is None:
        raise NotFound("no such checklist item")
    try:
        assessment = await changeable(uow, actor, found.assessment_id)
    except NotFound:
        raise NotFound("no such checklist item") from None
    # Read again under the assessment's lock: what was read before it may have changed.
    item = await uow.checklists.get(item_id, lock=True)
    if item is None:
        raise NotFound("no such checklist item")
    return assessment, item


async def add_item(
    *,
    uow: UnitOfWork,
    actor: User,
    assessment_id: UUID,
    text: str,
    phase: Phase | None = None,
    priority: Priority | None = None,
    due_date: date | None = None,
) -> ChecklistItem:
    """A new item at the end of the assessment's checklist, made by the actor."""
    item = new_item(text=text, phase=phase, priority=priority, due_date=due_date)
    async with uow:
        assessment = await changeable(uow, actor, assessment_id)
        check_due_date(item.due_date, assessment.created_at)
        added = await uow.checklists.append(assessment_id, item, actor.id)
        await uow.activity.record(
            _event(
                actor, "added", added, "checklist item added", old=None, new=_json(columns(added))
            )
        )
        await uow.commit()
    return added


async def update_item(
    *, uow: UnitOfWork, actor: User, item_id: UUID, changes: Mapping[str, object]
) -> ChecklistItem:
    """Sets the fields in `changes` (item_text, phase_category, priority, due_date), each
    checked first; None clears the phase, the priority or the due date, and a field not in
    `changes` stays as it is."""
    cleaned = check_changes(changes)
    async with uow:
        assessment, current = await _changeable_item(uow, actor, item_id)
        if "due_date" in cleaned:
            due = cleaned["due_date"]
            check_due_date(due if isinstance(due, date) else None, assessment.created_at)
        old = columns(current)
        changed = {name: value for name, value in cleaned.items() if old[name] != value}
        if not changed:
            return current
        updated = await uow.checklists.update(item_id, changed)
        await uow.activity.record(
            _event(
                actor,
                "updated",
                updated,
                f"checklist item changed: {', '.join(sorted(changed))}",
                old=_json({name: old[name] for name in changed}),
                new=_json(changed),
            )
        )
        await uow.commit()
    return updated


async def delete_item(*, uow: UnitOfWork, clock: Clock, actor: User, item_id: UUID) -> None:
    """A soft delete: the row stays (deleted_at), and the item is never shown or counted
    again; the others keep their places."""
    async with uow:
        _, current = await _changeable_item(uow, actor, item_id)
        await uow.checklists.update(item_id, {"deleted_at": clock.now()})
        await uow.activity.record(
            _event(
                actor,
                "deleted",
                current,
                "checklist item deleted",
                old=_json(columns(current)) | _marks(current),
                new=None,
            )
        )
        await uow.commit()


async def set_completed(
    *, uow: UnitOfWork, clock: Clock, actor: User, item_id: UUID, completed: bool
) -> ChecklistItem:
    """Marks the item done by the consultant now, or not done (clearing who and when). An
    item already so stays as it is: done keeps who marked it and when."""
    async with uow:
        _, current = await _changeable_item(uow, actor, item_id)
        if current.is_completed == completed:
            return current
        updated = await uow.checklists.update(
            item_id, completion(completed, CompletedBy.CONSULTANT, clock.now())
        )
        await uow.activity.record(
            _event(
                actor,
                "completed" if completed else "reopened",
                updated,
                "checklist item marked done" if completed else "checklist item marked not done",
                old=_marks(current),
                new=_marks(updated),
            )
        )
        await uow.commit()
    return updated


async def reorder_items(
    *, uow: UnitOfWork, actor: User, assessment_id: UUID, ids: Sequence[UUID]
) -> list[ChecklistItem]:
    """Puts the assessment's live items in the order of `ids`, which must list each of them
    exactly once: `OrderMismatch` says what is missing, extra or repeated otherwise."""
    async with uow:
        await changeable(uow, actor, assessment_id)
        live = await uow.checklists.live(assessment_id)
        before = [item.id for item in live]
        check_order(before, ids, CHECKLIST_ORDER)
        if list(ids) == before:
            return live
        items = await uow.checklists.reorder(assessment_id, ids)
        await uow.activity.record(
            change_event(
                actor,
                "checklist.reordered",
                EventCategory.ASSESSMENT,
                "checklist reordered",
                old=[str(item_id) for item_id in before],
                new=[str(item_id) for item_id in ids],
                assessment_id=str(assessment_id),
            )
        )
        await uow.commit()
    return items
