"""The dashboard's figures (`AssessmentStats`), in one statement.

One pass over the live assessments in scope (one consultant's through their index, or
everyone's), each joined to its phase result and style profile (at most one of each), with
every figure a filtered aggregate of that pass: a count per status, phase and style, the
completions since a time, and the average of completed_at - started_at over the completed
ones in minutes, two decimals. Archived assessments are counted like the others; deleted
ones never are.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from uuid import UUID

from sqlalchemy import Numeric, bindparam, cast, extract, func, select

from domain.model import AssessmentStatus, DiscType, Phase
from domain.results import AssessmentStats
from persistence.connections import Connection
from persistence.models import AnySelect, AssessmentRow, DiscProfileRow, PhaseResultRow
from persistence.statements import one

_COMPLETED = AssessmentRow.status == AssessmentStatus.COMPLETED.value


@cache
def _statement(owner: bool) -> AnySelect:
    a, phase, style = AssessmentRow, PhaseResultRow, DiscProfileRow
    seconds = extract("epoch", a.completed_at - a.started_at)
    minutes = func.round(cast(func.avg(seconds).filter(_COMPLETED), Numeric) / 60, 2)
    statement = (
        select(
            func.count().label("total"),
            *(
                func.count().filter(a.status == status.value).label(f"status_{status.name}")
                for status in AssessmentStatus
            ),
            *(
                func.count().filter(phase.primary_phase == p.value).label(f"phase_{p.name}")
                for p in Phase
            ),
            *(
                func.count().filter(style.primary_type == t.value).label(f"style_{t.name}")
                for t in DiscType
            ),
            func.count()
            .filter(_COMPLETED, a.completed_at >= bindparam("since"))
            .label("completed_since"),
            minutes.label("average_minutes"),
        )
        .select_from(a)
        .outerjoin(phase, phase.assessment_id == a.id)
        .outerjoin(style, style.assessment_id == a.id)
        .where(a.deleted_at.is_(None))
    )
    if owner:
        statement = statement.where(a.consultant_id == bindparam("owner"))
    return statement


async def assessment_stats(
    connection: Connection, *, consultant_id: UUID | None, since: datetime
) -> AssessmentStats:
    """The figures of one consultant's assessments, or everyone's (None); completions
    counted from `since` on."""
    row = await one(
        connection, _statement(consultant_id is not None), {"owner": consultant_id, "since": since}
    )
    return AssessmentStats(
        total=row.total,
        by_status={s: getattr(row, f"status_{s.name}") for s in AssessmentStatus},
        by_primary_phase={p: getattr(row, f"phase_{p.name}") for p in Phase},
        by_disc_type={t: getattr(row, f"style_{t.name}") for t in DiscType},
        completed_since=row.completed_since,
        average_completion_minutes=row.average_minutes,
    )
