"""How an answer is kept in a response row: read against the question bank in force, its
value and notes sealed with the keyring (persistence/sealing.py).

The answer's value is sealed in `answer_value` as text: the option or the text as given, a
multiple-choice answer as a JSON array of options, a rating as its digits. `answer_numeric`
is left empty, since a rating in plain would show the answer; `is_not_applicable` stays in
plain. The notes are sealed in `consultant_notes`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.bank import Bank
from domain.model import Answer, QuestionType
from persistence.models import ResponseRow
from persistence.sealing import Keyring, place
from persistence.statements import Row

VALUE, NOTES = "responses.answer_value", "responses.consultant_notes"

# What an answer is made of (its notes included); the row's id and time come separately.
ANSWER_COLUMNS = (
    ResponseRow.question_id,
    ResponseRow.answer_value,
    ResponseRow.is_not_applicable,
    ResponseRow.consultant_notes,
)


@dataclass(frozen=True)
class AnswerRows:
    bank: Bank
    keys: Keyring

    def answer(self, assessment_id: UUID, row: Row) -> Answer | None:
        """The answer a row holds, or None for a question no longer in the bank: kept, but
        no longer asked or scored."""
        question = self.bank.by_id.get(row.question_id)
        if question is None:
            return None
        keys, value, values, rating = self.keys, None, (), None
        if row.answer_value is not None:
            plain = keys.open(row.answer_value, place(VALUE, assessment_id, row.question_id))
            if question.type is QuestionType.MULTIPLE_CHOICE:
                values = tuple(json.loads(plain))
            elif question.type is QuestionType.RATING and plain.isdigit():
                rating = int(plain)
            else:
                value = plain
        notes = row.consultant_notes
        if notes is not None:
            notes = keys.open(notes, place(NOTES, assessment_id, row.question_id))
        return Answer(
            question_key=question.key,
            value=value,
            values=values,
            rating=rating,
            not_applicable=row.is_not_applicable,
            notes=notes,
        )

    def sheet(self, assessment_id: UUID, rows: Iterable[Row]) -> dict[str, Answer]:
        """The answers the rows of one assessment hold, by question key (those of questions
        no longer in the bank left out)."""
        answers = (self.answer(assessment_id, row) for row in rows)
        return {a.question_key: a for a in answers if a is not None}

    def sealed(
        self, assessment_id: UUID, question_ids: Sequence[UUID], answers: Sequence[Answer]
    ) -> tuple[list[str | None], list[str | None]]:
        """The `answer_value` and `consultant_notes` columns of `answers`, sealed."""
        seal = self.keys.seal
        values: list[str | None] = []
        notes: list[str | None] = []
        for question_id, answer in zip(question_ids, answers, strict=True):
            plain = _stored_value(answer)
            values.append(
                None if plain is None else seal(plain, place(VALUE, assessment_id, question_id))
            )
            notes.append(
                None
                if answer.notes is None
                else seal(answer.notes, place(NOTES, assessment_id, question_id))
            )
        return values, notes


def _stored_value(answer: Answer) -> str | None:
    """The text that stands for an answer's value in `answer_value`, before sealing."""
    if answer.values:
        return json.dumps(list(answer.values))
    if answer.rating is not None:
        return str(answer.rating)
    return answer.value
