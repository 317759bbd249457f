"""The client's communication style: the DISC profile (SCORING §4).

Confidential to the consultant and admins: nothing here is ever shown to the client. The
result is a pure function of the visible DISC answers in bank order.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.model import Answers, DiscType, Question, QuestionType
from domain.questionnaire import to_two_places, visible_answers

SECONDARY_WINDOW = Decimal(15)  # §4: the secondary lies within this many points...
SECONDARY_FLOOR = Decimal(25)  # ...and scores at least this
HIGH_MARGIN = Decimal(20)
MODERATE_MARGIN = Decimal(10)
MIN_ANSWERS_FOR_CONFIDENCE = 8
TRAIT_ORDER = (DiscType.D, DiscType.I, DiscType.S, DiscType.C)


class Confidence(enum.StrEnum):
    HIGH = "HIGH"
    MODERATE = "MODERATE"
    LOW = "LOW"


@dataclass(frozen=True, slots=True)
class DiscProfile:
    scores: Mapping[DiscType, Decimal]
    primary: DiscType
    secondary: DiscType | None
    confidence: Confidence
    answered: int  # DISC questions answered (not N/A)


@dataclass(frozen=True, slots=True)
class _Tallies:
    points: dict[DiscType, int]
    maximum: dict[DiscType, int]
    last_chosen: dict[DiscType, int]  # bank position of the latest question choosing the trait
    answered: int


def _tally(questions: Sequence[Question], answers: Answers) -> _Tallies:
    points = dict.fromkeys(TRAIT_ORDER, 0)
    maximum = dict.fromkeys(TRAIT_ORDER, 0)
    last_chosen: dict[DiscType, int] = {}
    answered = 0
    for position, (question, answer) in enumerate(visible_answers(questions, answers)):
        if not question.is_disc or answer.not_applicable:
            continue
        if question.type is not QuestionType.SINGLE_CHOICE:
            continue
        answered += 1
        chosen = question.option(answer.value or "")
        for trait in TRAIT_ORDER:
            maximum[trait] += max(o.disc_points.get(trait, 0) for o in question.options)
            earned = chosen.disc_points.get(trait, 0) if chosen else 0
            if earned:
                points[trait] += earned
                last_chosen[trait] = position
    return _Tallies(points, maximum, last_chosen, answered)


def disc_profile(questions: Sequence[Question], answers: Answers) -> DiscProfile | None:
    """§4; None when no DISC points were earned at all (the result then carries
    DISC_UNDETERMINED and the reports use the neutral tone)."""
    tallies = _tally(questions, answers)
    if not any(tallies.points.values()):
        return None
    scores = {
        trait: to_two_places(Fraction(100 * tallies.points[trait], tallies.maximum[trait]))
        if tallies.maximum[trait]
        else Decimal("0.00")
        for trait in TRAIT_ORDER
    }
    ranked = rank(scores, tallies.last_chosen)
    primary, runner_up = ranked[0], ranked[1]
    margin = scores[primary] - scores[runner_up]
    secondary = (
        runner_up if margin <= SECONDARY_WINDOW and scores[runner_up] >= SECONDARY_FLOOR else None
    )
    return DiscProfile(
        scores=scores,
        primary=primary,
        secondary=secondary,
        confidence=confidence(margin, tallies.answered),
        answered=tallies.answered,
    )


def rank(scores: Mapping[DiscType, Decimal], last_chosen: Mapping[DiscType, int]) -> list[DiscType]:
    """Highest score first. Ties go to the trait chosen in the DISC question latest in bank
    order (§4 recency), never to a fixed letter; a trait never chosen comes after all that were
    (it can only tie at 0)."""
    return sorted(TRAIT_ORDER, key=lambda t: (scores[t], last_chosen.get(t, -1)), reverse=True)


def confidence(margin: Decimal, answered: int) -> Confidence:
    """§4: HIGH above 20 points between the top two, MODERATE above 10, otherwise LOW; always
    LOW with fewer than 8 DISC questions answered."""
    if answered < MIN_ANSWERS_FOR_CONFIDENCE:
        return Confidence.LOW
    if margin > HIGH_MARGIN:
        return Confidence.HIGH
    if margin > MODERATE_MARGIN:
        return Confidence.MODERATE
    return Confidence.LOW
