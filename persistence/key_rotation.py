"""Re-encrypting the stored answers with the sealing key (`rise keys rotate`), in batches,
while the service runs.

Each batch is read, re-sealed in this process and written back in one statement that only
changes a row still holding what was read: a value the service saved meanwhile (sealed
with the sealing key, once every service process has been restarted with it first) is
left as it is, so nothing is lost. When a pass finds nothing left on another key, those
keys leave the registry and may leave RISE_ENCRYPTION_KEYS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, text

from persistence.answer_rows import NOTES, VALUE
from persistence.database import one_connection
from persistence.key_registry import forget_other_keys, register
from persistence.sealing import Keyring, place

PASSES = 3  # a value still on another key after this many: a process seals with an old key

_BATCH = text(
    """
    SELECT id, assessment_id, question_id, answer_value, consultant_notes
    FROM responses WHERE id > :after ORDER BY id LIMIT :size
    """
)
_WRITE = text(
    """
    UPDATE responses r SET answer_value = u.new_value, consultant_notes = u.new_notes
    FROM unnest(CAST(:ids AS uuid[]), CAST(:old_values AS text[]), CAST(:new_values AS text[]),
                CAST(:old_notes AS text[]), CAST(:new_notes AS text[]))
         AS u(id, old_value, new_value, old_notes, new_notes)
    WHERE r.id = u.id AND r.answer_value IS NOT DISTINCT FROM u.old_value
      AND r.consultant_notes IS NOT DISTINCT FROM u.old_notes
    RETURNING r.id
    """
)
_PER_KEY = text(
    """
    SELECT key_id, count(*) AS n FROM (
        SELECT split_part(answer_value, ':', 1) AS key_id FROM responses
        WHERE answer_value IS NOT NULL
        UNION ALL
        SELECT split_part(consultant_notes, ':', 1) FROM responses
        WHERE consultant_notes IS NOT NULL
    ) sealed GROUP BY key_id ORDER BY key_id
    """
)
_TOTAL = text(
    "SELECT count(*) FROM responses WHERE answer_value IS NOT NULL OR consultant_notes IS NOT NULL"
)


@dataclass
class Rotation:
    resealed: int = 0  # values re-encrypted with the sealing key
    changed_meanwhile: int = 0  # rows the service wrote between the read and the write
    left: dict[str, int] = field(default_factory=dict)  # values still on other keys, by key
    forgotten: list[str] = field(default_factory=list)  # keys no longer needed

    def describe(self, keys: Keyring) -> str:
        done = f"{self.resealed} value(s) re-encrypted with key {keys.current!r}"
        if self.changed_meanwhile:
            done += f", {self.changed_meanwhile} row(s) saved meanwhile left as saved"
        if self.left:
            waiting = ", ".join(f"{n} on {_named(k)}" for k, n in self.left.items())
            return (
                f"{done}; still not on the sealing key: {waiting}. Is every service process "
                "restarted with the new key first in RISE_ENCRYPTION_KEYS?"
            )
        forgotten = ", ".join(self.forgotten) or "none"
        return f"{done}; every value is on key {keys.current!r}; keys no longer needed: {forgotten}"


def values_per_key(url: str) -> dict[str, int]:
    """How many stored values each key sealed ("" for values not yet sealed)."""
    with one_connection(url) as connection:
        return {row.key_id: row.n for row in connection.execute(_PER_KEY)}


def rotate(
    url: str,
    keys: Keyring,
    *,
    batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> Rotation:
    """Re-encrypts every stored value that is not on the sealing key; `progress` is told
    (rows examined, rows in all) after each batch."""
    result = Rotation()
    with one_connection(url) as connection:
        with connection.begin():
            register(connection, keys)  # the keys are right before anything is rewritten
        for _ in range(PASSES):
            _one_pass(connection, keys, batch, result, progress)
            with connection.begin():
                per_key = {r.key_id: r.n for r in connection.execute(_PER_KEY)}
                result.left = {k: n for k, n in per_key.items() if k != keys.current}
                if not result.left:
                    result.forgotten = forget_other_keys(connection, keys)
                    break
    return result


def _one_pass(
    connection: Connection,
    keys: Keyring,
    batch: int,
    result: Rotation,
    progress: Callable[[int, int], None] | None,
) -> None:
    with connection.begin():
        total = connection.scalar(_TOTAL) or 0
    after, examined = UUID(int=0), 0
    while True:
        with connection.begin():
            rows = connection.execute(_BATCH, {"after": after, "size": batch}).all()
            if not rows:
                return
            after = rows[-1].id
            examined += len(rows)
            writes: dict[str, list[object]] = {name: [] for name in _WRITE_ARRAYS}
            values_of: dict[UUID, int] = {}  # how many of a row's values change
            for row in rows:
                value = _resealed(keys, row.answer_value, place(VALUE, *_ids(row)))
                notes = _resealed(keys, row.consultant_notes, place(NOTES, *_ids(row)))
                if value is None and notes is None:
                    continue
                values_of[row.id] = (value is not None) + (notes is not None)
                for name, item in zip(
                    _WRITE_ARRAYS,
                    (
                        row.id,
                        row.answer_value,
                        row.answer_value if value is None else value,
                        row.consultant_notes,
                        row.consultant_notes if notes is None else notes,
                    ),
                    strict=True,
                ):
                    writes[name].append(item)
            if values_of:
                written = set(connection.execute(_WRITE, writes).scalars())
                result.changed_meanwhile += len(values_of) - len(written)
                result.resealed += sum(values_of[i] for i in written)
        if progress is not None:
            progress(examined, max(total, examined))


_WRITE_ARRAYS = ("ids", "old_values", "new_values", "old_notes", "new_notes")


def _ids(row: Row[Any]) -> tuple[UUID, UUID]:
    return row.assessment_id, row.question_id


def _resealed(keys: Keyring, stored: str | None, where: bytes) -> str | None:
    """`stored` sealed with the sealing key, or None when it is empty or already on it."""
    if stored is None or keys.is_current(stored):
        return None
    return keys.seal(keys.open(stored, where), where)


def _named(key_id: str) -> str:
    return f"key {key_id!r}" if key_id else "no key (stored before encryption)"
