"""Checklist items: the action plan generated at completion."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain.model import Phase, Priority
from domain.results import ChecklistItem as DomainChecklistItem
from server.graphql.ids import to_global_id
from server.graphql.types.common import Node


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
        )
