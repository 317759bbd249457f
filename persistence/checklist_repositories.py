"""The checklist repository: Core statements on the unit of work's connection, rows mapped
straight to domain checklist items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from uuid import UUID

import orjson
from sqlalchemy import Date, String, Update, Uuid, bindparam, func, insert, select, update

from domain.checklists import NewItem
from domain.model import CompletedBy, Phase, Priority
from domain.recommendations import ChecklistDraft, ChecklistEntry
from domain.results import ChecklistItem
from persistence.connections import Connection
from persistence.models import ChecklistItemRow
from persistence.statements import (
    Row,
    arguments,
    execute_later,
    fetch,
    first,
    one,
    parameters,
)

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
        """Every item in one INSERT, after the assessment's live items (those a consultant
        added before completion), in the order of their `order`: numbered on from the last
        live item. The items travel as one JSON array: a completion writes well over a
        hundred, and psycopg adapts a JSON string far faster than five arrays. It goes with
        the transaction's next statement (nothing reads it back)."""
        if not items:
            return
        rows = [
            {
                "item_text": item.text,
                "item_order": item.order,
                "phase_category": item.phase,
                "priority": item.priority,
                "source_key": item.source_key,
                "due_date": item.due_date,
            }
            for item in items
        ]
        # orjson writes an enum as its value and a date as ISO 8601, as the columns take them.
        params = {
            "assessment_id": assessment_id,
            "created_by": by,
            "items": orjson.dumps(rows).decode(),
        }
        await execute_later(self._connection, _ADD_ITEMS, params)

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

    async def append(self, assessment_id: UUID, item: NewItem, by: UUID) -> ChecklistItem:
        """One item, placed after the assessment's live items (their last place + 1)."""
        params = {
            "assessment_id": assessment_id,
            "created_by": by,
            "item_text": item.text,
            "phase_category": item.phase.value if item.phase else None,
            "priority": item.priority.value if item.priority else None,
            "due_date": item.due_date,
        }
        return checklist_item(await one(self._connection, _APPEND, params))

    async def live(self, assessment_id: UUID) -> list[ChecklistItem]:
        """The assessment's live items, in their order."""
        rows = await fetch(self._connection, _LIVE_ITEMS, {"assessment_id": assessment_id})
        return [checklist_item(row) for row in rows]

    async def reorder(self, assessment_id: UUID, ids: Sequence[UUID]) -> list[ChecklistItem]:
        """Numbers the assessment's live items 1, 2, 3... in the order of `ids`, in one
        UPDATE; returns them in their new order."""
        params = {"assessment_id": assessment_id, "ids": list(ids)}
        rows = await fetch(self._connection, _REORDER, params)
        return sorted((checklist_item(row) for row in rows), key=lambda item: item.order)

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
                             priority, source_key, due_date)
SELECT %(assessment_id)s::uuid, %(created_by)s::uuid, item.item_text,
       placed.last + row_number() OVER (ORDER BY item.item_order), item.phase_category,
       item.priority, item.source_key, item.due_date
FROM json_to_recordset(%(items)s::json)
     AS item(item_text text, item_order integer, phase_category text, priority text,
             source_key text, due_date date),
     (SELECT coalesce(max(item_order), 0) AS last FROM checklist_items
      WHERE assessment_id = %(assessment_id)s::uuid AND deleted_at IS NULL) AS placed
"""

_OF_ASSESSMENT = (ChecklistItemRow.assessment_id == bindparam("assessment_id", type_=Uuid)) & (
    ChecklistItemRow.deleted_at.is_(None)
)
_APPEND = (
    insert(ChecklistItemRow)
    .from_select(
        ["assessment_id", "created_by", "item_text", "phase_category", "priority", "due_date",
         "item_order"],
        select(
            bindparam("assessment_id", type_=Uuid),
            bindparam("created_by", type_=Uuid),
            bindparam("item_text", type_=String),
            bindparam("phase_category", type_=String),
            bindparam("priority", type_=String),
            bindparam("due_date", type_=Date),
            func.coalesce(func.max(ChecklistItemRow.item_order), 0) + 1,
        ).where(_OF_ASSESSMENT),
    )
    .returning(*CHECKLIST_COLUMNS)
)  # fmt: skip

_LIVE_ITEMS = (
    select(*CHECKLIST_COLUMNS)
    .where(_OF_ASSESSMENT)
    .order_by(ChecklistItemRow.item_order, ChecklistItemRow.id)
)
_REORDER = f"""
UPDATE checklist_items AS c SET item_order = o.position, updated_at = now()
FROM unnest(%(ids)s::uuid[]) WITH ORDINALITY AS o(id, position)
WHERE c.id = o.id AND c.assessment_id = %(assessment_id)s AND c.deleted_at IS NULL
RETURNING {", ".join(f"c.{column.name}" for column in CHECKLIST_COLUMNS)}
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
