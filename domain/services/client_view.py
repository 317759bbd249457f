"""The client's own view, through the link of their shared client report: what they may
read (their business, the consultant's branding, their primary phase, the checklist and its
progress, the booking links, the report) and the one thing they may do, tick an item of the
checklist off or back on.

The share token is the key, and nothing else: no account, no sign-in. A token that opens
nothing (unknown, revoked, expired, or of a deleted assessment) and an item that is not one
of the token's assessment's live items look exactly alike, so that a token or an item id
gives away nothing about anyone else's.

Each call that opens something is in the audit log with the client's address and user
agent; the row names no user (the client has none; the assessment's id in the metadata says
whose it is) and never holds the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.assessments import Assessment
from domain.checklists import completion
from domain.errors import Archived, NotFound
from domain.model import ActivityEvent, CompletedBy, EventCategory
from domain.ports import Clock, UnitOfWork
from domain.results import ChecklistItem, ReportRecord
from domain.services.auth import Origin, request_origin
from domain.services.reports import shared_assessment

NO_SUCH_ITEM = "no such checklist item"


@dataclass(frozen=True, slots=True)
class OpenedView:
    """What a token opened: the shared client report and its assessment."""

    report: ReportRecord
    assessment: Assessment


def _event(
    kind: str,
    category: EventCategory,
    description: str,
    origin: Origin,
    metadata: dict[str, object],
) -> ActivityEvent:
    return ActivityEvent(
        event_type=kind,
        category=category,
        description=description,
        user_id=None,
        metadata=metadata,
        ip_address=origin.ip,
        user_agent=origin.user_agent,
    )


async def open_client_view(
    *,
    uow: UnitOfWork,
    clock: Clock,
    token: str,
    ip: str | None = None,
    user_agent: str | None = None,
) -> OpenedView | None:
    """The assessment behind a share token, with an audit row for the opening; None when
    the token opens nothing (and then nothing is recorded). The PDF's view count is left
    alone: it counts the report's openings."""
    origin = request_origin(ip, user_agent)
    async with uow:
        found = await shared_assessment(uow, token, at=clock.now(), count_view=False)
        if found is None:
            return None
        report, assessment = found
        metadata: dict[str, object] = {
            "assessment_id": str(assessment.id),
            "report_id": str(report.id),
        }
        await uow.activity.record(
            _event(
                "client_view.opened",
                EventCategory.REPORT,
                "client view opened",
                origin,
                metadata,
            )
        )
        await uow.commit()
    return OpenedView(report, assessment)


def _marks(item: ChecklistItem) -> dict[str, object]:
    by = item.completed_by.value if item.completed_by else None
    return {"is_completed": item.is_completed, "completed_by": by}


async def complete_item_as_client(
    *,
    uow: UnitOfWork,
    clock: Clock,
    token: str,
    item_id: UUID,
    completed: bool,
    ip: str | None = None,
    user_agent: str | None = None,
) -> ChecklistItem:
    """Ticks the item off as done by the client (`completed`), or back on as not done. An
    item already so stays as it is (one the consultant ticked stays theirs). NotFound for a
    token that opens nothing and for an item that is not a live item of its assessment,
    alike; Archived for an archived assessment. Every call that gets that far is recorded,
    with the item's marks before and after."""
    origin = request_origin(ip, user_agent)
    async with uow:
        now = clock.now()
        found = await shared_assessment(uow, token, at=now, count_view=False, lock=True)
        item = await uow.checklists.get(item_id, lock=True) if found else None
        if found is None or item is None or item.assessment_id != found[1].id:
            raise NotFound(NO_SUCH_ITEM)
        report, assessment = found
        if assessment.archived:
            raise Archived
        old = _marks(item)
        if item.is_completed != completed:
            item = await uow.checklists.update(
                item.id, completion(completed, CompletedBy.CLIENT, now)
            )
        kind = "completed" if completed else "uncompleted"
        metadata: dict[str, object] = {
            "assessment_id": str(assessment.id),
            "item_id": str(item.id),
            "report_id": str(report.id),
            "old": old,
            "new": _marks(item),
        }
        await uow.activity.record(
            _event(
                f"checklist.{kind}_by_client",
                EventCategory.ASSESSMENT,
                f"checklist item {'ticked off' if completed else 'unticked'} by the client",
                origin,
                metadata,
            )
        )
        await uow.commit()
    return item
