"""Assessment use cases: create, update, delete, archive and unarchive, autosave answers,
mark a section not applicable, complete, re-score.

A consultant reaches only their own assessments, an admin every one; anything else is
`NotFound`, exactly like a missing or deleted assessment. Each use case is one unit of work
and records its activity row in the same transaction.

Only a completed assessment can be archived. An archived one is read-only: every use case
that changes an assessment, its answers, notes or reports finds it with `changeable`, which
refuses it (`Archived`) until it is unarchived.

Completion fixes the answers; their notes stay editable, and a completed assessment can be
re-scored with the bank in force (`recalculate_assessment`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from domain.access import may_see_assessment
from domain.assessments import Assessment, check_client_details
from domain.bank import Bank
from domain.errors import (
    AlreadyCompleted,
    Archived,
    DomainError,
    Incomplete,
    NotCompleted,
    NotFound,
    ValidationError,
)
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
from domain.ports import Clock, SavedAnswers, StoredResponse, UnitOfWork
from domain.questionnaire import (
    InvalidAnswer,
    mirrored,
    missing_required,
    not_applicable_answers,
    progress,
    validate_answer,
)
from domain.recommendations import ChecklistDraft, applicable, checklist, checklist_additions
from domain.scoring import Scorecard, score

COMPLETE = Decimal("100.00")


@dataclass(frozen=True, slots=True)
class ItemError:
    """One answer of a batch that was not saved: its position, field and reason, and the
    kind of refusal (an invalid answer, or one a completed assessment no longer takes)."""

    index: int
    field: str
    message: str
    kind: type[DomainError] = ValidationError


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    assessment: Assessment
    saved: list[StoredResponse]
    errors: list[ItemError]


async def reachable(
    uow: UnitOfWork, actor: User, assessment_id: UUID, *, lock: bool = False
) -> Assessment:
    """The assessment if the actor may see it; NotFound otherwise, as if it did not exist."""
    return _seen(actor, await uow.assessments.get(assessment_id, lock=lock))


async def changeable(uow: UnitOfWork, actor: User, assessment_id: UUID) -> Assessment:
    """The assessment, locked, if the actor may see it and it may change: NotFound as
    `reachable`, Archived when it is archived."""
    return _changing(actor, await uow.assessments.get(assessment_id, lock=True))


async def changeable_with_answers(
    uow: UnitOfWork, actor: User, assessment_id: UUID, *, notes: bool
) -> tuple[Assessment, Answers]:
    """`changeable`, and the assessment's stored answers read under its lock (one round
    trip), with their notes only if `notes`."""
    found, answers = await uow.responses.answers_locked(assessment_id, notes=notes)
    return _changing(actor, found), answers


def _seen(actor: User, assessment: Assessment | None) -> Assessment:
    if assessment is None or not may_see_assessment(actor, assessment):
        raise NotFound("no such assessment")
    return assessment


def _changing(actor: User, assessment: Assessment | None) -> Assessment:
    seen = _seen(actor, assessment)
    if seen.archived:
        raise Archived
    return seen


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
    to in progress; progress and the mirrored columns follow every save. On a completed
    assessment only notes change (`_save_notes`)."""
    valid, positions, errors = _checked(bank, answers)
    async with uow:
        written = SavedAnswers(saved=[], sheet={})
        if valid:
            # The save goes with the lock (one round trip); one the actor may not make is
            # rolled back with the unit of work when `_changing` refuses.
            found, written = await uow.responses.save_locked(assessment_id, valid)
            assessment = _changing(actor, found)
        else:
            assessment = await changeable(uow, actor, assessment_id)
        if assessment.status is AssessmentStatus.COMPLETED:
            outcome = await _save_notes(
                uow, actor, assessment, written.sheet, valid, positions, errors
            )
            await uow.commit()
            return outcome
        saved = written.saved
        if saved:
            assessment = await _after_save(
                uow, clock, bank.questions, assessment, written.sheet, saved[0].updated_at
            )
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


NOTES_ONLY = "the assessment is completed: its answers can no longer change, only their notes"
_ANSWER_FIELDS = ("not_applicable", "value", "values", "rating")


def changed_answer_field(before: Answer, after: Answer) -> str | None:
    """The first of the answer's own fields (its notes aside) that `after` changes, or None
    when it gives the stored answer unchanged."""
    for name in _ANSWER_FIELDS:
        if getattr(before, name) != getattr(after, name):
            return name
    return None


async def _save_notes(
    uow: UnitOfWork,
    actor: User,
    assessment: Assessment,
    stored: Answers,
    valid: Sequence[Answer],
    positions: Sequence[int],
    errors: list[ItemError],
) -> SaveOutcome:
    """A completed assessment keeps its answers (`stored`, their notes aside) but takes new
    notes. An item must name a question the assessment has a stored response to and give
    that response's answer unchanged (each item replaces a response whole, so leaving the
    answer out would clear it); anything else is refused by position as AlreadyCompleted,
    and the others are saved. Progress, status and results stay as they are."""
    kept: list[Answer] = []
    for index, answer in zip(positions, valid, strict=True):
        before = stored.get(answer.question_key)
        if before is None:
            field: str | None = "question_id"
            message = "the assessment is completed: only the notes of a stored answer can change"
        else:
            field, message = changed_answer_field(before, answer), NOTES_ONLY
        if field is None:
            kept.append(answer)
        else:
            errors.append(ItemError(index, field, message, AlreadyCompleted))
    errors.sort(key=lambda error: error.index)
    saved: list[StoredResponse] = []
    if kept:
        saved = (await uow.responses.save(assessment.id, kept)).saved
        await uow.activity.record(
            _event(
                actor,
                assessment,
                "notes_edited",
                f"notes of {len(saved)} answer(s) of a completed assessment edited",
                questions=[a.question_key for a in kept],
            )
        )
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
        assessment, sheet = await changeable_with_answers(uow, actor, assessment_id, notes=True)
        if assessment.status is AssessmentStatus.COMPLETED:
            raise AlreadyCompleted
        marks = not_applicable_answers(bank.questions, sheet, section)
        checked, _, errors = _checked(bank, marks)
        valid = [a for a in checked if not _already_na(sheet.get(a.question_key))]
        saved: list[StoredResponse] = []
        if valid:
            written = await uow.responses.save(assessment_id, valid)
            saved = written.saved
            assessment = await _after_save(
                uow, clock, bank.questions, assessment, written.sheet, saved[0].updated_at
            )
            # The questions, not the answers: those are kept only encrypted (README).
            replaced = [
                a.question_key
                for a in valid
                if a.question_key in sheet and sheet[a.question_key].is_answered
            ]
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


def _checked(
    bank: Bank, answers: Sequence[Answer]
) -> tuple[list[Answer], list[int], list[ItemError]]:
    """Each answer checked on its own: the valid ones (normalised) with their positions, and
    the others by position."""
    valid: list[Answer] = []
    positions: list[int] = []
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
                positions.append(index)
                seen.add(answer.question_key)
            except InvalidAnswer as exc:
                errors.append(ItemError(index, exc.field, exc.message))
    return valid, positions, errors


def _already_na(answer: Answer | None) -> bool:
    return answer is not None and answer.not_applicable


async def _after_save(
    uow: UnitOfWork,
    clock: Clock,
    questions: Sequence[Question],
    assessment: Assessment,
    sheet: Answers,
    at: datetime,
) -> Assessment:
    """Progress, the mirrored columns and a draft's start follow the saved `sheet`; nothing
    after a save reads the row back, so the update goes with the save's commit."""
    copies = mirrored(questions, sheet)
    changes: dict[str, object] = {
        "progress_percentage": progress(questions, sheet),
        "entity_type": copies[Mirror.ENTITY_TYPE],
        "is_s_corp_on_payroll": copies[Mirror.S_CORP_ON_PAYROLL],
    }
    if assessment.status is AssessmentStatus.DRAFT:
        changes |= {"status": AssessmentStatus.IN_PROGRESS.value, "started_at": clock.now()}
    return await uow.assessments.update_later(assessment, changes, at)


def _scored(
    bank: Bank, sheet: Answers, *, due_from: date
) -> tuple[Scorecard, list[ChecklistDraft]]:
    """SCORING §2-6 over the answers with this bank: the card and the checklist it leads to,
    its items due within their time frames from `due_from`."""
    card = score(bank.questions, sheet)
    phases = card.phases
    applied = applicable(
        bank.recommendations, bank.questions, sheet, phases.primary, phases.secondary
    )
    return card, checklist(applied, phases.primary, phases.secondary, due_from=due_from)


async def complete_assessment(
    *, uow: UnitOfWork, clock: Clock, bank: Bank, actor: User, assessment_id: UUID
) -> Assessment:
    """SCORING §5: every visible required question answered, then the DISC profile, the phase
    result and the checklist (§6) are stored with the completed status in one transaction.
    The checklist's items are due within their time frames from the day (UTC) of completion,
    and go after any the consultant added before."""
    async with uow:
        assessment, sheet = await changeable_with_answers(uow, actor, assessment_id, notes=False)
        if assessment.status is AssessmentStatus.COMPLETED:
            raise AlreadyCompleted
        missing = missing_required(bank.questions, sheet)
        if missing:
            raise Incomplete([q.key for q in missing])
        now = clock.now()
        card, items = _scored(bank, sheet, due_from=now.date())
        await uow.results.save(assessment_id, card, now)
        await uow.checklists.add(assessment_id, items, actor.id)
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
                primary_phase=card.phases.primary.value,
            )
        )
        await uow.commit()
    return assessment


async def recalculate_assessment(
    *, uow: UnitOfWork, clock: Clock, bank: Bank, actor: User, assessment_id: UUID
) -> Assessment:
    """Scores a completed assessment again with this bank, as completion scored it: the
    answers stay, the phase result and DISC profile are replaced, and the checklist gains the
    actions it lacks (`checklist_additions`), after its last item; the items already there
    stay exactly as they are, the consultant's changes and deletions included. The added
    items are due within their time frames from the day (UTC) of the re-score. The audit row
    holds the old and new primary phase and DISC type."""
    async with uow:
        assessment, sheet = await changeable_with_answers(uow, actor, assessment_id, notes=False)
        if assessment.status is not AssessmentStatus.COMPLETED:
            raise NotCompleted("only a completed assessment can be recalculated")
        now = clock.now()
        card, items = _scored(bank, sheet, due_from=now.date())
        before = await uow.results.replace(assessment_id, card, now)
        added = checklist_additions(items, await uow.checklists.entries(assessment_id))
        await uow.checklists.add(assessment_id, added, actor.id)
        old = {
            "primary_phase": before.primary_phase.value if before.primary_phase else None,
            "disc_type": before.disc_type.value if before.disc_type else None,
        }
        new = {
            "primary_phase": card.phases.primary.value,
            "disc_type": card.disc.primary.value if card.disc else None,
        }
        await uow.activity.record(
            _event(
                actor,
                assessment,
                "recalculated",
                "assessment scored again with the current question bank",
                bank_version=bank.version,
                old=old,
                new=new,
                checklist_items_added=len(added),
            )
        )
        await uow.commit()
    return assessment
