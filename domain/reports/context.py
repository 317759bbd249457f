"""What both reports share: the facts worked out once per report, and answers in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.bank import Tone
from domain.model import (
    Answer,
    Answers,
    Phase,
    Question,
    QuestionType,
    Section,
    User,
)
from domain.phases import band
from domain.questionnaire import visible_questions
from domain.recommendations import (
    Recommendation,
    applicable,
    quick_wins,
    tone_for,
)
from domain.reports.documents import (
    CLIENT_BANDS,
    MONTHS,
    TRAIT_NAMES,
    AnswerRow,
    AnswerSection,
    Branding,
    PhaseReading,
    ReportInputs,
)

# -- shared facts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportContext:
    inputs: ReportInputs
    questions: tuple[Question, ...]
    answers: Answers
    primary: Phase
    secondary: tuple[Phase, ...]
    applied: tuple[Recommendation, ...]
    wins: tuple[Recommendation, ...]
    tone: Tone
    tone_key: str
    branding: Branding

    @classmethod
    def of(cls, inputs: ReportInputs) -> ReportContext:
        if inputs.phases.assessment_id != inputs.assessment.id or (
            inputs.disc is not None and inputs.disc.assessment_id != inputs.assessment.id
        ):
            raise ValueError("the results belong to another assessment")
        bank, result = inputs.bank, inputs.phases
        applied = applicable(
            bank.recommendations, bank.questions, inputs.answers, result.primary, result.secondary
        )
        wins = quick_wins(applied, bank.recommendations, result.primary, result.secondary)
        tone_key = tone_for(inputs.disc.primary if inputs.disc else None)
        return cls(
            inputs=inputs,
            questions=bank.questions,
            answers=inputs.answers,
            primary=result.primary,
            secondary=result.secondary,
            applied=tuple(applied),
            wins=tuple(wins),
            tone=bank.tones[tone_key],
            tone_key=tone_key,
            branding=inputs.branding or Branding(),
        )

    def phase_name(self, phase: Phase) -> str:
        return self.inputs.bank.phases[phase].name

    def readiness(self, phase: Phase) -> Decimal:
        return self.inputs.phases.readiness[phase]

    def reading(self, phase: Phase, *, client: bool) -> PhaseReading:
        value = self.readiness(phase)
        level = band(value)
        return PhaseReading(
            phase=phase,
            name=self.phase_name(phase),
            readiness=value,
            figure=figure(value) if not client else str(percent(value)),
            percent=percent(value),
            band=CLIENT_BANDS[level] if client else level.value,
            is_primary=phase is self.primary,
            is_secondary=phase in self.secondary,
        )


def figure(value: Decimal) -> str:
    """Two decimals, as stored: a consultant sees 69.99 as 69.99, never as a rounded 70."""
    return f"{value:.2f}"


def percent(value: Decimal) -> int:
    return max(0, min(100, int(value.quantize(Decimal(1)))))


def date_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def answered_on(inputs: ReportInputs) -> date:
    completed = inputs.assessment.completed_at
    return completed.date() if completed is not None else inputs.on


def full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip()


def join_names(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# -- answers in words -------------------------------------------------------------------------


def answer_label(question: Question, answer: Answer | None) -> str:
    """An answer as the client chose it: option labels, "4 of 5 (Quite confident)", the text,
    "Not applicable" or "Not answered"; never a stored value or a point."""
    if answer is None or not answer.is_answered:
        return "Not answered"
    if answer.not_applicable:
        return "Not applicable"
    if question.type is QuestionType.RATING and answer.rating is not None:
        scale = question.scale[answer.rating - 1] if len(question.scale) >= answer.rating else ""
        return f"{answer.rating} of 5 ({scale})" if scale else f"{answer.rating} of 5"
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return "; ".join(_option_label(question, value) for value in answer.values)
    if question.type is QuestionType.TEXT:
        return answer.value or ""
    return _option_label(question, answer.value or "")


def _option_label(question: Question, value: str) -> str:
    option = question.option(value)
    return option.label if option is not None else value


def _style_signal(question: Question, answer: Answer) -> str | None:
    option = question.option(answer.value or "") if question.is_disc else None
    if option is None or not option.disc_points:
        return None
    trait = next(iter(option.disc_points))
    return f"{trait.value} ({TRAIT_NAMES[trait]})"


def answer_sections(context: ReportContext) -> tuple[AnswerSection, ...]:
    visible = visible_questions(context.questions, context.answers)
    sections: list[AnswerSection] = []
    for section in _section_order(visible):
        rows = tuple(
            _answer_row(question, context.answers.get(question.key))
            for question in visible
            if question.section is section
        )
        sections.append(AnswerSection(context.inputs.bank.sections[section].title, rows))
    return tuple(sections)


def _section_order(questions: Sequence[Question]) -> list[Section]:
    order: list[Section] = []
    for question in questions:
        if question.section not in order:
            order.append(question.section)
    return order


def _answer_row(question: Question, answer: Answer | None) -> AnswerRow:
    notes = answer.notes.strip() if answer is not None and answer.notes else None
    return AnswerRow(
        key=question.key,
        question=question.text,
        answer=answer_label(question, answer),
        notes=notes or None,
        not_applicable=answer is not None and answer.not_applicable,
        style_signal=_style_signal(question, answer) if answer is not None else None,
    )
