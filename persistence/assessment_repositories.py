"""Repositories for assessments, their responses, results and checklists (Core statements on
the unit of work's connection; rows map straight to domain objects)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import false, func, insert, null, select, true, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.assessments import Assessment, ClientDetails
from domain.bank import Bank
from domain.model import Answer, AssessmentStatus, DiscType, QuestionType
from domain.ports import SavedAnswers, StoredResponse
from domain.recommendations import ChecklistDraft
from domain.scoring import Scorecard
from persistence.models import (
    AnyRow,
    AssessmentRow,
    ChecklistItemRow,
    DiscProfileRow,
    PhaseResultRow,
    ResponseRow,
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
# What an answer is made of (its notes included); the row's id and time come separately.
ANSWER_COLUMNS = (
    ResponseRow.question_id,
    ResponseRow.answer_value,
    ResponseRow.answer_numeric,
    ResponseRow.is_not_applicable,
    ResponseRow.consultant_notes,
)


def assessment_from_row(row: AnyRow) -> Assessment:
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


def answer_from_row(bank: Bank, row: AnyRow) -> Answer | None:
    """The answer a response row holds, or None for a question no longer in the bank: kept,
    but no longer asked or scored. Stored as database-design.md says: the option value or the
    text in `answer_value` (multiple choice: a JSON array of values), a rating in
    `answer_numeric`."""
    question = bank.by_id.get(row.question_id)
    if question is None:
        return None
    if question.type is QuestionType.MULTIPLE_CHOICE:
        value, values = None, tuple(json.loads(row.answer_value)) if row.answer_value else ()
    else:
        value, values = row.answer_value, ()
    return Answer(
        question_key=question.key,
        value=value,
        values=values,
        rating=row.answer_numeric,
        not_applicable=row.is_not_applicable,
        notes=row.consultant_notes,
    )


class SqlAssessmentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
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
        return assessment_from_row((await self._connection.execute(statement)).one())

    async def get(self, assessment_id: UUID, *, lock: bool = False) -> Assessment | None:
        query = select(*ASSESSMENT_COLUMNS).where(
            AssessmentRow.id == assessment_id, AssessmentRow.deleted_at.is_(None)
        )
        if lock:
            query = query.with_for_update()
        row = (await self._connection.execute(query)).first()
        return assessment_from_row(row) if row else None

    async def update(self, assessment_id: UUID, changes: Mapping[str, object]) -> Assessment:
        statement = (
            update(AssessmentRow)
            .where(AssessmentRow.id == assessment_id)
            .values({**changes, "updated_at": func.now()})
            .returning(*ASSESSMENT_COLUMNS)
        )
        return assessment_from_row((await self._connection.execute(statement)).one())


class SqlResponseRepository:
    def __init__(self, connection: AsyncConnection, bank: Bank) -> None:
        self._connection = connection
        self._bank = bank

    async def answers(self, assessment_id: UUID) -> dict[str, Answer]:
        rows = await self._connection.execute(
            select(*ANSWER_COLUMNS).where(ResponseRow.assessment_id == assessment_id)
        )
        answers = (answer_from_row(self._bank, row) for row in rows)
        return {a.question_key: a for a in answers if a is not None}

    async def save(self, assessment_id: UUID, answers: Sequence[Answer]) -> SavedAnswers:
        """One statement: the upsert, and beside what it wrote, the assessment's other answers
        as they stood (a data-modifying CTE's siblings see the table before it), so that the
        whole sheet is known without reading back what was just written."""
        ids = [self._bank.by_key[a.question_key].id for a in answers]
        saved = (
            _upsert(assessment_id, answers, ids)
            .returning(ResponseRow.id, ResponseRow.question_id, ResponseRow.updated_at)
            .cte("saved")
        )
        written = select(
            saved.c.id,
            saved.c.updated_at,
            saved.c.question_id,
            *(null().label(c.key) for c in ANSWER_COLUMNS[1:]),
            true().label("written"),
        )
        kept = select(
            null().label("id"), null().label("updated_at"), *ANSWER_COLUMNS,
            false().label("written"),
        ).where(
            ResponseRow.assessment_id == assessment_id, ResponseRow.question_id.not_in(ids)
        )  # fmt: skip
        rows = list(await self._connection.execute(written.union_all(kept)))
        stored = {row.question_id: row for row in rows if row.written}
        sheet = {}
        for row in rows:
            if not row.written and (answer := answer_from_row(self._bank, row)) is not None:
                sheet[answer.question_key] = answer
        sheet |= {a.question_key: a for a in answers}
        return SavedAnswers(
            saved=[
                StoredResponse(stored[i].id, answer, stored[i].updated_at)
                for answer, i in zip(answers, ids, strict=True)
            ],
            sheet=sheet,
        )


def _upsert(assessment_id: UUID, answers: Sequence[Answer], ids: Sequence[UUID]) -> Any:
    rows = [
        {
            "assessment_id": assessment_id,
            "question_id": question,
            "answer_value": json.dumps(list(answer.values)) if answer.values else answer.value,
            "answer_numeric": answer.rating,
            "is_not_applicable": answer.not_applicable,
            "consultant_notes": answer.notes,
        }
        for answer, question in zip(answers, ids, strict=True)
    ]
    statement = upsert(ResponseRow).values(rows)
    return statement.on_conflict_do_update(
        constraint="uq_responses_assessment_id_question_id",
        set_={
            "answer_value": statement.excluded.answer_value,
            "answer_numeric": statement.excluded.answer_numeric,
            "is_not_applicable": statement.excluded.is_not_applicable,
            "consultant_notes": statement.excluded.consultant_notes,
            "updated_at": func.now(),
        },
    )


class SqlResultRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(self, assessment_id: UUID, card: Scorecard, calculated_at: datetime) -> None:
        phases = card.phases
        readiness = {f"{p.value}_score": v for p, v in phases.readiness.items()}
        await self._connection.execute(
            insert(PhaseResultRow).values(
                assessment_id=assessment_id,
                primary_phase=phases.primary.value,
                secondary_phases=[p.value for p in phases.secondary],
                flags=[f.value for f in phases.flags],
                calculated_at=calculated_at,
                **readiness,
            )
        )
        if card.disc is not None:
            scores = card.disc.scores
            await self._connection.execute(
                insert(DiscProfileRow).values(
                    assessment_id=assessment_id,
                    dominance_score=scores[_D],
                    influence_score=scores[_I],
                    steadiness_score=scores[_S],
                    compliance_score=scores[_C],
                    primary_type=card.disc.primary.value,
                    secondary_type=card.disc.secondary.value if card.disc.secondary else None,
                    calculated_at=calculated_at,
                )
            )


class SqlChecklistRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, assessment_id: UUID, items: Sequence[ChecklistDraft], by: UUID) -> None:
        """Every item in one multi-row INSERT."""
        if not items:
            return
        rows = [
            {
                "assessment_id": assessment_id,
                "item_text": item.text,
                "item_order": item.order,
                "phase_category": item.phase.value,
                "priority": item.priority.value,
                "created_by": by,
            }
            for item in items
        ]
        await self._connection.execute(insert(ChecklistItemRow).values(rows))
