"""Builders for small, hand-made banks: each scoring table below states its own questions
and points, so the expected numbers follow from SCORING.md, not from the real bank."""

from __future__ import annotations

from domain.model import (
    Answer,
    AnswerOption,
    Condition,
    DiscType,
    Mirror,
    Phase,
    Question,
    QuestionType,
    Section,
)

_order = iter(range(10, 10**9, 10))


def option(value: str, mirror: bool | None = None, **points: int) -> AnswerOption:
    """option("good", stabilize=5) or option("direct", D=1)."""
    phase_points = {Phase(k): v for k, v in points.items() if k in set(Phase)}
    disc_points = {DiscType(k): v for k, v in points.items() if k in set(DiscType)}
    return AnswerOption(value, value.title(), phase_points, disc_points, mirror)


def single(
    key: str,
    *options: AnswerOption,
    section: Section = Section.STABILIZE,
    allows_na: bool = False,
    required: bool = True,
    condition: Condition | None = None,
    mirror: Mirror | None = None,
) -> Question:
    return Question(
        key=key,
        section=section,
        type=QuestionType.SINGLE_CHOICE,
        text=f"Question {key}?",
        order=next(_order),
        options=options,
        required=required,
        allows_na=allows_na,
        condition=condition,
        mirror=mirror,
    )


def multiple(
    key: str,
    *options: AnswerOption,
    caps: dict[Phase, int] | None = None,
    condition: Condition | None = None,
) -> Question:
    return Question(
        key=key,
        section=Section.ORGANIZE,
        type=QuestionType.MULTIPLE_CHOICE,
        text=f"Question {key}?",
        order=next(_order),
        options=options,
        caps=caps or {},
        condition=condition,
    )


def rating(key: str, **weights: int) -> Question:
    return Question(
        key=key,
        section=Section.SYSTEMIC,
        type=QuestionType.RATING,
        text=f"Question {key}?",
        order=next(_order),
        rating_weights={Phase(k): v for k, v in weights.items()},
        scale=("1", "2", "3", "4", "5"),
    )


def text(key: str, required: bool = False) -> Question:
    return Question(
        key=key,
        section=Section.SYSTEMIC,
        type=QuestionType.TEXT,
        text=f"Question {key}?",
        order=next(_order),
        required=required,
    )


def disc_question(key: str, none_option: bool = True) -> Question:
    """A one-hot DISC question: options d, i, s, c (1 point each) and "none"."""
    options = [option(t.lower(), **{t: 1}) for t in "DISC"]
    if none_option:
        options.append(option("none"))
    return single(key, *options, section=Section.DISC)


def answers(*given: Answer) -> dict[str, Answer]:
    return {a.question_key: a for a in given}


def pick(key: str, value: str) -> Answer:
    return Answer(key, value=value)


def picks(key: str, *values: str) -> Answer:
    return Answer(key, values=values)


def rate(key: str, value: int) -> Answer:
    return Answer(key, rating=value)


def na(key: str) -> Answer:
    return Answer(key, not_applicable=True)
