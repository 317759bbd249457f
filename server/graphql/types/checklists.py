"""Checklist items, the action plan generated at completion and worked through by the
consultant and the client, and the progress through it."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain.errors import DomainError
from domain.model import CompletedBy, Phase, Priority
from domain.results import ChecklistItem as DomainChecklistItem
from domain.results import ChecklistProgress as DomainChecklistProgress
from server.graphql.ids import to_global_id
from server.graphql.types.common import Node, UserError


@strawberry.type
class ChecklistItem(Node):
    id: strawberry.ID
    item_text: str
    item_order: int
    phase_category: Phase | None
    priority: Priority | None
    is_completed: bool
    completed_at: datetime | None
    due_date: date | None
    completed_by: CompletedBy | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: DomainChecklistItem) -> ChecklistItem:
        return cls(
            id=to_global_id("ChecklistItem", item.id),
            item_text=item.text,
            item_order=item.order,
            phase_category=item.phase,
            priority=item.priority,
            is_completed=item.is_completed,
            completed_at=item.completed_at,
            due_date=item.due_date,
            completed_by=item.completed_by,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


@strawberry.type
class ChecklistPhaseProgress:
    phase: Phase | None
    total: int
    completed: int


@strawberry.type
class ChecklistProgress:
    total: int
    completed: int
    percentage: float
    by_phase: list[ChecklistPhaseProgress]

    @classmethod
    def of(cls, progress: DomainChecklistProgress) -> ChecklistProgress:
        return cls(
            total=progress.total,
            completed=progress.completed,
            percentage=float(progress.percentage),
            by_phase=[
                ChecklistPhaseProgress(phase=p.phase, total=p.total, completed=p.completed)
                for p in progress.by_phase
            ],
        )


@strawberry.type
class ChecklistItemPayload:
    item: ChecklistItem | None
    user_errors: list[UserError]

    @classmethod
    def failed(cls, error: DomainError, *, id_field: str = "id") -> ChecklistItemPayload:
        return cls(item=None, user_errors=[UserError.of(error, id_field=id_field)])
