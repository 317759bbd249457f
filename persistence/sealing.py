"""Encryption at rest (AES-256-GCM) of the free text in which clients' answers are stored.

A sealed value is kept in a text column as `<key id>:<base64url of nonce + ciphertext + tag>`,
so every value names the key that opens it. A value stored before encryption came in is
kept as `:<plain text>` (an empty key id) until `rise keys rotate` seals it. Each value is
sealed for its place, which goes in as associated data: a sealed answer copied into another
row or column does not open there.

The keyring holds every key that may open a value; the first one seals. It is read from
RISE_ENCRYPTION_KEYS as `id:key, id:key, ...`, each key 32 bytes in base64.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
# What every key seals in the key registry (persistence/key_registry.py): opening it proves
# that the key given under an id is the key that sealed the data under that id.
PROBE = "financial-rise key probe"
PROBE_PLACE = b"sealing_keys.probe"


class KeyringError(ValueError):
    """RISE_ENCRYPTION_KEYS (or a keys file) cannot be read as a keyring."""


class UnreadableValue(Exception):
    """A stored value that the keyring cannot open: its key is missing, or it is not the
    key that sealed it, or the value was altered."""


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[str, bytes]
    current: str  # the id of the key that seals
    ciphers: Mapping[str, AESGCM] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ciphers = {key_id: AESGCM(key) for key_id, key in self.keys.items()}
        object.__setattr__(self, "ciphers", ciphers)

    @classmethod
    def parse(cls, text: str) -> Keyring:
        keys: dict[str, bytes] = {}
        first = ""
        for number, entry in enumerate((e.strip() for e in text.split(",")), start=1):
            if not entry:
                continue
            key_id, colon, encoded = entry.partition(":")
            key_id, encoded = key_id.strip(), encoded.strip()
            if not colon or not KEY_ID.fullmatch(key_id):
                raise KeyringError(
                    f"entry {number} is not `id:key` with an id of 1-32 letters, digits, - or _"
                )
            if key_id in keys:
                raise KeyringError(f"key id {key_id!r} is given twice")
            keys[key_id] = _key_bytes(key_id, encoded)
            first = first or key_id
        if not keys:
            raise KeyringError("no key is given")
        return cls(keys, first)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.ciphers)

    def seal(self, plain: str, place: bytes) -> str:
        return self.seal_with(self.current, plain, place)

    def seal_with(self, key_id: str, plain: str, place: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[key_id].encrypt(nonce, plain.encode(), place)
        return f"{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, stored: str, place: bytes) -> str:
        key_id, _, payload = stored.partition(":")
        if not key_id:
            return payload  # stored before encryption; `rise keys rotate` seals it
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise UnreadableValue(f"a value is sealed with key {key_id!r}, which is not given")
        try:
            raw = base64.urlsafe_b64decode(payload)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], place).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise UnreadableValue(
                f"a value sealed with key {key_id!r} does not open with the key given under "
                "that id (another key, or the value was altered)"
            ) from None

    def is_current(self, stored: str) -> bool:
        return stored.startswith(self.current + ":")

    def derived(self, key_id: str, salt: bytes, purpose: bytes) -> AESGCM:
        """A cipher under a key of its own, derived (HKDF-SHA256) from key `key_id` for one
        `purpose` and `salt`: what encrypts a backup never encrypts an answer."""
        key = self.keys.get(key_id)
        if key is None:
            raise UnreadableValue(f"sealed with key {key_id!r}, which is not given")
        derive = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=purpose)
        return AESGCM(derive.derive(key))


def key_id_of(stored: str) -> str:
    """The id of the key that sealed `stored` ("" for a value stored before encryption)."""
    return stored.partition(":")[0]


def unsealed(plain: str) -> str:
    """How a value stored before encryption is kept until it is sealed."""
    return ":" + plain


def new_key_entry(key_id: str) -> str:
    """A fresh `id:key` entry for RISE_ENCRYPTION_KEYS."""
    if not KEY_ID.fullmatch(key_id):
        raise KeyringError("a key id is 1-32 letters, digits, - or _")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def place(column: str, assessment_id: UUID, question_id: UUID) -> bytes:
    """The associated data of a response's sealed column: the column, the assessment and
    the question, which together name one value."""
    return column.encode() + b"/" + assessment_id.bytes + question_id.bytes


def _key_bytes(key_id: str, encoded: str) -> bytes:
    """A key in standard or URL-safe base64, with or without padding."""
    standard = encoded.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error:
        raise KeyringError(f"key {key_id!r} is not base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyringError(f"key {key_id!r} is {len(raw)} bytes; AES-256 needs {KEY_BYTES}")
    return raw
