"""Phase readiness and the phase result (SCORING §2 and §3).

Readiness is computed exactly (fractions) and rounded half up to two decimals; every rule
that compares readiness (the 70 mastery line, the 15-point window, the 40 and 50 floors) reads
the rounded value, the one stored and shown, so a report never says 70.00 beside "below 70".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.model import (
    PHASE_SEQUENCE,
    Answer,
    Answers,
    Mirror,
    Phase,
    Question,
    QuestionType,
)
from domain.questionnaire import to_two_places, visible_answers

MASTERY = Decimal(70)  # §3: at or above, a phase is in place
SECONDARY_WINDOW = Decimal(15)  # §3: secondary phases lie within this many points
CRITICAL_STABILIZE_BELOW = Decimal(40)
FOUNDATION_BELOW = Decimal(50)
MULTIPLE_CHOICE_CAP = 5
RATING_STEPS = 4  # r - 1 over 4: 1 earns nothing, 5 earns the full weight
S_CORP = "s_corp"
FOUR_FOUNDATIONS = PHASE_SEQUENCE[:4]  # the first four; Systemic comes after them


class Flag(enum.StrEnum):
    CRITICAL_STABILIZE = "CRITICAL_STABILIZE"
    SCORP_PAYROLL_RISK = "SCORP_PAYROLL_RISK"
    FOUNDATION_GAP = "FOUNDATION_GAP"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    DISC_UNDETERMINED = "DISC_UNDETERMINED"


class Band(enum.StrEnum):
    """§2 bands, used in reports."""

    EXCELLENT = "Excellent"
    GOOD = "Good"
    FAIR = "Fair"
    NEEDS_ATTENTION = "Needs attention"
    PRIORITY_FOCUS = "Priority focus"


def band(readiness: Decimal) -> Band:
    """§2: >= 80 Excellent, 60-79 Good, 40-59 Fair, 20-39 Needs attention, < 20 Priority
    focus. Readiness has two decimals, so 79.99 is Good and 80.00 Excellent."""
    if readiness >= 80:
        return Band.EXCELLENT
    if readiness >= 60:
        return Band.GOOD
    if readiness >= 40:
        return Band.FAIR
    if readiness >= 20:
        return Band.NEEDS_ATTENTION
    return Band.PRIORITY_FOCUS


@dataclass(frozen=True, slots=True)
class PhaseResult:
    readiness: Mapping[Phase, Decimal]
    primary: Phase
    secondary: tuple[Phase, ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Points in quarters, so that a rating's w × (r − 1) / 4 stays a whole number and the
    sums stay exact without fractions."""

    earned: int
    maximum: int


def question_points(question: Question, answer: Answer, phase: Phase) -> Tally:
    """§2: what one visible, answered, not-N/A answer earns for `phase`, and its maximum."""
    quarters = RATING_STEPS
    if answer.not_applicable:
        return Tally(0, 0)
    if question.type is QuestionType.SINGLE_CHOICE:
        option = question.option(answer.value or "")
        best = max((o.phase_points.get(phase, 0) for o in question.options), default=0)
        earned = option.phase_points.get(phase, 0) if option else 0
        return Tally(earned * quarters, best * quarters)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        cap = multiple_choice_cap(question, phase)
        chosen = sum(
            o.phase_points.get(phase, 0) for o in question.options if o.value in answer.values
        )
        return Tally(min(cap, chosen) * quarters, cap * quarters)
    if question.type is QuestionType.RATING and answer.rating is not None:
        weight = question.rating_weights.get(phase, 0)
        return Tally(weight * (answer.rating - 1), weight * quarters)
    return Tally(0, 0)  # text: nothing


def multiple_choice_cap(question: Question, phase: Phase) -> int:
    """§2: the question's stated maximum for the phase, by default the largest single option
    weight × 2, at most 5."""
    if phase in question.caps:
        return question.caps[phase]
    largest = max((o.phase_points.get(phase, 0) for o in question.options), default=0)
    return min(MULTIPLE_CHOICE_CAP, 2 * largest)


def readiness(questions: Sequence[Question], answers: Answers) -> dict[Phase, Decimal | None]:
    """§2: readiness per phase over the visible, answered, not-N/A questions; None where the
    phase had no points to earn (reported as 0 with INSUFFICIENT_DATA)."""
    answered = visible_answers(questions, answers)
    result: dict[Phase, Decimal | None] = {}
    for phase in PHASE_SEQUENCE:
        earned = maximum = 0
        for question, answer in answered:
            tally = question_points(question, answer, phase)
            earned += tally.earned
            maximum += tally.maximum
        result[phase] = to_two_places(Fraction(100 * earned, maximum)) if maximum else None
    return result


def phase_result(questions: Sequence[Question], answers: Answers) -> PhaseResult:
    """§3: the primary phase, the secondary phases and the flags. Total: any valid answer
    sheet, an empty or all-N/A one included, gives a result."""
    raw = readiness(questions, answers)
    scores = {
        phase: value if value is not None else Decimal("0.00") for phase, value in raw.items()
    }
    primary = primary_phase(scores)
    flags = [
        *([Flag.CRITICAL_STABILIZE] if scores[Phase.STABILIZE] < CRITICAL_STABILIZE_BELOW else []),
        *([Flag.SCORP_PAYROLL_RISK] if scorp_payroll_risk(questions, answers) else []),
        *([Flag.FOUNDATION_GAP] if foundation_gap(scores) else []),
        *([Flag.INSUFFICIENT_DATA] if any(v is None for v in raw.values()) else []),
    ]
    return PhaseResult(
        readiness=scores,
        primary=primary,
        secondary=secondary_phases(scores, primary),
        flags=tuple(flags),
    )


def primary_phase(scores: Mapping[Phase, Decimal]) -> Phase:
    """§3: the first of Stabilize, Organize, Build, Grow below 70; Systemic if all four are
    at or above 70."""
    for phase in FOUR_FOUNDATIONS:
        if scores[phase] < MASTERY:
            return phase
    return Phase.SYSTEMIC


def secondary_phases(scores: Mapping[Phase, Decimal], primary: Phase) -> tuple[Phase, ...]:
    """§3: every other phase below 70 whose readiness is within 15 points (inclusive) of the
    primary's, in sequence order."""
    return tuple(
        phase
        for phase in PHASE_SEQUENCE
        if phase is not primary
        and scores[phase] < MASTERY
        and abs(scores[phase] - scores[primary]) <= SECONDARY_WINDOW
    )


def foundation_gap(scores: Mapping[Phase, Decimal]) -> bool:
    """§3: some phase at or above 70 while an earlier phase in the sequence is below 50."""
    return any(
        scores[later] >= MASTERY and any(scores[earlier] < FOUNDATION_BELOW for earlier in before)
        for index, later in enumerate(PHASE_SEQUENCE)
        for before in [PHASE_SEQUENCE[:index]]
    )


def scorp_payroll_risk(questions: Sequence[Question], answers: Answers) -> bool:
    """§3: the entity type is S-Corp and the owner is not confirmed as paid through payroll.
    "Not sure" counts as a risk (a consultant must check it); so does a payroll follow-up not
    yet answered, since the entity alone already calls for the check."""
    by_mirror = {q.mirror: (q, a) for q, a in visible_answers(questions, answers) if q.mirror}
    entity = by_mirror.get(Mirror.ENTITY_TYPE)
    if entity is None or entity[1].value != S_CORP:
        return False
    payroll = by_mirror.get(Mirror.S_CORP_ON_PAYROLL)
    if payroll is None or payroll[1].not_applicable:
        return True
    option = payroll[0].option(payroll[1].value or "")
    return option is None or option.mirror is not True
