"""The rules of a checklist item that both the consultant and the client follow.

An item's text is trimmed and holds 1-500 characters of text the service accepts
(`domain.text`); its phase, priority and due date are optional, and a due date is no earlier
than the day (UTC) the assessment was created. Each check returns the cleaned value or raises
a `ValidationError` naming the field. Changes are column values, as the checklist repository
writes them; `completion` is the one way an item is marked done or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.errors import ValidationError
from domain.model import CompletedBy, Phase, Priority
from domain.ordering import Listing
from domain.results import ChecklistItem
from domain.text import check_text

ITEM_TEXT_MAX = 500
# The fields an update may change, by their column names.
EDITABLE = ("item_text", "phase_category", "priority", "due_date")

# How a new order of an assessment's checklist must list its items.
CHECKLIST_ORDER = Listing(
    field="item_ids",
    whole="itemIds must list each live item of the assessment's checklist exactly once",
    outsider="not one of its items",
)


@dataclass(frozen=True, slots=True)
class NewItem:
    """An item a consultant adds, its fields checked (but for the due date, which needs the
    assessment: `check_due_date`)."""

    text: str
    phase: Phase | None = None
    priority: Priority | None = None
    due_date: date | None = None


def completion(completed: bool, by: CompletedBy, at: datetime) -> dict[str, object]:
    """The columns that mark an item done by `by` at `at`, or clear all three marks."""
    if not completed:
        return {"is_completed": False, "completed_at": None, "completed_by": None}
    return {"is_completed": True, "completed_at": at, "completed_by": by.value}


def check_item_text(value: str, field: str = "item_text") -> str:
    """The action's words: trimmed, 1-500 characters."""
    check_text(value, field=field)
    text = value.strip()
    if not text:
        raise ValidationError(field, "the item's text must not be blank")
    if len(text) > ITEM_TEXT_MAX:
        raise ValidationError(
            field, f"the item's text is at most {ITEM_TEXT_MAX} characters, not {len(text)}"
        )
    return text


def first_due_date(created_at: datetime) -> date:
    """The earliest due date an assessment's items may have: the day (UTC) it was created."""
    return created_at.astimezone(UTC).date()


def check_due_date(value: date | None, created_at: datetime, field: str = "due_date") -> None:
    """A due date (or none) no earlier than the day the assessment was created."""
    if value is None:
        return
    earliest = first_due_date(created_at)
    if value < earliest:
        raise ValidationError(
            field,
            f"the due date must be on or after {earliest.isoformat()}, the day the assessment "
            f"was created, not {value.isoformat()}",
        )


def new_item(
    *,
    text: str,
    phase: Phase | None = None,
    priority: Priority | None = None,
    due_date: date | None = None,
) -> NewItem:
    return NewItem(text=check_item_text(text), phase=phase, priority=priority, due_date=due_date)


def check_changes(changes: Mapping[str, object]) -> dict[str, object]:
    """The column values of an update: only the fields in `changes` change, and None clears
    the phase, the priority or the due date. The text cannot be cleared: None for it is a
    ValidationError, as is a bad one. The due date is checked against the assessment apart
    (`check_due_date`)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not fields of a checklist item: {sorted(unknown)}")
    cleaned: dict[str, object] = {}
    if "item_text" in changes:
        text = changes["item_text"]
        if not isinstance(text, str):
            raise ValidationError("item_text", "an item needs its text; it cannot be cleared")
        cleaned["item_text"] = check_item_text(text)
    for name in ("phase_category", "priority"):
        if name in changes:
            value = changes[name]
            cleaned[name] = value.value if isinstance(value, Phase | Priority) else None
    if "due_date" in changes:
        due = changes["due_date"]
        cleaned["due_date"] = due if isinstance(due, date) else None
    return cleaned


def columns(item: ChecklistItem) -> dict[str, object]:
    """The item's editable fields and place as column values, as `check_changes` gives them."""
    return {
        "item_text": item.text,
        "phase_category": item.phase.value if item.phase else None,
        "priority": item.priority.value if item.priority else None,
        "due_date": item.due_date,
        "item_order": item.order,
    }
