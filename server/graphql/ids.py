"""Opaque global ids (Relay): base64url of "<Type>:<uuid>", never a bare database key."""

from __future__ import annotations

import base64
from uuid import UUID

import strawberry

from domain.errors import NotFound


class BadId(ValueError):
    """Not an id this API handed out, or one of another type."""


def to_global_id(type_name: str, raw: UUID) -> strawberry.ID:
    encoded = base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("=")
    return strawberry.ID(encoded)


def from_global_id(value: str) -> tuple[str, UUID]:
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, raw = base64.urlsafe_b64decode(padded.encode()).decode().split(":", 1)
        return type_name, UUID(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadId(f"{value!r} is not a valid id") from exc


def expect_id(value: str, type_name: str) -> UUID:
    kind, raw = from_global_id(value)
    if kind != type_name:
        raise BadId(f"{value!r} is not the id of a {type_name}")
    return raw


def id_or_missing(value: str, type_name: str) -> UUID:
    """For mutations: a malformed id, or one of another type, answers like a missing object
    (the use case's own NotFound, turned into a NOT_FOUND user error)."""
    try:
        return expect_id(value, type_name)
    except BadId:
        raise NotFound(f"no such {type_name.lower()}") from None
