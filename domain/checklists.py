"""The rules of a checklist item that both the consultant and the client follow."""

from __future__ import annotations

from datetime import datetime

from domain.model import CompletedBy


def completion(completed: bool, by: CompletedBy, at: datetime) -> dict[str, object]:
    """The columns that mark an item done by `by` at `at`, or clear all three marks."""
    if not completed:
        return {"is_completed": False, "completed_at": None, "completed_by": None}
    return {"is_completed": True, "completed_at": at, "completed_by": by.value}
