"""The registry of encryption keys (table sealing_keys): which keys have sealed stored
values, each with a probe it sealed. Checked at every start, so that a missing key, or a
different key given under a known id, stops the start with a message that says which."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert

from persistence.database import one_connection
from persistence.models import SealingKeyRow
from persistence.sealing import PROBE, PROBE_PLACE, Keyring, UnreadableValue


class KeyMismatch(Exception):
    """The keys given cannot open what the database holds."""


@dataclass(frozen=True)
class KeyCheck:
    registered: tuple[str, ...]  # the keys that have sealed values, the current one included
    new: bool  # the current key was registered by this check

    def describe(self) -> str:
        keys = ", ".join(self.registered)
        return f"encryption keys in use: {keys}" + (" (the first one is new)" if self.new else "")


def check_keys(url: str, keys: Keyring) -> KeyCheck:
    """Registers the sealing key (if new) and proves every registered key present and right;
    raises KeyMismatch otherwise. Opens its own connection to `url`."""
    with one_connection(url) as connection, connection.begin():
        return register(connection, keys)


def register(connection: Connection, keys: Keyring) -> KeyCheck:
    probe = keys.seal_with(keys.current, PROBE, PROBE_PLACE)
    added = connection.execute(
        insert(SealingKeyRow)
        .values(id=keys.current, probe=probe)
        .on_conflict_do_nothing()
        .returning(SealingKeyRow.id)
    ).first()
    rows = connection.execute(
        select(SealingKeyRow.id, SealingKeyRow.probe).order_by(SealingKeyRow.created_at)
    ).all()
    missing = [row.id for row in rows if row.id not in keys.ciphers]
    if missing:
        raise KeyMismatch(
            f"stored values are encrypted with key(s) {', '.join(missing)}, which "
            "RISE_ENCRYPTION_KEYS does not hold; add them back (after the sealing key) and "
            "run `rise keys rotate` before removing any key"
        )
    for row in rows:
        try:
            keys.open(row.probe, PROBE_PLACE)
        except UnreadableValue:
            raise KeyMismatch(
                f"the key given as {row.id!r} in RISE_ENCRYPTION_KEYS is not the key that "
                "encrypted the stored values under that id"
            ) from None
    return KeyCheck(tuple(row.id for row in rows), new=added is not None)


def forget_other_keys(connection: Connection, keys: Keyring) -> list[str]:
    """After a rotation has left nothing on the other keys: they leave the registry, and
    may then leave RISE_ENCRYPTION_KEYS."""
    removed = connection.execute(
        delete(SealingKeyRow).where(SealingKeyRow.id != keys.current).returning(SealingKeyRow.id)
    ).scalars()
    return list(removed)
