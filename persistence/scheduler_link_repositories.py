"""Booking links (Core statements on the unit of work's connection). A deleted link (deleted_at
set) is never read again: every read here and in `persistence.queries` takes live rows only."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, func, insert, update

from domain.scheduler_links import SchedulerLink, SchedulerLinkRecord
from persistence.connections import Connection
from persistence.models import SchedulerLinkRow
from persistence.queries import (
    LINK_COLUMNS,
    id_array,
    scheduler_link_record,
    scheduler_links_by_consultant,
)
from persistence.statements import execute, one

# A transaction-scoped advisory lock per consultant (two keys: this class, and a digest of
# the consultant's id; a collision only makes two consultants take turns).
LINKS_LOCK = 0x5249534C  # "RISL"
_LOCK = "SELECT pg_advisory_xact_lock(%(class)s, %(key)s)"
_REORDER = (
    "UPDATE scheduler_links AS s SET display_order = o.position, updated_at = now()"
    " FROM unnest(%(ids)s::uuid[]) WITH ORDINALITY AS o(id, position)"
    " WHERE s.id = o.id AND s.deleted_at IS NULL"
)


def _columns(link: SchedulerLink) -> dict[str, object]:
    return {
        "meeting_type_label": link.label,
        "scheduler_url": link.url,
        "duration_minutes": link.duration_minutes,
        "recommended_for_phases": [p.value for p in link.recommended_for_phases],
        "is_active": link.is_active,
    }


def _owner_key(consultant_id: UUID) -> int:
    """The consultant's id as a signed 32-bit key."""
    digest = zlib.crc32(consultant_id.bytes)
    return digest - (1 << 32) if digest >= 1 << 31 else digest


_UPDATE = (
    update(SchedulerLinkRow)
    .where(SchedulerLinkRow.id == bindparam("link_id"), SchedulerLinkRow.deleted_at.is_(None))
    .returning(*LINK_COLUMNS)
)


class SqlSchedulerLinkRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def lock_owner(self, consultant_id: UUID) -> None:
        params = {"class": LINKS_LOCK, "key": _owner_key(consultant_id)}
        await execute(self._connection, _LOCK, params)

    async def live(self, consultant_id: UUID) -> list[SchedulerLinkRecord]:
        found = await scheduler_links_by_consultant(self._connection, [consultant_id])
        return found.get(consultant_id, [])

    async def add(
        self, consultant_id: UUID, link: SchedulerLink, display_order: int
    ) -> SchedulerLinkRecord:
        statement = (
            insert(SchedulerLinkRow)
            .values(consultant_id=consultant_id, display_order=display_order, **_columns(link))
            .returning(*LINK_COLUMNS)
        )
        return scheduler_link_record(await one(self._connection, statement))

    async def update(self, link_id: UUID, link: SchedulerLink) -> SchedulerLinkRecord:
        statement = _UPDATE.values(**_columns(link), updated_at=func.now())
        row = await one(self._connection, statement, {"link_id": link_id})
        return scheduler_link_record(row)

    async def delete(self, link_id: UUID, *, at: datetime) -> None:
        statement = (
            update(SchedulerLinkRow)
            .where(SchedulerLinkRow.id == link_id, SchedulerLinkRow.deleted_at.is_(None))
            .values(deleted_at=at, updated_at=func.now())
        )
        await execute(self._connection, statement)

    async def reorder(self, ids: Sequence[UUID]) -> None:
        await execute(self._connection, _REORDER, {"ids": id_array(ids)})
