"""The checklist repository: Core statements on the unit of work's connection, rows mapped
straight to domain checklist items."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from uuid import UUID

from sqlalchemy import Update, bindparam, func, select, update

from domain.model import CompletedBy, Phase, Priority
from domain.recommendations import ChecklistDraft, ChecklistEntry
from domain.results import ChecklistItem
from persistence.connections import Connection
from persistence.models import ChecklistItemRow
from persistence.statements import Row, arguments, execute, fetch, first, one, parameters

CHECKLIST_COLUMNS = (
    ChecklistItemRow.id,
    ChecklistItemRow.assessment_id,
    ChecklistItemRow.item_text,
    ChecklistItemRow.item_order,
    ChecklistItemRow.phase_category,
    ChecklistItemRow.priority,
    ChecklistItemRow.is_completed,
    ChecklistItemRow.completed_at,
    ChecklistItemRow.completed_by,
    ChecklistItemRow.due_date,
    ChecklistItemRow.created_at,
    ChecklistItemRow.updated_at,
)


def checklist_item(row: Row) -> ChecklistItem:
    return ChecklistItem(
        id=row.id,
        assessment_id=row.assessment_id,
        text=row.item_text,
        order=row.item_order,
        phase=Phase(row.phase_category) if row.phase_category else None,
        priority=Priority(row.priority) if row.priority else None,
        is_completed=row.is_completed,
        completed_at=row.completed_at,
        completed_by=CompletedBy(row.completed_by) if row.completed_by else None,
        due_date=row.due_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlChecklistRepository:
    """An assessment's checklist items: the generated plan written at completion (and what
    a re-score adds), and each item read (live ones only) and changed on its own."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, assessment_id: UUID, items: Sequence[ChecklistDraft], by: UUID) -> None:
        """Every item in one INSERT. The items travel as one JSON array: a completion writes
        well over a hundred, and psycopg adapts a JSON string far faster than four arrays."""
        if not items:
            return
        rows = [
            {
                "item_text": item.text,
                "item_order": item.order,
                "phase_category": item.phase.value,
                "priority": item.priority.value,
                "source_key": item.source_key,
            }
            for item in items
        ]
        params = {"assessment_id": assessment_id, "created_by": by, "items": json.dumps(rows)}
        await execute(self._connection, _ADD_ITEMS, params)

    async def entries(self, assessment_id: UUID) -> list[ChecklistEntry]:
        """Every item of the assessment, deleted ones too, as a re-score matches them."""
        rows = await fetch(self._connection, _ENTRIES, {"assessment_id": assessment_id})
        return [
            ChecklistEntry(
                source_key=row.source_key,
                text=row.item_text,
                phase=Phase(row.phase_category) if row.phase_category else None,
                order=row.item_order,
                deleted=row.deleted_at is not None,
            )
            for row in rows
        ]

    async def get(self, item_id: UUID, *, lock: bool = False) -> ChecklistItem | None:
        """The live item, or None when it is missing or deleted."""
        row = await first(self._connection, _GET[lock], {"item_id": item_id})
        return checklist_item(row) if row else None

    async def update(self, item_id: UUID, changes: Mapping[str, object]) -> ChecklistItem:
        """Sets the named columns (and updated_at) of the item and returns it as it now is."""
        params = arguments(changes) | {"item_id": item_id}
        return checklist_item(await one(self._connection, _update(frozenset(changes)), params))


_ADD_ITEMS = """
INSERT INTO checklist_items (assessment_id, created_by, item_text, item_order, phase_category,
                             priority, source_key)
SELECT %(assessment_id)s::uuid, %(created_by)s::uuid, item.*
FROM jsonb_to_recordset(%(items)s::jsonb)
     AS item(item_text text, item_order integer, phase_category text, priority text,
             source_key text)
"""
_ENTRIES = select(
    ChecklistItemRow.source_key,
    ChecklistItemRow.item_text,
    ChecklistItemRow.phase_category,
    ChecklistItemRow.item_order,
    ChecklistItemRow.deleted_at,
).where(ChecklistItemRow.assessment_id == bindparam("assessment_id"))


_LIVE = select(*CHECKLIST_COLUMNS).where(
    ChecklistItemRow.id == bindparam("item_id"), ChecklistItemRow.deleted_at.is_(None)
)
_GET = {False: _LIVE, True: _LIVE.with_for_update()}


@cache
def _update(columns: frozenset[str]) -> Update:
    """The UPDATE of these columns (and updated_at), built once for each set of them."""
    return (
        update(ChecklistItemRow)
        .where(ChecklistItemRow.id == bindparam("item_id"))
        .values({**parameters(*sorted(columns)), "updated_at": func.now()})
        .returning(*CHECKLIST_COLUMNS)
    )
