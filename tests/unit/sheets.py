"""Answer sheets over the real bank: uniformly random ones, and the best and worst a business
could give, section by section."""

from __future__ import annotations

import random
from collections.abc import Sequence

from domain.model import (
    PHASE_SEQUENCE,
    Answer,
    AnswerOption,
    Phase,
    Question,
    QuestionType,
    Section,
)
from domain.questionnaire import visible_questions

PHASE_OF_SECTION = {Section(phase.value): phase for phase in PHASE_SEQUENCE}


def random_sheet(questions: Sequence[Question], rng: random.Random) -> dict[str, Answer]:
    """Every visible question answered, each valid answer (N/A included where allowed) equally
    likely; a multiple-choice question gets a uniformly random non-empty subset."""
    sheet: dict[str, Answer] = {}
    for question in questions:
        if _visible(question, questions, sheet):
            sheet[question.key] = random_answer(question, rng)
    return sheet


def _visible(question: Question, questions: Sequence[Question], sheet: dict[str, Answer]) -> bool:
    # Parents come first in the bank, so the answers so far decide; the domain rule decides.
    return question.condition is None or question in visible_questions(questions, sheet)


def random_answer(question: Question, rng: random.Random) -> Answer:
    key = question.key
    na = [Answer(key, not_applicable=True)] if question.allows_na else []
    if question.type is QuestionType.SINGLE_CHOICE:
        return rng.choice([Answer(key, value=o.value) for o in question.options] + na)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        if na and rng.random() < 1 / (len(question.options) + 1):
            return na[0]
        while True:
            chosen = tuple(o.value for o in question.options if rng.random() < 0.5)
            if chosen:
                return Answer(key, values=chosen)
    if question.type is QuestionType.RATING:
        return rng.choice([Answer(key, rating=r) for r in range(1, 6)] + na)
    return Answer(key, value="Anything else: we are opening a second shop next year.")


def _total(option: AnswerOption, phases: set[Phase] | None = None) -> int:
    return sum(w for p, w in option.phase_points.items() if phases is None or p in phases)


def extreme_answer(question: Question, best: bool) -> Answer:
    """The answer earning the most (or fewest) phase points; never N/A."""
    key = question.key
    if question.type is QuestionType.SINGLE_CHOICE:
        options = sorted(question.options, key=_total, reverse=best)
        return Answer(key, value=options[0].value)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        if best:
            return Answer(key, values=tuple(o.value for o in question.options if _total(o) > 0))
        return Answer(key, values=(min(question.options, key=_total).value,))
    if question.type is QuestionType.RATING:
        return Answer(key, rating=5 if best else 1)
    return Answer(key, value="Nothing more to add.")


def sheet_where(questions: Sequence[Question], weak: set[Section]) -> dict[str, Answer]:
    """The worst answers in the `weak` sections, the best everywhere else."""
    sheet: dict[str, Answer] = {}
    for question in questions:
        if _visible(question, questions, sheet):
            sheet[question.key] = extreme_answer(question, best=question.section not in weak)
    return sheet
