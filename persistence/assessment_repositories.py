"""Repositories for assessments, their responses and results (Core statements on
the unit of work's connection; rows map straight to domain objects)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy import Update, bindparam, func, insert, null, select, update

from domain.assessments import Assessment, ClientDetails
from domain.disc import DiscProfile
from domain.model import Answer, AssessmentStatus, DiscType, Phase
from domain.ports import ReplacedResults, SavedAnswers, StoredResponse
from domain.scoring import Scorecard
from persistence.answer_rows import ANSWER_COLUMNS, AnswerRows
from persistence.connections import Connection
from persistence.models import (
    AssessmentRow,
    DiscProfileRow,
    PhaseResultRow,
    ResponseRow,
)
from persistence.statements import (
    Row,
    arguments,
    execute_later,
    fetch,
    fetch_each,
    first,
    one,
    parameters,
)

_D, _I, _S, _C = DiscType.D, DiscType.I, DiscType.S, DiscType.C

ASSESSMENT_COLUMNS = (
    AssessmentRow.id,
    AssessmentRow.consultant_id,
    AssessmentRow.client_name,
    AssessmentRow.client_business_name,
    AssessmentRow.client_email,
    AssessmentRow.status,
    AssessmentRow.progress_percentage,
    AssessmentRow.created_at,
    AssessmentRow.updated_at,
    AssessmentRow.entity_type,
    AssessmentRow.is_s_corp_on_payroll,
    AssessmentRow.confidence_before,
    AssessmentRow.confidence_after,
    AssessmentRow.started_at,
    AssessmentRow.completed_at,
    AssessmentRow.archived_at,
)


def assessment_from_row(row: Row) -> Assessment:
    return Assessment(
        id=row.id,
        consultant_id=row.consultant_id,
        client_name=row.client_name,
        client_business_name=row.client_business_name,
        client_email=row.client_email,
        status=AssessmentStatus(row.status),
        progress=row.progress_percentage,
        created_at=row.created_at,
        updated_at=row.updated_at,
        entity_type=row.entity_type,
        is_s_corp_on_payroll=row.is_s_corp_on_payroll,
        confidence_before=row.confidence_before,
        confidence_after=row.confidence_after,
        started_at=row.started_at,
        completed_at=row.completed_at,
        archived_at=row.archived_at,
    )


class SqlAssessmentRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def add(self, consultant_id: UUID, details: ClientDetails) -> Assessment:
        statement = (
            insert(AssessmentRow)
            .values(
                consultant_id=consultant_id,
                client_name=details.client_name,
                client_business_name=details.client_business_name,
                client_email=details.client_email,
                confidence_before=details.confidence_before,
                confidence_after=details.confidence_after,
            )
            .returning(*ASSESSMENT_COLUMNS)
        )
        return assessment_from_row(await one(self._connection, statement))

    async def get(self, assessment_id: UUID, *, lock: bool = False) -> Assessment | None:
        row = await first(self._connection, _GET[lock], {"assessment_id": assessment_id})
        return assessment_from_row(row) if row else None

    async def update(self, assessment_id: UUID, changes: Mapping[str, object]) -> Assessment:
        params = arguments(changes) | {"assessment_id": assessment_id}
        row = await one(self._connection, _update(frozenset(changes)), params)
        return assessment_from_row(row)

    async def update_later(
        self, assessment: Assessment, changes: Mapping[str, object], at: datetime
    ) -> Assessment:
        params = arguments(changes) | {"assessment_id": assessment.id}
        await execute_later(self._connection, _update(frozenset(changes), returning=False), params)
        # No trigger changes a row before it is written, so the row is what was sent, and
        # now() is the transaction's time, `at`.
        fields: dict[str, Any] = {_FIELDS.get(c, c): value for c, value in changes.items()}
        if "status" in fields:
            fields["status"] = AssessmentStatus(fields["status"])
        return replace(assessment, **fields, updated_at=at)


_LIVE = select(*ASSESSMENT_COLUMNS).where(
    AssessmentRow.id == bindparam("assessment_id"), AssessmentRow.deleted_at.is_(None)
)
_GET = {False: _LIVE, True: _LIVE.with_for_update()}


# The Assessment field of each column whose name differs.
_FIELDS = {"progress_percentage": "progress"}


@cache
def _update(columns: frozenset[str], *, returning: bool = True) -> Update:
    """The UPDATE of these columns (and updated_at), built once for each set of them."""
    statement = (
        update(AssessmentRow)
        .where(AssessmentRow.id == bindparam("assessment_id"))
        .values({**parameters(*sorted(columns)), "updated_at": func.now()})
    )
    return statement.returning(*ASSESSMENT_COLUMNS) if returning else statement


class SqlResponseRepository:
    def __init__(self, connection: Connection, rows: AnswerRows) -> None:
        self._connection = connection
        self._rows = rows

    async def answers(self, assessment_id: UUID) -> dict[str, Answer]:
        rows = await fetch(self._connection, _ANSWERS, {"assessment_id": assessment_id})
        return self._rows.sheet(assessment_id, rows)

    async def answers_locked(
        self, assessment_id: UUID, *, notes: bool
    ) -> tuple[Assessment | None, dict[str, Answer]]:
        """One round trip: the lock's statement first, so the answers' snapshot sees every
        save before it. Without `notes`, the notes stay in the database: nothing to open."""
        params = {"assessment_id": assessment_id}
        answers_read = _ANSWERS if notes else _ANSWERS_WITHOUT_NOTES
        locked, rows = await fetch_each(
            self._connection, (_GET[True], params), (answers_read, params)
        )
        found = assessment_from_row(locked[0]) if locked else None
        return found, self._rows.sheet(assessment_id, rows)

    async def save(self, assessment_id: UUID, answers: Sequence[Answer]) -> SavedAnswers:
        """One statement: the upsert, and beside what it wrote, the assessment's other answers
        as they stood (a data-modifying CTE's siblings see the table before it), so that the
        whole sheet is known without reading back what was just written. The other answers
        come without their notes, which nothing after a save needs: fewer values to open."""
        ids, params = self._params(assessment_id, answers)
        rows = await fetch(self._connection, _SAVE, params)
        return self._saved(assessment_id, answers, ids, rows)

    async def save_locked(
        self, assessment_id: UUID, answers: Sequence[Answer]
    ) -> tuple[Assessment | None, SavedAnswers]:
        """The assessment locked, and the answers saved as `save` does it only if the
        assessment is live and not completed, in one round trip: the lock's statement first,
        so the save's snapshot sees every save before it."""
        ids, params = self._params(assessment_id, answers)
        locked, rows = await fetch_each(
            self._connection,
            (_GET[True], {"assessment_id": assessment_id}),
            (_SAVE_UNLESS_COMPLETED, params),
        )
        assessment = assessment_from_row(locked[0]) if locked else None
        if any(row.written for row in rows):
            return assessment, self._saved(assessment_id, answers, ids, rows)
        return assessment, SavedAnswers(saved=[], sheet=self._sheet(assessment_id, rows))

    def _params(
        self, assessment_id: UUID, answers: Sequence[Answer]
    ) -> tuple[list[UUID], dict[str, object]]:
        ids = [self._rows.bank.by_key[a.question_key].id for a in answers]
        values, notes = self._rows.sealed(assessment_id, ids, answers)
        written = [
            {"q": i, "v": value, "na": a.not_applicable, "n": note}
            for i, value, a, note in zip(ids, values, answers, notes, strict=True)
        ]
        return ids, {"assessment_id": assessment_id, "answers": orjson.dumps(written).decode()}

    def _saved(
        self, assessment_id: UUID, answers: Sequence[Answer], ids: list[UUID], rows: list[Row]
    ) -> SavedAnswers:
        stored = {row.question_id: row for row in rows if row.written}
        sheet = self._sheet(assessment_id, rows) | {a.question_key: a for a in answers}
        return SavedAnswers(
            saved=[
                StoredResponse(stored[i].id, answer, stored[i].updated_at)
                for answer, i in zip(answers, ids, strict=True)
            ],
            sheet=sheet,
        )

    def _sheet(self, assessment_id: UUID, rows: list[Row]) -> dict[str, Answer]:
        """The stored answers among a save's rows, those it did not write."""
        return self._rows.sheet(assessment_id, (r for r in rows if not r.written))


_ANSWERS = select(*ANSWER_COLUMNS).where(ResponseRow.assessment_id == bindparam("assessment_id"))
_ANSWERS_WITHOUT_NOTES = select(
    ResponseRow.question_id,
    ResponseRow.answer_value,
    ResponseRow.is_not_applicable,
    null().label("consultant_notes"),
).where(ResponseRow.assessment_id == bindparam("assessment_id"))
# The answers as one JSON array of rows: one statement whatever the number of answers, and
# one text value to send (psycopg's array dumping, element by element, cost more than the
# statement itself). The values are sealed text (base64), so nothing in them is beyond JSON.
# `answer_numeric` is cleared (persistence/answer_rows.py).
_SAVE_TEMPLATE = """
WITH answer AS (
    SELECT * FROM json_to_recordset(%(answers)s::json)
        AS answer(q uuid, v text, na boolean, n text)
), saved AS (
    INSERT INTO responses (assessment_id, question_id, answer_value, is_not_applicable,
                           consultant_notes)
    SELECT %(assessment_id)s::uuid, q, v, na, n FROM answer{guard}
    ON CONFLICT ON CONSTRAINT uq_responses_assessment_id_question_id DO UPDATE SET
        answer_value = excluded.answer_value,
        answer_numeric = NULL,
        is_not_applicable = excluded.is_not_applicable,
        consultant_notes = excluded.consultant_notes,
        updated_at = now()
    RETURNING id, question_id, updated_at
)
SELECT id, updated_at, question_id, NULL::text AS answer_value,
       NULL::boolean AS is_not_applicable, NULL::text AS consultant_notes, true AS written
FROM saved
UNION ALL
SELECT NULL, NULL, question_id, answer_value, is_not_applicable, NULL, false
FROM responses
WHERE assessment_id = %(assessment_id)s::uuid
  AND question_id <> ALL(ARRAY(SELECT question_id FROM saved))
"""
_SAVE = _SAVE_TEMPLATE.format(guard="")
_SAVE_UNLESS_COMPLETED = _SAVE_TEMPLATE.format(
    guard="""
    WHERE EXISTS (SELECT FROM assessments WHERE id = %(assessment_id)s::uuid
                  AND deleted_at IS NULL AND status <> 'completed')"""
)


def _phase_result_row(
    assessment_id: UUID, card: Scorecard, calculated_at: datetime
) -> dict[str, object]:
    """The phase_results columns of a scorecard."""
    phases = card.phases
    return {
        "assessment_id": assessment_id,
        "primary_phase": phases.primary.value,
        "secondary_phases": [p.value for p in phases.secondary],
        "flags": [f.value for f in phases.flags],
        "calculated_at": calculated_at,
        **{f"{p.value}_score": v for p, v in phases.readiness.items()},
    }


def _disc_profile_row(
    assessment_id: UUID, disc: DiscProfile, calculated_at: datetime
) -> dict[str, object]:
    """The disc_profiles columns of a scorecard's profile."""
    scores = disc.scores
    return {
        "assessment_id": assessment_id,
        "dominance_score": scores[_D],
        "influence_score": scores[_I],
        "steadiness_score": scores[_S],
        "compliance_score": scores[_C],
        "primary_type": disc.primary.value,
        "secondary_type": disc.secondary.value if disc.secondary else None,
        "calculated_at": calculated_at,
    }


class SqlResultRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def save(self, assessment_id: UUID, card: Scorecard, calculated_at: datetime) -> None:
        """The results go with the transaction's next statement (nothing reads them back)."""
        phase_result = _phase_result_row(assessment_id, card, calculated_at)
        await execute_later(self._connection, _PHASE_RESULT, arguments(phase_result))
        if card.disc is not None:
            profile = _disc_profile_row(assessment_id, card.disc, calculated_at)
            await execute_later(self._connection, _DISC_PROFILE, arguments(profile))

    async def replace(
        self, assessment_id: UUID, card: Scorecard, calculated_at: datetime
    ) -> ReplacedResults:
        """Two statements: each result upserted (the profile deleted when the card has
        none), returning the value it replaced, which the statement's snapshot still sees."""
        phase_result = _phase_result_row(assessment_id, card, calculated_at)
        old_phase = await first(self._connection, _REPLACE_PHASE_RESULT, phase_result)
        if card.disc is None:
            old_disc = await first(
                self._connection, _DROP_DISC_PROFILE, {"assessment_id": assessment_id}
            )
        else:
            profile = _disc_profile_row(assessment_id, card.disc, calculated_at)
            old_disc = await first(self._connection, _REPLACE_DISC_PROFILE, profile)
        phase = old_phase.old_primary if old_phase else None
        disc = old_disc.old_primary if old_disc else None
        return ReplacedResults(
            primary_phase=Phase(phase) if phase else None,
            disc_type=DiscType(disc) if disc else None,
        )


_PHASE_RESULT = (
    insert(PhaseResultRow)
    .values(
        parameters(
            "assessment_id", "primary_phase", "secondary_phases", "flags", "calculated_at",
            *(f"{p.value}_score" for p in Phase),
        )
    )
    .inline()
)  # fmt: skip
_DISC_PROFILE = (
    insert(DiscProfileRow)
    .values(
        parameters(
            "assessment_id", "dominance_score", "influence_score", "steadiness_score",
            "compliance_score", "primary_type", "secondary_type", "calculated_at",
        )
    )
    .inline()
)  # fmt: skip


_SCORES = ", ".join(f"{p.value}_score" for p in Phase)
_REPLACE_PHASE_RESULT = f"""
WITH old AS (
    SELECT primary_phase FROM phase_results WHERE assessment_id = %(assessment_id)s::uuid
)
INSERT INTO phase_results (assessment_id, primary_phase, secondary_phases, flags,
                           calculated_at, {_SCORES})
VALUES (%(assessment_id)s::uuid, %(primary_phase)s, %(secondary_phases)s::text[],
        %(flags)s::text[], %(calculated_at)s,
        {", ".join(f"%({p.value}_score)s" for p in Phase)})
ON CONFLICT (assessment_id) DO UPDATE SET
    primary_phase = excluded.primary_phase,
    secondary_phases = excluded.secondary_phases,
    flags = excluded.flags,
    calculated_at = excluded.calculated_at,
    {", ".join(f"{p.value}_score = excluded.{p.value}_score" for p in Phase)},
    updated_at = now()
RETURNING (SELECT primary_phase FROM old) AS old_primary
"""
_REPLACE_DISC_PROFILE = """
WITH old AS (
    SELECT primary_type FROM disc_profiles WHERE assessment_id = %(assessment_id)s::uuid
)
INSERT INTO disc_profiles (assessment_id, dominance_score, influence_score, steadiness_score,
                           compliance_score, primary_type, secondary_type, calculated_at)
VALUES (%(assessment_id)s::uuid, %(dominance_score)s, %(influence_score)s,
        %(steadiness_score)s, %(compliance_score)s, %(primary_type)s, %(secondary_type)s,
        %(calculated_at)s)
ON CONFLICT (assessment_id) DO UPDATE SET
    dominance_score = excluded.dominance_score,
    influence_score = excluded.influence_score,
    steadiness_score = excluded.steadiness_score,
    compliance_score = excluded.compliance_score,
    primary_type = excluded.primary_type,
    secondary_type = excluded.secondary_type,
    calculated_at = excluded.calculated_at,
    updated_at = now()
RETURNING (SELECT primary_type FROM old) AS old_primary
"""
_DROP_DISC_PROFILE = """
DELETE FROM disc_profiles WHERE assessment_id = %(assessment_id)s::uuid
RETURNING primary_type AS old_primary
"""
