"""Sealing values at rest: AES-256-GCM with the key id in every value, bound to its place."""

from __future__ import annotations

import base64
from uuid import uuid4

import pytest

from persistence.sealing import Keyring, UnreadableValue, key_id_of, new_key_entry, place

OLD, NEW = new_key_entry("old"), new_key_entry("new")
HERE = b"responses.answer_value/here"


def test_a_sealed_value_names_its_key_and_opens_to_the_text() -> None:
    keys = Keyring.parse(NEW)
    sealed = keys.seal("We reconcile monthly, «mostly» ✓", HERE)
    assert key_id_of(sealed) == "new"
    assert "reconcile" not in sealed
    assert keys.open(sealed, HERE) == "We reconcile monthly, «mostly» ✓"
    assert keys.is_current(sealed)


def test_the_same_text_seals_differently_each_time() -> None:
    keys = Keyring.parse(NEW)
    assert keys.seal("yes", HERE) != keys.seal("yes", HERE)


def test_the_first_key_seals_and_every_key_opens() -> None:
    before = Keyring.parse(OLD).seal("kept", HERE)
    keys = Keyring.parse(f"{NEW}, {OLD}")
    assert keys.current == "new"
    assert keys.open(before, HERE) == "kept"
    assert not keys.is_current(before)
    assert key_id_of(keys.seal("kept", HERE)) == "new"


def test_a_value_moved_to_another_place_does_not_open() -> None:
    keys = Keyring.parse(NEW)
    assessment, question = uuid4(), uuid4()
    sealed = keys.seal("note", place("responses.consultant_notes", assessment, question))
    with pytest.raises(UnreadableValue, match="does not open"):
        keys.open(sealed, place("responses.consultant_notes", uuid4(), question))
    with pytest.raises(UnreadableValue, match="does not open"):
        keys.open(sealed, place("responses.answer_value", assessment, question))


def test_a_missing_key_and_a_wrong_key_are_told_apart() -> None:
    sealed = Keyring.parse(OLD).seal("text", HERE)
    with pytest.raises(UnreadableValue, match="key 'old', which is not given"):
        Keyring.parse(NEW).open(sealed, HERE)
    impostor = Keyring.parse(new_key_entry("old"))  # another key under the same id
    with pytest.raises(UnreadableValue, match="does not open with the key given"):
        impostor.open(sealed, HERE)


def test_an_altered_value_does_not_open() -> None:
    keys = Keyring.parse(NEW)
    sealed = keys.seal("text", HERE)
    key_id, payload = sealed.split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(UnreadableValue):
        keys.open(f"{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", HERE)
    with pytest.raises(UnreadableValue):
        keys.open(f"{key_id}:not*base64", HERE)


def test_a_value_stored_before_encryption_reads_as_it_was() -> None:
    keys = Keyring.parse(NEW)
    assert keys.open(":plain, with: colons", HERE) == "plain, with: colons"
    assert key_id_of(":plain") == ""
    assert not keys.is_current(":plain")


def test_keys_are_read_in_standard_and_url_safe_base64() -> None:
    raw = bytes(range(250, 256)) * 5 + b"\xfb\xff"  # bytes whose base64 has + and /
    standard = base64.b64encode(raw).decode()
    assert "+" in standard or "/" in standard
    url_safe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    one, other = Keyring.parse(f"k:{standard}"), Keyring.parse(f"k:{url_safe}")
    assert other.open(one.seal("same key", HERE), HERE) == "same key"
