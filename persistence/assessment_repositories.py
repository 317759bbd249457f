"""Repositories for assessments, their responses, results and checklists."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.assessments import Assessment, ClientDetails
from domain.model import Answer, AssessmentStatus, DiscType, Question, QuestionType, question_id
from domain.ports import StoredResponse
from domain.recommendations import ChecklistDraft
from domain.scoring import Scorecard
from persistence.models import (
    AssessmentRow,
    ChecklistItemRow,
    DiscProfileRow,
    PhaseResultRow,
    ResponseRow,
)

_D, _I, _S, _C = DiscType.D, DiscType.I, DiscType.S, DiscType.C


def assessment_from_row(row: AssessmentRow) -> Assessment:
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
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, consultant_id: UUID, details: ClientDetails) -> Assessment:
        row = AssessmentRow(
            consultant_id=consultant_id,
            client_name=details.client_name,
            client_business_name=details.client_business_name,
            client_email=details.client_email,
            confidence_before=details.confidence_before,
            confidence_after=details.confidence_after,
        )
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return assessment_from_row(row)

    async def get(self, assessment_id: UUID, *, lock: bool = False) -> Assessment | None:
        query = select(AssessmentRow).where(
            AssessmentRow.id == assessment_id, AssessmentRow.deleted_at.is_(None)
        )
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return assessment_from_row(row) if row else None

    async def update(self, assessment_id: UUID, changes: Mapping[str, object]) -> Assessment:
        statement = (
            update(AssessmentRow)
            .where(AssessmentRow.id == assessment_id)
            .values({**changes, "updated_at": func.now()})
            .returning(AssessmentRow)
        )
        row = (await self._session.execute(statement)).scalar_one()
        return assessment_from_row(row)


class SqlResponseRepository:
    """Answers are stored as database-design.md describes: the option value or the text in
    `answer_value` (multiple choice: a JSON array of values), a rating in `answer_numeric`."""

    def __init__(self, session: AsyncSession, questions: Sequence[Question]) -> None:
        self._session = session
        self._by_id = {q.id: q for q in questions}

    async def answers(self, assessment_id: UUID) -> dict[str, Answer]:
        rows = await self._session.scalars(
            select(ResponseRow).where(ResponseRow.assessment_id == assessment_id)
        )
        answers = (self.answer_from_row(row) for row in rows)
        return {a.question_key: a for a in answers if a is not None}

    def answer_from_row(self, row: ResponseRow) -> Answer | None:
        """None for a question no longer in the bank: kept, but no longer asked or scored."""
        question = self._by_id.get(row.question_id)
        if question is None:
            return None
        multiple = question.type is QuestionType.MULTIPLE_CHOICE
        return Answer(
            question_key=question.key,
            value=None if multiple else row.answer_value,
            values=tuple(json.loads(row.answer_value)) if multiple and row.answer_value else (),
            rating=row.answer_numeric,
            not_applicable=row.is_not_applicable,
            notes=row.consultant_notes,
        )

    async def upsert(self, assessment_id: UUID, answers: Sequence[Answer]) -> list[StoredResponse]:
        rows = [
            {
                "assessment_id": assessment_id,
                "question_id": question_id(answer.question_key),
                "answer_value": json.dumps(list(answer.values)) if answer.values else answer.value,
                "answer_numeric": answer.rating,
                "is_not_applicable": answer.not_applicable,
                "consultant_notes": answer.notes,
            }
            for answer in answers
        ]
        upsert = insert(ResponseRow).values(rows)
        statement = upsert.on_conflict_do_update(
            constraint="uq_responses_assessment_id_question_id",
            set_={
                "answer_value": upsert.excluded.answer_value,
                "answer_numeric": upsert.excluded.answer_numeric,
                "is_not_applicable": upsert.excluded.is_not_applicable,
                "consultant_notes": upsert.excluded.consultant_notes,
                "updated_at": func.now(),
            },
        ).returning(ResponseRow.id, ResponseRow.question_id, ResponseRow.updated_at)
        stored = {row.question_id: row for row in await self._session.execute(statement)}
        return [
            StoredResponse(
                id=stored[question_id(a.question_key)].id,
                answer=a,
                updated_at=stored[question_id(a.question_key)].updated_at,
            )
            for a in answers
        ]


class SqlResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, assessment_id: UUID, card: Scorecard, calculated_at: datetime) -> None:
        phases = card.phases
        readiness = {f"{p.value}_score": v for p, v in phases.readiness.items()}
        self._session.add(
            PhaseResultRow(
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
            self._session.add(
                DiscProfileRow(
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
        await self._session.flush()


class SqlChecklistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, assessment_id: UUID, items: Sequence[ChecklistDraft], by: UUID) -> None:
        self._session.add_all(
            ChecklistItemRow(
                assessment_id=assessment_id,
                item_text=item.text,
                item_order=item.order,
                phase_category=item.phase.value,
                priority=item.priority.value,
                created_by=by,
            )
            for item in items
        )
        await self._session.flush()
