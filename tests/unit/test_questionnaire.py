"""SCORING §1 (conditional questions, answers) and §5 (progress, completeness), on small
hand-made banks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.model import Answer, Condition, Mirror, Section
from domain.questionnaire import (
    InvalidAnswer,
    by_section,
    mirrored,
    missing_required,
    not_applicable_answers,
    progress,
    validate_answer,
    visible_questions,
)
from tests.unit.kit import answers, multiple, na, option, pick, picks, rate, rating, single, text

ENTITY = single("ENTITY", option("llc"), option("s_corp"), option("c_corp"))
PAYROLL = single("PAYROLL", option("yes"), option("no"), condition=Condition("ENTITY", "s_corp"))
PAYROLL_DETAIL = single(
    "PAYROLL-DETAIL", option("monthly"), option("yearly"), condition=Condition("PAYROLL", "yes")
)
TOOLS = multiple("TOOLS", option("bank_feed"), option("payroll_app"), option("crm"))
CRM_FOLLOW_UP = single(
    "CRM", option("daily"), option("weekly"), condition=Condition("TOOLS", "crm")
)
INVENTORY = single("INVENTORY", option("counted"), option("never"), allows_na=True)
NOTES = text("NOTES")
CONFIDENCE = rating("CONFIDENCE", systemic=4)
BANK = [ENTITY, PAYROLL, PAYROLL_DETAIL, TOOLS, CRM_FOLLOW_UP, INVENTORY, NOTES, CONFIDENCE]


def keys(questions: list) -> list[str]:  # type: ignore[type-arg]
    return [q.key for q in questions]


# -- §1 Conditional ---------------------------------------------------------------------------


def test_conditional_is_hidden_until_its_parent_matches() -> None:
    """SCORING §1: visible only while the parent's answer equals the trigger value."""
    assert "PAYROLL" not in keys(visible_questions(BANK, {}))
    assert "PAYROLL" not in keys(visible_questions(BANK, answers(pick("ENTITY", "llc"))))
    assert "PAYROLL" in keys(visible_questions(BANK, answers(pick("ENTITY", "s_corp"))))


def test_conditional_disappears_when_the_parent_answer_changes() -> None:
    sheet = answers(pick("ENTITY", "s_corp"), pick("PAYROLL", "no"))
    assert "PAYROLL" in keys(visible_questions(BANK, sheet))
    sheet["ENTITY"] = pick("ENTITY", "c_corp")  # the payroll answer is kept, but hidden
    assert "PAYROLL" not in keys(visible_questions(BANK, sheet))


def test_multiple_choice_parent_shows_the_child_while_it_contains_the_trigger() -> None:
    """SCORING §1: for multiple choice, "contains" the trigger value."""
    assert "CRM" in keys(visible_questions(BANK, answers(picks("TOOLS", "bank_feed", "crm"))))
    assert "CRM" not in keys(visible_questions(BANK, answers(picks("TOOLS", "bank_feed"))))


def test_a_hidden_parent_hides_its_children_whatever_they_hold() -> None:
    sheet = answers(pick("ENTITY", "llc"), pick("PAYROLL", "yes"))
    assert "PAYROLL-DETAIL" not in keys(visible_questions(BANK, sheet))
    sheet["ENTITY"] = pick("ENTITY", "s_corp")
    assert "PAYROLL-DETAIL" in keys(visible_questions(BANK, sheet))


def test_questions_are_grouped_by_section_in_the_order_given() -> None:
    """Sections in the order of their first question; a section with none is left out."""
    grouped = by_section(visible_questions(BANK, {}))
    assert [(section, keys(group)) for section, group in grouped] == [
        (Section.STABILIZE, ["ENTITY", "INVENTORY"]),
        (Section.ORGANIZE, ["TOOLS"]),
        (Section.SYSTEMIC, ["NOTES", "CONFIDENCE"]),
    ]
    assert by_section([]) == []


def test_a_section_is_marked_n_a_over_its_visible_questions_keeping_notes() -> None:
    """SCORING §1: one N/A answer per visible question of the section, in order, with the
    notes of the answer it replaces; a hidden follow-up gets none."""
    sheet = answers(
        pick("ENTITY", "llc"), Answer("INVENTORY", value="counted", notes="a storeroom")
    )
    assert not_applicable_answers(BANK, sheet, Section.STABILIZE) == [
        Answer("ENTITY", not_applicable=True),
        Answer("INVENTORY", not_applicable=True, notes="a storeroom"),
    ]
    shown = sheet | answers(pick("ENTITY", "s_corp"))
    assert keys_of(not_applicable_answers(BANK, shown, Section.STABILIZE)) == [
        "ENTITY",
        "PAYROLL",
        "INVENTORY",
    ]
    assert not_applicable_answers(BANK, sheet, Section.DISC) == []


def keys_of(given: list[Answer]) -> list[str]:
    return [a.question_key for a in given]


def test_visible_questions_keep_bank_order() -> None:
    sheet = answers(pick("ENTITY", "s_corp"), pick("PAYROLL", "yes"), picks("TOOLS", "crm"))
    assert keys(visible_questions(BANK, sheet)) == keys(BANK)


# -- §1 Answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "field", "reason"),
    [
        (ENTITY, Answer("ENTITY", value="partnership"), "value", "not one of the options"),
        (ENTITY, Answer("ENTITY", values=("llc",)), "values", "single-choice"),
        (ENTITY, Answer("ENTITY", rating=3), "rating", "single-choice"),
        (ENTITY, Answer("ENTITY", not_applicable=True), "not_applicable", "cannot be answered N/A"),
        (TOOLS, Answer("TOOLS", values=("crm", "fax")), "values", "'fax' is not one of"),
        (TOOLS, Answer("TOOLS", values=("crm", "crm")), "values", "more than once"),
        (TOOLS, Answer("TOOLS", value="crm"), "value", "multiple-choice"),
        (CONFIDENCE, Answer("CONFIDENCE", rating=0), "rating", "from 1 to 5, not 0"),
        (CONFIDENCE, Answer("CONFIDENCE", rating=6), "rating", "from 1 to 5, not 6"),
        (CONFIDENCE, Answer("CONFIDENCE", rating=True), "rating", "whole number"),
        (CONFIDENCE, Answer("CONFIDENCE", value="3"), "value", "rating question takes"),
        (NOTES, Answer("NOTES", value="   \n "), "value", "blank"),
        (NOTES, Answer("NOTES", value="x" * 5001), "value", "5000 characters"),
        (INVENTORY, Answer("INVENTORY", value="never", not_applicable=True), "value", "not both"),
        (INVENTORY, Answer("INVENTORY", notes="n" * 5001), "notes", "5000 characters"),
    ],
)
def test_invalid_answers_name_the_question_the_field_and_the_reason(
    question: object, answer: Answer, field: str, reason: str
) -> None:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answer(question, answer)  # type: ignore[arg-type]
    assert raised.value.question_key == answer.question_key
    assert raised.value.field == field
    assert reason in raised.value.message


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (ENTITY, Answer("ENTITY", value="s_corp")),
        (TOOLS, Answer("TOOLS", values=("crm",))),
        (CONFIDENCE, Answer("CONFIDENCE", rating=1)),
        (CONFIDENCE, Answer("CONFIDENCE", rating=5)),
        (NOTES, Answer("NOTES", value="x" * 5000)),
        (INVENTORY, Answer("INVENTORY", not_applicable=True, notes="no stock: services only")),
        (ENTITY, Answer("ENTITY", notes="ask about the 2023 election")),  # notes before an answer
    ],
)
def test_valid_answers_pass(question: object, answer: Answer) -> None:
    assert validate_answer(question, answer) == answer  # type: ignore[arg-type]


def test_multiple_choice_values_are_put_in_option_order() -> None:
    checked = validate_answer(TOOLS, Answer("TOOLS", values=("crm", "bank_feed")))
    assert checked.values == ("bank_feed", "crm")


# -- §5 Progress and completion ---------------------------------------------------------------


def test_progress_counts_visible_questions_and_na_as_answered() -> None:
    """SCORING §5: 100 × answered visible / visible, N/A answered, 2 decimals."""
    # Visible without S-Corp: ENTITY, TOOLS, INVENTORY, NOTES, CONFIDENCE = 5.
    sheet = answers(pick("ENTITY", "llc"), na("INVENTORY"))
    assert progress(BANK, sheet) == Decimal("40.00")
    sheet["ENTITY"] = pick("ENTITY", "s_corp")  # PAYROLL appears: 2 of 6
    assert progress(BANK, sheet) == Decimal("33.33")


def test_progress_ignores_answers_to_hidden_questions() -> None:
    sheet = answers(
        pick("ENTITY", "llc"), pick("PAYROLL", "yes"), pick("PAYROLL-DETAIL", "monthly")
    )
    assert progress(BANK, sheet) == Decimal("20.00")


def test_progress_of_an_empty_and_a_full_sheet() -> None:
    assert progress(BANK, {}) == Decimal("0.00")
    full = answers(
        pick("ENTITY", "llc"),
        picks("TOOLS", "bank_feed"),
        pick("INVENTORY", "counted"),
        Answer("NOTES", value="thanks"),
        rate("CONFIDENCE", 4),
    )
    assert progress(BANK, full) == Decimal("100.00")


def test_notes_alone_do_not_answer_a_question() -> None:
    sheet = answers(Answer("ENTITY", notes="call the accountant"))
    assert progress(BANK, sheet) == Decimal("0.00")
    assert "ENTITY" in keys(missing_required(BANK, sheet))


def test_missing_required_lists_visible_required_unanswered_questions() -> None:
    """SCORING §5: the optional text question and hidden conditionals are not required."""
    sheet = answers(pick("ENTITY", "s_corp"), picks("TOOLS", "crm"))
    assert keys(missing_required(BANK, sheet)) == ["PAYROLL", "CRM", "INVENTORY", "CONFIDENCE"]
    sheet |= answers(
        pick("PAYROLL", "no"), pick("CRM", "daily"), na("INVENTORY"), rate("CONFIDENCE", 2)
    )
    assert missing_required(BANK, sheet) == []


# -- §1 Mirrors -------------------------------------------------------------------------------

MIRROR_ENTITY = single("M-ENTITY", option("llc"), option("s_corp"), mirror=Mirror.ENTITY_TYPE)
MIRROR_PAYROLL = single(
    "M-PAYROLL",
    option("yes", mirror=True),
    option("no", mirror=False),
    option("not_sure", mirror=None),
    condition=Condition("M-ENTITY", "s_corp"),
    mirror=Mirror.S_CORP_ON_PAYROLL,
)
MIRROR_BANK = [MIRROR_ENTITY, MIRROR_PAYROLL]


@pytest.mark.parametrize(
    ("given", "entity", "payroll"),
    [
        ((), None, None),
        ((pick("M-ENTITY", "llc"),), "Llc", None),
        ((pick("M-ENTITY", "s_corp"), pick("M-PAYROLL", "yes")), "S_Corp", True),
        ((pick("M-ENTITY", "s_corp"), pick("M-PAYROLL", "no")), "S_Corp", False),
        ((pick("M-ENTITY", "s_corp"), pick("M-PAYROLL", "not_sure")), "S_Corp", None),
        ((pick("M-ENTITY", "llc"), pick("M-PAYROLL", "no")), "Llc", None),  # hidden: cleared
    ],
)
def test_mirrors_copy_the_entity_label_and_the_payroll_answer(
    given: tuple[Answer, ...], entity: str | None, payroll: bool | None
) -> None:
    """SCORING §1 Mirrors: entity type to assessments.entity_type, payroll to
    assessments.is_s_corp_on_payroll."""
    assert mirrored(MIRROR_BANK, answers(*given)) == {
        Mirror.ENTITY_TYPE: entity,
        Mirror.S_CORP_ON_PAYROLL: payroll,
    }
