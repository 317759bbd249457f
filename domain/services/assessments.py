"""Assessment use cases: create, update, delete, archive and unarchive, autosave answers,
mark a section not applicable, complete.

A consultant reaches only their own assessments, an admin every one; anything else is
`NotFound`, exactly like a missing or deleted assessment. Each use case is one unit of work
and records its activity row in the same transaction.

Only a completed assessment can be archived. An archived one is read-only: every use case
that changes an assessment, its answers, notes or reports finds it with `changeable`, which
refuses it (`Archived`) until it is unarchived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from uuid import UUID

from domain.access import may_see_assessment
from domain.assessments import Assessment, check_client_details
from domain.bank import Bank
from domain.errors import AlreadyCompleted, Archived, Incomplete, NotCompleted, NotFound
from domain.model import (
    ActivityEvent,
    Answer,
    Answers,
    AssessmentStatus,
    EventCategory,
    Mirror,
    Question,
    Section,
    User,
)
from domain.ports import Clock, StoredResponse, UnitOfWork
from domain.questionnaire import (
    InvalidAnswer,
    mirrored,
    missing_required,
    not_applicable_answers,
    progress,
    validate_answer,
)
from domain.recommendations import applicable, checklist
from domain.scoring import score

COMPLETE = Decimal("100.00")


@dataclass(frozen=True, slots=True)
class ItemError:
    """One answer of a batch that was not saved: its position, field and reason."""

    index: int
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    assessment: Assessment
    saved: list[StoredResponse]
    errors: list[ItemError]


async def reachable(
    uow: UnitOfWork, actor: User, assessment_id: UUID, *, lock: bool = False
) -> Assessment:
    """The assessment if the actor may see it; NotFound otherwise, as if it did not exist."""
    assessment = await uow.assessments.get(assessment_id, lock=lock)
    if assessment is None or not may_see_assessment(actor, assessment):
        raise NotFound("no such assessment")
    return assessment


async def changeable(uow: UnitOfWork, actor: User, assessment_id: UUID) -> Assessment:
    """The assessment, locked, if the actor may see it and it may change: NotFound as
    `reachable`, Archived when it is archived."""
    assessment = await reachable(uow, actor, assessment_id, lock=True)
    if assessment.archived:
        raise Archived
    return assessment


def _event(
    actor: User, assessment: Assessment, kind: str, description: str, **extra: object
) -> ActivityEvent:
    return ActivityEvent(
        event_type=f"assessment.{kind}",
        category=EventCategory.ASSESSMENT,
        description=description,
        user_id=actor.id,
        metadata={"assessment_id": str(assessment.id), **extra},
    )


async def create_assessment(
    *,
    uow: UnitOfWork,
    actor: User,
    client_name: str,
    client_business_name: str,
    client_email: str,
    confidence_before: int | None = None,
) -> Assessment:
    details = check_client_details(
        client_name=client_name,
        client_business_name=client_business_name,
        client_email=client_email,
        confidence_before=confidence_before,
    )
    async with uow:
        assessment = await uow.assessments.add(actor.id, details)
        await uow.activity.record(
            _event(
                actor,
                assessment,
                "created",
                f"assessment for {assessment.client_business_name} created",
            )
        )
        await uow.commit()
    return assessment


async def update_assessment(
    *,
    uow: UnitOfWork,
    actor: User,
    assessment_id: UUID,
    client_name: str | None = None,
    client_business_name: str | None = None,
    client_email: str | None = None,
    confidence_before: int | None = None,
    confidence_after: int | None = None,
) -> Assessment:
    """Sets the client fields given (None leaves a field as it is), each checked first."""
    details = check_client_details(
        client_name=client_name,
        client_business_name=client_business_name,
        client_email=client_email,
        confidence_before=confidence_before,
        confidence_after=confidence_after,
    )
    values = {name: value for name, value in asdict(details).items() if value is not None}
    async with uow:
        current = await changeable(uow, actor, assessment_id)
        if not values:
            return current
        assessment = await uow.assessments.update(assessment_id, values)
        await uow.activity.record(
            _event(
                actor, assessment, "updated", "assessment details updated", fields=sorted(values)
            )
        )
        await uow.commit()
    return assessment


async def delete_assessment(
    *, uow: UnitOfWork, clock: Clock, actor: User, assessment_id: UUID
) -> None:
    """A soft delete: the row stays (deleted_at) and answers keep it company. An archived
    assessment must be unarchived first."""
    async with uow:
        assessment = await changeable(uow, actor, assessment_id)
        await uow.assessments.update(assessment_id, {"deleted_at": clock.now()})
        await uow.activity.record(_event(actor, assessment, "deleted", "assessment deleted"))
        await uow.commit()


async def archive_assessment(
    *, uow: UnitOfWork, clock: Clock, actor: User, assessment_id: UUID
) -> Assessment:
    """Puts a completed assessment away: out of the lists unless asked for, read-only."""
    async with uow:
        current = await reachable(uow, actor, assessment_id, lock=True)
        if current.archived:
            return current  # archiving twice changes nothing
        if current.status is not AssessmentStatus.COMPLETED:
            raise NotCompleted("only a completed assessment can be archived")
        assessment = await uow.assessments.update(assessment_id, {"archived_at": clock.now()})
        await uow.activity.record(_event(actor, assessment, "archived", "assessment archived"))
        await uow.commit()
    return assessment


async def unarchive_assessment(*, uow: UnitOfWork, actor: User, assessment_id: UUID) -> Assessment:
    """Brings an archived assessment back into the lists, and lets it change again."""
    async with uow:
        current = await reachable(uow, actor, assessment_id, lock=True)
        if not current.archived:
            return current  # unarchiving one that is not archived changes nothing
        assessment = await uow.assessments.update(assessment_id, {"archived_at": None})
        await uow.activity.record(_event(actor, assessment, "unarchived", "assessment unarchived"))
        await uow.commit()
    return assessment


async def save_responses(
    *,
    uow: UnitOfWork,
    clock: Clock,
    bank: Bank,
    actor: User,
    assessment_id: UUID,
    answers: Sequence[Answer],
) -> SaveOutcome:
    """The autosave path (SCORING §1, §5): each answer is checked on its own; the valid ones
    are saved together, the others reported by position. The first saved answer moves a draft
    to in progress; progress and the mirrored columns follow every save."""
    valid, errors = _checked(bank, answers)
    async with uow:
        assessment = await changeable(uow, actor, assessment_id)
        if assessment.status is AssessmentStatus.COMPLETED:
            raise AlreadyCompleted
        saved: list[StoredResponse] = []
        if valid:
            written = await uow.responses.save(assessment_id, valid)
            saved = written.saved
            assessment = await _after_save(uow, clock, bank.questions, assessment, written.sheet)
            await uow.activity.record(
                _event(
                    actor,
                    assessment,
                    "responses_saved",
                    f"{len(saved)} answer(s) saved",
                    saved=len(saved),
                )
            )
        await uow.commit()
    return SaveOutcome(assessment=assessment, saved=saved, errors=errors)


async def mark_section_not_applicable(
    *,
    uow: UnitOfWork,
    clock: Clock,
    bank: Bank,
    actor: User,
    assessment_id: UUID,
    section: Section,
) -> SaveOutcome:
    """Answers N/A (SCORING §1) to every visible question of `section` that allows it, through
    the autosave's checks and writes, so progress, status and the audit trail follow as for
    `save_responses`.

    Chosen where SCORING is silent: marking a section N/A is the consultant saying that part
    of the questionnaire does not exist for this business, so it replaces the answers already
    given there (the audit row keeps what they were); the consultant's notes stay. A question
    already N/A is left as it is, so marking a section twice changes nothing the second time.
    The questions that cannot be N/A are reported by their position among the section's
    visible questions (as `ItemError.index`); hidden follow-ups are neither marked nor
    reported."""
    async with uow:
        assessment = await changeable(uow, actor, assessment_id)
        if assessment.status is AssessmentStatus.COMPLETED:
            raise AlreadyCompleted
        sheet = await uow.responses.answers(assessment_id)
        marks = not_applicable_answers(bank.questions, sheet, section)
        checked, errors = _checked(bank, marks)
        valid = [a for a in checked if not _already_na(sheet.get(a.question_key))]
        saved: list[StoredResponse] = []
        if valid:
            written = await uow.responses.save(assessment_id, valid)
            saved = written.saved
            assessment = await _after_save(uow, clock, bank.questions, assessment, written.sheet)
            replaced = {
                a.question_key: _answer_given(sheet[a.question_key])
                for a in valid
                if a.question_key in sheet and sheet[a.question_key].is_answered
            }
            await uow.activity.record(
                _event(
                    actor,
                    assessment,
                    "section_marked_not_applicable",
                    f"{len(saved)} answer(s) of section {section.value} marked N/A",
                    section=section.value,
                    saved=len(saved),
                    marked=[a.question_key for a in valid],
                    replaced=replaced,
                )
            )
        await uow.commit()
    return SaveOutcome(assessment=assessment, saved=saved, errors=errors)


def _checked(bank: Bank, answers: Sequence[Answer]) -> tuple[list[Answer], list[ItemError]]:
    """Each answer checked on its own: the valid ones (normalised), and the others by position."""
    valid: list[Answer] = []
    errors: list[ItemError] = []
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        question = bank.by_key.get(answer.question_key)
        if question is None:
            errors.append(ItemError(index, "question_id", "no such question"))
        elif answer.question_key in seen:
            errors.append(
                ItemError(index, "question_id", "the question is answered twice in this batch")
            )
        else:
            try:
                valid.append(validate_answer(question, answer))
                seen.add(answer.question_key)
            except InvalidAnswer as exc:
                errors.append(ItemError(index, exc.field, exc.message))
    return valid, errors


def _already_na(answer: Answer | None) -> bool:
    return answer is not None and answer.not_applicable


def _answer_given(answer: Answer) -> dict[str, object]:
    """What an answer said, for the audit trail."""
    given: dict[str, object] = {}
    if answer.value is not None:
        given["value"] = answer.value
    if answer.values:
        given["values"] = list(answer.values)
    if answer.rating is not None:
        given["rating"] = answer.rating
    return given


async def _after_save(
    uow: UnitOfWork,
    clock: Clock,
    questions: Sequence[Question],
    assessment: Assessment,
    sheet: Answers,
) -> Assessment:
    copies = mirrored(questions, sheet)
    changes: dict[str, object] = {
        "progress_percentage": progress(questions, sheet),
        "entity_type": copies[Mirror.ENTITY_TYPE],
        "is_s_corp_on_payroll": copies[Mirror.S_CORP_ON_PAYROLL],
    }
    if assessment.status is AssessmentStatus.DRAFT:
        changes |= {"status": AssessmentStatus.IN_PROGRESS.value, "started_at": clock.now()}
    return await uow.assessments.update(assessment.id, changes)


async def complete_assessment(
    *, uow: UnitOfWork, clock: Clock, bank: Bank, actor: User, assessment_id: UUID
) -> Assessment:
    """SCORING §5: every visible required question answered, then the DISC profile, the phase
    result and the checklist (§6) are stored with the completed status in one transaction."""
    async with uow:
        assessment = await changeable(uow, actor, assessment_id)
        if assessment.status is AssessmentStatus.COMPLETED:
            raise AlreadyCompleted
        sheet = await uow.responses.answers(assessment_id)
        missing = missing_required(bank.questions, sheet)
        if missing:
            raise Incomplete([q.key for q in missing])
        now = clock.now()
        card = score(bank.questions, sheet)
        await uow.results.save(assessment_id, card, now)
        phases = card.phases
        applied = applicable(
            bank.recommendations, bank.questions, sheet, phases.primary, phases.secondary
        )
        await uow.checklists.add(
            assessment_id, checklist(applied, phases.primary, phases.secondary), actor.id
        )
        assessment = await uow.assessments.update(
            assessment_id,
            {
                "status": AssessmentStatus.COMPLETED.value,
                "completed_at": now,
                "progress_percentage": COMPLETE,
            },
        )
        await uow.activity.record(
            _event(
                actor,
                assessment,
                "completed",
                "assessment completed and scored",
                primary_phase=phases.primary.value,
            )
        )
        await uow.commit()
    return assessment
