"""The shipped bank meets SCORING §1 and §6, and the loader refuses malformed banks."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections import Counter
from importlib import resources
from typing import Any

import pytest

from domain.bank import BankError, load_bank, parse_bank
from domain.model import PHASE_SEQUENCE, DiscType, Mirror, QuestionType, Section, question_id
from domain.recommendations import Category

BANK = load_bank()
RAW: dict[str, Any] = json.loads(
    resources.files("domain.bank").joinpath("bank.json").read_text(encoding="utf-8")
)
PHASE_SECTIONS = [Section(p.value) for p in PHASE_SEQUENCE]


def in_section(section: Section, *, conditional: bool = False) -> list:  # type: ignore[type-arg]
    return [
        q for q in BANK.questions if q.section is section and (conditional or q.condition is None)
    ]


def scored(question: object) -> bool:
    return bool(question.rating_weights) or any(o.phase_points for o in question.options)  # type: ignore[attr-defined]


def test_section_minimums() -> None:
    """SCORING §1 contents: 5 unscored metadata questions, 8 scored in each phase section."""
    metadata = in_section(Section.METADATA)
    assert len(metadata) >= 5
    assert not any(scored(q) for q in metadata)
    for section in PHASE_SECTIONS:
        assert sum(1 for q in in_section(section) if scored(q)) >= 8, section


def test_every_question_type_is_present() -> None:
    types = Counter(q.type for q in BANK.questions)
    assert types[QuestionType.MULTIPLE_CHOICE] >= 1
    assert types[QuestionType.RATING] >= 1
    assert types[QuestionType.TEXT] >= 1
    assert types[QuestionType.SINGLE_CHOICE] > sum(types.values()) / 2  # "most"
    for question in BANK.questions:
        if question.type is QuestionType.TEXT:
            assert not scored(question)
            assert not question.required


def test_weights_are_zero_to_five() -> None:
    for question in BANK.questions:
        points = [w for o in question.options for w in o.phase_points.values()]
        points += list(question.rating_weights.values()) + list(question.caps.values())
        assert all(0 <= w <= 5 for w in points), question.key


def test_disc_questions() -> None:
    """SCORING §1 DISC: 12+ questions, one-hot options, 8+ inside phase sections with phase
    weights, the rest in the disc section."""
    disc = [q for q in BANK.questions if q.is_disc]
    assert len(disc) >= 12
    inside = [q for q in disc if q.section in PHASE_SECTIONS and scored(q)]
    assert len(inside) >= 8
    assert all(q.section in (*PHASE_SECTIONS, Section.DISC) for q in disc)
    for question in disc:
        trait_options = [o for o in question.options if o.disc_points]
        assert all(len(o.disc_points) == 1 for o in trait_options), question.key
        assert sorted(t for o in trait_options for t in o.disc_points) == sorted(DiscType)


def test_not_applicable_is_offered_where_a_situation_may_not_exist() -> None:
    offering = [q for q in BANK.questions if q.allows_na]
    assert len(offering) >= 3
    assert all(q.section in PHASE_SECTIONS and not q.is_disc for q in offering)


def test_the_s_corp_follow_up_is_conditional_on_the_entity_type() -> None:
    """SCORING §1 Conditional and Mirrors."""
    [entity] = [q for q in BANK.questions if q.mirror is Mirror.ENTITY_TYPE]
    [payroll] = [q for q in BANK.questions if q.mirror is Mirror.S_CORP_ON_PAYROLL]
    assert entity.section is Section.METADATA
    assert payroll.condition is not None
    assert (payroll.condition.parent_key, payroll.condition.value) == (entity.key, "s_corp")
    assert {o.mirror for o in payroll.options} == {True, False, None}


def test_ids_are_derived_from_keys_and_never_change() -> None:
    """SCORING §1: a stable identity across installs. This literal must never change."""
    assert question_id("STAB-001") == uuid.UUID("fa363578-492b-5d8b-b8dc-d269f1224fa9")
    for question in BANK.questions:
        assert question.id == question_id(question.key)
    assert len({q.id for q in BANK.questions}) == len(BANK.questions)


def test_recommendation_library() -> None:
    """SCORING §6: 15+ recommendations with every field; 3+ quick wins per phase so the client
    report can always show three."""
    library = BANK.recommendations
    assert len(library) >= 15
    for phase in PHASE_SEQUENCE:
        quick = [r for r in library if r.phase is phase and r.category is Category.QUICK_WIN]
        assert len(quick) >= 3, phase
    assert {r.category for r in library} == set(Category)
    for recommendation in library:
        assert 2 <= len(recommendation.actions) <= 5
        assert recommendation.triggers
        assert set(recommendation.client_wording) == {"D", "I", "S", "C", "neutral"}


FORBIDDEN = re.compile(
    r"\b(disc|personality|trait|dominance|influence style|steadiness|compliance style|"
    r"failed|behind|you should have)\b",
    re.IGNORECASE,
)


def client_visible_texts() -> list[str]:
    texts: list[str] = []
    for section in BANK.sections.values():
        texts += [section.title, section.intro]
    for phase in BANK.phases.values():
        texts += [phase.name, phase.client_summary, phase.strength]
    for question in BANK.questions:
        texts += [question.text, question.help or "", *question.scale]
        texts += [o.label for o in question.options]
    for recommendation in BANK.recommendations:
        texts += list(recommendation.client_wording.values())
    for tone in BANK.tones.values():
        texts += [tone.welcome, tone.standing_intro, tone.quick_wins_intro]
        texts += [tone.roadmap_intro, tone.next_steps]
    return texts


def test_nothing_a_client_sees_names_the_profile_or_discourages() -> None:
    """SCORING §1 and §6: no mention of DISC, personality or trait names; encouraging only."""
    offending = [t for t in client_visible_texts() if FORBIDDEN.search(t)]
    assert offending == []


# -- the loader refuses malformed banks --------------------------------------------------------


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def _question(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["key"] == key)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])),
            "duplicate question key",
        ),
        (
            lambda d: d["questions"][1]["options"].append(d["questions"][1]["options"][0]),
            "duplicate option value",
        ),
        (
            lambda d: d["recommendations"][0]["triggers"].append(
                {"question": "NOPE-1", "values": ["x"]}
            ),
            "unknown question 'NOPE-1'",
        ),
        (
            lambda d: d["recommendations"][0]["triggers"][0].update(values=["no_such_option"]),
            "are not options of",
        ),
        (lambda d: d["questions"][0].update(type="essay"), "question "),
        (lambda d: d["questions"].reverse(), "must name an earlier question"),
        (lambda d: d["sections"].pop("grow"), "section grow: a title and an intro"),
        (lambda d: d["sections"]["disc"].update(title=" "), "section disc: a title and an intro"),
        (lambda d: d["sections"].update(extras=d["sections"]["grow"]), "['extras'] are no"),
    ],
    ids=[
        "duplicate-key",
        "duplicate-option",
        "unknown-trigger-question",
        "unknown-trigger-value",
        "bad-type",
        "condition-order",
        "section-without-words",
        "section-blank-title",
        "unknown-section",
    ],
)
def test_malformed_banks_are_refused_with_the_entry_named(change: Any, message: str) -> None:
    with pytest.raises(BankError, match=re.escape(message)):
        parse_bank(_broken(change))


def test_a_disc_option_with_two_traits_is_refused() -> None:
    key = next(q.key for q in BANK.questions if q.is_disc)

    def two_traits(data: dict[str, Any]) -> None:
        option = next(o for o in _question(data, key)["options"] if "disc" in o)
        option["disc"] = {"D": 1, "I": 1}

    with pytest.raises(BankError, match=f"question {key}: .*exactly one trait"):
        parse_bank(_broken(two_traits))


def test_points_above_five_are_refused() -> None:
    key = next(q.key for q in BANK.questions if q.section is Section.STABILIZE)

    def six(data: dict[str, Any]) -> None:
        option = next(o for o in _question(data, key)["options"] if "phases" in o)
        option["phases"]["stabilize"] = 6

    with pytest.raises(BankError, match=f"question {key}: points for .* 0-5"):
        parse_bank(_broken(six))
