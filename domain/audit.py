"""The audit row of a change a signed-in user made: who, what (the event type and category, in
words), and the values before and after, in the row's metadata with what it is about.

Metadata is stored as JSON: every value given is a JSON value (a date goes in as its ISO
text), and `old` or `new` is None for what did not exist before, or does not after."""

from __future__ import annotations

from domain.model import ActivityEvent, EventCategory, User


def change_event(
    actor: User,
    event_type: str,
    category: EventCategory,
    description: str,
    *,
    old: object,
    new: object,
    **about: object,
) -> ActivityEvent:
    return ActivityEvent(
        event_type=event_type,
        category=category,
        description=description,
        user_id=actor.id,
        metadata={**about, "old": old, "new": new},
    )
