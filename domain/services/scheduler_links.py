"""Booking-link use cases: create, update, delete (soft) and reorder a consultant's links.

Each acts on the actor's own links only (`domain.access.links_owner`): another consultant's
link, a deleted one and one that never existed are all `NotFound`, alike. Each
holds the consultant's links (`lock_owner`) for its transaction, so that two changes at once
cannot both pass the limit of active links or interleave an order, and records its activity
row, with the old and the new values, in the same transaction. A call that changes nothing
records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.access import links_owner
from domain.errors import NotFound
from domain.model import ActivityEvent, EventCategory, Phase, User
from domain.ordering import check_order
from domain.ports import Clock, UnitOfWork
from domain.scheduler_links import (
    LINK_ORDER,
    MAX_ACTIVE_LINKS,
    UNCHANGED,
    SchedulerLink,
    SchedulerLinkRecord,
    TooManyActiveLinks,
    Unchanged,
    check_changes,
    new_link,
)


def _event(actor: User, kind: str, description: str, **metadata: object) -> ActivityEvent:
    # The links exist for the client report: their trail is the reports' category.
    return ActivityEvent(
        event_type=f"scheduler_link.{kind}",
        category=EventCategory.REPORT,
        description=description,
        user_id=actor.id,
        metadata=metadata,
    )


def _values(link: SchedulerLink) -> dict[str, object]:
    """A link's fields as the audit trail records them (by their column names)."""
    return {
        "meeting_type_label": link.label,
        "scheduler_url": link.url,
        "duration_minutes": link.duration_minutes,
        "recommended_for_phases": [p.value for p in link.recommended_for_phases],
        "is_active": link.is_active,
    }


def _actives(live: Sequence[SchedulerLinkRecord]) -> int:
    return sum(1 for record in live if record.link.is_active)


async def _owned_links(uow: UnitOfWork, actor: User) -> list[SchedulerLinkRecord]:
    """The links the actor may change, held until the transaction ends."""
    owner = links_owner(actor)
    await uow.scheduler_links.lock_owner(owner)
    return await uow.scheduler_links.live(owner)


def _own(live: Sequence[SchedulerLinkRecord], link_id: UUID) -> SchedulerLinkRecord:
    found = next((record for record in live if record.id == link_id), None)
    if found is None:
        raise NotFound("no such scheduler link")
    return found


async def create_link(
    *,
    uow: UnitOfWork,
    actor: User,
    label: str,
    url: str,
    duration_minutes: int | None = None,
    recommended_for_phases: Sequence[Phase] = (),
    is_active: bool = True,
) -> SchedulerLinkRecord:
    """A new link of the actor's, placed after their others."""
    link = new_link(
        label=label,
        url=url,
        duration_minutes=duration_minutes,
        recommended_for_phases=recommended_for_phases,
        is_active=is_active,
    )
    async with uow:
        live = await _owned_links(uow, actor)
        if link.is_active and _actives(live) >= MAX_ACTIVE_LINKS:
            raise TooManyActiveLinks
        last = max((record.display_order for record in live), default=0)
        record = await uow.scheduler_links.add(links_owner(actor), link, last + 1)
        await uow.activity.record(
            _event(
                actor,
                "created",
                f"booking link {link.label} created",
                link_id=str(record.id),
                old=None,
                new=_values(link) | {"display_order": record.display_order},
            )
        )
        await uow.commit()
    return record


async def update_link(
    *,
    uow: UnitOfWork,
    actor: User,
    link_id: UUID,
    label: str | None = None,
    url: str | None = None,
    duration_minutes: int | Unchanged | None = UNCHANGED,
    recommended_for_phases: Sequence[Phase] | None = None,
    is_active: bool | None = None,
) -> SchedulerLinkRecord:
    """Sets the fields given (None leaves a field as it is; a duration of None clears it),
    each checked first. Re-activating a link counts against the limit of active links."""
    changes = check_changes(
        label=label,
        url=url,
        duration_minutes=duration_minutes,
        recommended_for_phases=recommended_for_phases,
        is_active=is_active,
    )
    async with uow:
        live = await _owned_links(uow, actor)
        current = _own(live, link_id)
        link = changes.applied_to(current.link)
        if link == current.link:
            return current
        if link.is_active and not current.link.is_active and _actives(live) >= MAX_ACTIVE_LINKS:
            raise TooManyActiveLinks
        record = await uow.scheduler_links.update(link_id, link)
        old, new = _values(current.link), _values(link)
        changed = [name for name in new if old[name] != new[name]]
        await uow.activity.record(
            _event(
                actor,
                "updated",
                f"booking link {link.label} updated",
                link_id=str(link_id),
                old={name: old[name] for name in changed},
                new={name: new[name] for name in changed},
            )
        )
        await uow.commit()
    return record


async def delete_link(*, uow: UnitOfWork, clock: Clock, actor: User, link_id: UUID) -> None:
    """A soft delete: the row stays (deleted_at), and the link is never shown again."""
    async with uow:
        current = _own(await _owned_links(uow, actor), link_id)
        await uow.scheduler_links.delete(link_id, at=clock.now())
        await uow.activity.record(
            _event(
                actor,
                "deleted",
                f"booking link {current.link.label} deleted",
                link_id=str(link_id),
                old=_values(current.link) | {"display_order": current.display_order},
                new=None,
            )
        )
        await uow.commit()


async def reorder_links(*, uow: UnitOfWork, actor: User, ids: Sequence[UUID]) -> None:
    """Puts the actor's links in the order of `ids`, which must list every live link of
    theirs (active or not) exactly once: `OrderMismatch` says what is missing, extra or
    repeated otherwise."""
    async with uow:
        live = await _owned_links(uow, actor)
        before = [record.id for record in live]
        check_order(before, ids, LINK_ORDER)
        if list(ids) == before:
            return
        await uow.scheduler_links.reorder(ids)
        await uow.activity.record(
            _event(
                actor,
                "reordered",
                "booking links reordered",
                old=[str(link_id) for link_id in before],
                new=[str(link_id) for link_id in ids],
            )
        )
        await uow.commit()
