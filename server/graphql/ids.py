"""Opaque global ids (Relay): base64url, unpadded, of the type's name, a colon and the 16
bytes of the uuid; never a bare database key. (A page of a dashboard makes thousands of
them: the bytes are quicker to encode than the uuid's text, and the ids shorter.)"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Sequence
from uuid import UUID

import strawberry

from domain.errors import NotFound


class BadId(ValueError):
    """Not an id this API handed out, or one of another type."""


_PREFIXES: dict[str, bytes] = {}


def to_global_id(type_name: str, raw: UUID) -> strawberry.ID:
    prefix = _PREFIXES.get(type_name)
    if prefix is None:
        prefix = _PREFIXES[type_name] = f"{type_name}:".encode()
    return strawberry.ID(base64.urlsafe_b64encode(prefix + raw.bytes).decode().rstrip("="))


def from_global_id(value: str) -> tuple[str, UUID]:
    try:
        padded = value + "=" * (-len(value) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode("ascii"))
        type_name, separator, raw = decoded.partition(b":")
        if not separator or len(raw) != 16 or not type_name.isalpha():
            raise ValueError("not the shape of an id")
        return type_name.decode("ascii"), UUID(bytes=raw)
    except (ValueError, UnicodeError, binascii.Error) as exc:
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
        raise NotFound(f"no such {_words(type_name)}") from None


def _words(type_name: str) -> str:
    """A type's name as words: SchedulerLink is "scheduler link"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()


def order_ids(ids: Sequence[str], type_name: str) -> tuple[list[UUID], dict[UUID, str]]:
    """The ids of a new order as uuids, with the id each was given as. One that is not an id
    of `type_name` stands for no object at all (a uuid of its text, which nothing stored has),
    so that the order's check reports it as extra, by the id the client sent."""
    keys: list[UUID] = []
    given: dict[UUID, str] = {}
    for value in ids:
        try:
            key = expect_id(value, type_name)
        except BadId:
            key = uuid.uuid5(uuid.NAMESPACE_URL, f"not-a-{type_name}:{value}")
        keys.append(key)
        given.setdefault(key, value)
    return keys, given
