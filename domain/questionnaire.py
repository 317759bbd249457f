"""The questionnaire's rules: which questions are visible, what a valid answer is, progress
and completeness (SCORING §1 and §5).

Every function takes the questions in bank order and the answers by question key; none looks
at the order of the answers, so saving answers in any order gives the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain.errors import ValidationError
from domain.model import Answer, Answers, Mirror, Question, QuestionType, Section
from domain.text import text_problem

TEXT_MAX_LENGTH = 5_000
NOTES_MAX_LENGTH = 5_000
RATING_MIN, RATING_MAX = 1, 5
TWO_PLACES = Decimal("0.01")


class InvalidAnswer(ValidationError):
    """An answer breaks its question's rules. `field` is the answer's field (value, values,
    rating, not_applicable, notes); `question_key` names the question."""

    def __init__(self, question: Question | str, field: str, reason: str) -> None:
        key = question if isinstance(question, str) else question.key
        super().__init__(field, f"{key}: {reason}")
        self.question_key = key
        self.reason = reason


def visible_questions(questions: Sequence[Question], answers: Answers) -> list[Question]:
    """SCORING §1 "Conditional": a conditional question is visible while its (visible)
    parent's answer equals, or for multiple choice contains, the trigger value. A hidden
    parent hides its children, whatever answers they keep."""
    visible: list[Question] = []
    shown: set[str] = set()
    for question in questions:
        condition = question.condition
        if condition is not None:
            parent_answer = answers.get(condition.parent_key)
            if condition.parent_key not in shown or parent_answer is None:
                continue
            if parent_answer.not_applicable:
                continue
            if condition.value not in (parent_answer.value, *parent_answer.values):
                continue
        visible.append(question)
        shown.add(question.key)
    return visible


def by_section(questions: Iterable[Question]) -> list[tuple[Section, list[Question]]]:
    """The questions grouped by section: the sections in the order of their first question,
    each one's questions in the order given. A section with no question is left out."""
    groups: dict[Section, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.section, []).append(question)
    return list(groups.items())


def not_applicable_answers(
    questions: Sequence[Question], answers: Answers, section: Section
) -> list[Answer]:
    """An N/A answer for each visible question of `section`, in order, keeping the notes of
    the answer it replaces (they are the consultant's, not the client's answer). Whether a
    question may be N/A is left to `validate_answer`, which refuses those that may not."""
    return [
        Answer(
            question_key=question.key,
            not_applicable=True,
            notes=answers[question.key].notes if question.key in answers else None,
        )
        for question in visible_questions(questions, answers)
        if question.section is section
    ]


def visible_answers(
    questions: Sequence[Question], answers: Answers
) -> list[tuple[Question, Answer]]:
    """The visible questions that have an answer, with it, in bank order."""
    return [
        (question, answers[question.key])
        for question in visible_questions(questions, answers)
        if question.key in answers and answers[question.key].is_answered
    ]


def validate_answer(question: Question, answer: Answer) -> Answer:
    """Checks `answer` against `question` (SCORING §1 and the API's limits) and returns it
    normalised: multiple-choice values in the question's option order. Raises InvalidAnswer."""
    _check_characters(question, answer)
    if answer.notes is not None and len(answer.notes) > NOTES_MAX_LENGTH:
        raise InvalidAnswer(
            question, "notes", f"notes are limited to {NOTES_MAX_LENGTH} characters"
        )
    given = _given_fields(answer)
    if answer.not_applicable:
        if not question.allows_na:
            raise InvalidAnswer(question, "not_applicable", "this question cannot be answered N/A")
        if given:
            raise InvalidAnswer(question, given[0], "give an answer or N/A, not both")
        return answer
    expected = _EXPECTED_FIELD[question.type]
    stray = [name for name in given if name != expected]
    if stray:
        raise InvalidAnswer(
            question, stray[0], f"a {_TYPE_NAMES[question.type]} question takes {_HOW[expected]}"
        )
    if not given:
        return answer  # unanswered, perhaps with notes
    return _CHECKS[question.type](question, answer)


def _check_characters(question: Question, answer: Answer) -> None:
    """The answer's text fields against `domain.text`'s rule of what text is accepted."""
    texts = (
        ("notes", answer.notes),
        ("value", answer.value),
        *(("values", v) for v in answer.values),
    )
    for field, text in texts:
        problem = None if text is None else text_problem(text)
        if problem is not None:
            raise InvalidAnswer(question, field, f"{field} {problem}")


def _given_fields(answer: Answer) -> list[str]:
    given = []
    if answer.value is not None:
        given.append("value")
    if answer.values:
        given.append("values")
    if answer.rating is not None:
        given.append("rating")
    return given


def _check_single(question: Question, answer: Answer) -> Answer:
    if question.option(answer.value or "") is None:
        raise InvalidAnswer(question, "value", f"{answer.value!r} is not one of the options")
    return answer


def _check_multiple(question: Question, answer: Answer) -> Answer:
    unknown = [v for v in answer.values if question.option(v) is None]
    if unknown:
        raise InvalidAnswer(question, "values", f"{unknown[0]!r} is not one of the options")
    if len(set(answer.values)) != len(answer.values):
        raise InvalidAnswer(question, "values", "an option is chosen more than once")
    ordered = tuple(o.value for o in question.options if o.value in answer.values)
    return replace(answer, values=ordered)


def _check_rating(question: Question, answer: Answer) -> Answer:
    rating = answer.rating
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise InvalidAnswer(question, "rating", "a rating is a whole number from 1 to 5")
    if not RATING_MIN <= rating <= RATING_MAX:
        raise InvalidAnswer(question, "rating", f"a rating is from 1 to 5, not {rating}")
    return answer


def _check_text(question: Question, answer: Answer) -> Answer:
    text = answer.value or ""
    if not text.strip():
        raise InvalidAnswer(question, "value", "the answer is blank")
    if len(text) > TEXT_MAX_LENGTH:
        raise InvalidAnswer(
            question, "value", f"answers are limited to {TEXT_MAX_LENGTH} characters"
        )
    return answer


_EXPECTED_FIELD = {
    QuestionType.SINGLE_CHOICE: "value",
    QuestionType.MULTIPLE_CHOICE: "values",
    QuestionType.RATING: "rating",
    QuestionType.TEXT: "value",
}
_TYPE_NAMES = {
    QuestionType.SINGLE_CHOICE: "single-choice",
    QuestionType.MULTIPLE_CHOICE: "multiple-choice",
    QuestionType.RATING: "rating",
    QuestionType.TEXT: "text",
}
_HOW = {"value": "one value", "values": "a list of values", "rating": "a rating"}
_CHECKS = {
    QuestionType.SINGLE_CHOICE: _check_single,
    QuestionType.MULTIPLE_CHOICE: _check_multiple,
    QuestionType.RATING: _check_rating,
    QuestionType.TEXT: _check_text,
}


def progress(questions: Sequence[Question], answers: Answers) -> Decimal:
    """SCORING §5: 100 × answered visible questions / visible questions, 2 decimals
    (N/A counts as answered)."""
    visible = visible_questions(questions, answers)
    if not visible:
        return Decimal("0.00")
    answered = len(visible_answers(questions, answers))
    return to_two_places(Fraction(100 * answered, len(visible)))


def missing_required(questions: Sequence[Question], answers: Answers) -> list[Question]:
    """SCORING §5: the visible required questions still unanswered, in bank order."""
    return [
        question
        for question in visible_questions(questions, answers)
        if question.required and not (question.key in answers and answers[question.key].is_answered)
    ]


def to_two_places(value: Fraction) -> Decimal:
    """Exact arithmetic rounded half up, as the database's DECIMAL(5,2) shows it."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


def answers_by_key(answers: Iterable[Answer]) -> dict[str, Answer]:
    return {answer.question_key: answer for answer in answers}


def mirrored(questions: Sequence[Question], answers: Answers) -> dict[Mirror, str | bool | None]:
    """SCORING §1 "Mirrors": what the assessment's entity_type and is_s_corp_on_payroll
    columns hold. The entity type is the chosen option's label ("S-Corporation (S-Corp)");
    payroll is True, False, or None when unsure, unanswered or hidden (a changed entity type
    hides the follow-up, and its stale answer must not linger in the column)."""
    result: dict[Mirror, str | bool | None] = {
        Mirror.ENTITY_TYPE: None,
        Mirror.S_CORP_ON_PAYROLL: None,
    }
    for question, answer in visible_answers(questions, answers):
        if question.mirror is None or answer.not_applicable:
            continue
        option = question.option(answer.value or "")
        if option is None:
            continue
        result[question.mirror] = (
            option.label if question.mirror is Mirror.ENTITY_TYPE else option.mirror
        )
    return result
