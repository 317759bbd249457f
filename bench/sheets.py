"""Answer sheets for the bench, and the `saveResponses` input that carries them."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from domain.bank import load_bank
from domain.model import Answer, QuestionType
from domain.questionnaire import visible_questions
from server.graphql.ids import to_global_id
from tests.unit.sheets import random_sheet

NOTES = (
    "Owner keeps receipts in a shoebox; agreed to a monthly review.",
    "Spouse does the books on Sundays; wants to hand them off this year.",
    "Bank feeds connected in March; reconciliation still a quarter behind.",
    "Owner is confident here; confirmed with last year's return.",
    "Unsure; follow up with their accountant before the next session.",
)


def full_sheet() -> dict[str, Answer]:
    """An answer to every question: the middle option or rating, S-Corporation as the entity,
    so that every conditional question is visible too."""
    bank = load_bank()
    sheet: dict[str, Answer] = {}
    while True:
        added = False
        for question in visible_questions(bank.questions, sheet):
            if question.key in sheet:
                continue
            options = [o.value for o in question.options]
            scorp = [v for v in options if "s_corp" in v or "s-corp" in v.lower()]
            if question.type is QuestionType.SINGLE_CHOICE:
                answer = Answer(
                    question.key, value=(scorp or options)[len(options) // 2 if not scorp else 0]
                )
            elif question.type is QuestionType.MULTIPLE_CHOICE:
                answer = Answer(question.key, values=tuple(options[:2]))
            elif question.type is QuestionType.RATING:
                answer = Answer(question.key, rating=3)
            else:
                answer = Answer(question.key, value="Steady growth and fewer surprises.")
            sheet[question.key] = answer
            added = True
        if not added:
            return sheet


def noted_sheet(rng: random.Random) -> dict[str, Answer]:
    """Every visible question answered at random (tests/unit/sheets.py), each with a note."""
    sheet = random_sheet(load_bank().questions, rng)
    return {key: replace(a, notes=rng.choice(NOTES)) for key, a in sheet.items()}


def response_input(answer: Answer) -> dict[str, Any]:
    """One `ResponseInput` of `saveResponses`."""
    question = load_bank().question(answer.question_key)
    item: dict[str, Any] = {"questionId": str(to_global_id("Question", question.id))}
    if answer.value is not None:
        item["value"] = answer.value
    if answer.values:
        item["values"] = list(answer.values)
    if answer.rating is not None:
        item["rating"] = answer.rating
    if answer.not_applicable:
        item["notApplicable"] = True
    if answer.notes is not None:
        item["consultantNotes"] = answer.notes
    return item


def answer_from_response(response: dict[str, Any]) -> Answer:
    """The domain answer behind a `Response` read from the API (with `question { key }`)."""
    return Answer(
        question_key=response["question"]["key"],
        value=response.get("value"),
        values=tuple(response.get("values") or ()),
        rating=response.get("rating"),
        not_applicable=bool(response.get("notApplicable")),
        notes=response.get("consultantNotes"),
    )
