"""Five clients, told through the bank's own options, each landing in the phase and with the
communication style a consultant would expect (SCORING §2-4, §6)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from domain.bank import load_bank
from domain.disc import Confidence
from domain.model import Answer, DiscType, Phase, Question, QuestionType, Section
from domain.phases import Flag
from domain.questionnaire import missing_required, visible_questions
from domain.recommendations import applicable, quick_wins
from domain.scoring import score

BANK = load_bank()
QUESTIONS = BANK.questions
D, I, S, C = DiscType.D, DiscType.I, DiscType.S, DiscType.C  # noqa: E741

# How well a business does in a section: the option of that rank by points, best first.
BEST, GOOD, FAIR, POOR, WORST = "best", "good", "fair", "poor", "worst"


@dataclass
class Story:
    """`levels` per phase section; `style` the trait chosen in most DISC questions, `also` in
    the rest (varied, as real people are); `facts` the metadata answers by key."""

    levels: dict[Section, str]
    style: DiscType
    also: tuple[DiscType, ...]
    facts: dict[str, str]
    overrides: dict[str, Answer] = field(default_factory=dict)

    def sheet(self) -> dict[str, Answer]:
        sheet: dict[str, Answer] = {}
        disc_seen = 0
        for question in QUESTIONS:
            if question not in visible_questions(QUESTIONS, sheet):  # parents come first
                continue
            if question.key in self.overrides:
                sheet[question.key] = self.overrides[question.key]
            elif question.key in self.facts:
                sheet[question.key] = Answer(question.key, value=self.facts[question.key])
            elif question.is_disc:
                # Three of every four DISC answers in the main style, the rest in the others.
                trait = (
                    self.style if disc_seen % 4 != 3 else self.also[disc_seen // 4 % len(self.also)]
                )
                sheet[question.key] = _trait_answer(question, trait)
                disc_seen += 1
            else:
                sheet[question.key] = _at_level(question, self.levels.get(question.section, GOOD))
        return sheet


def _trait_answer(question: Question, trait: DiscType) -> Answer:
    option = next(o for o in question.options if trait in o.disc_points)
    return Answer(question.key, value=option.value)


def _points(question: Question, value: str) -> int:
    option = question.option(value)
    return sum(option.phase_points.values()) if option else 0


def _at_level(question: Question, level: str) -> Answer:
    rank = [BEST, GOOD, FAIR, POOR, WORST].index(level)
    key = question.key
    if question.type is QuestionType.RATING:
        return Answer(key, rating=5 - rank)
    if question.type is QuestionType.TEXT:
        return Answer(key, value="We would like to understand our numbers better.")
    ordered = sorted(question.options, key=lambda o: _points(question, o.value), reverse=True)
    if question.type is QuestionType.MULTIPLE_CHOICE:
        useful = [o.value for o in ordered if _points(question, o.value) > 0]
        keep = len(useful) - rank * len(useful) // 4
        return Answer(key, values=tuple(useful[:keep]) or (ordered[-1].value,))
    return Answer(key, value=ordered[min(rank, len(ordered) - 1)].value)


STORIES = {
    "struggling startup owner who decides fast and wants results": (
        Story(
            levels={
                Section.STABILIZE: WORST,
                Section.ORGANIZE: POOR,
                Section.BUILD: WORST,
                Section.GROW: POOR,
                Section.SYSTEMIC: FAIR,
            },
            style=D,
            also=(I,),
            facts={
                "META-001": "food_hospitality",
                "META-002": "under_one",
                "META-003": "under_100k",
                "META-004": "just_me",
                "META-005": "sole_proprietor",
            },
        ),
        Phase.STABILIZE,
        D,
    ),
    "organised consultant whose tools are not integrated and who wants precision": (
        Story(
            levels={
                Section.STABILIZE: BEST,
                Section.ORGANIZE: FAIR,
                Section.BUILD: GOOD,
                Section.GROW: GOOD,
                Section.SYSTEMIC: GOOD,
            },
            style=C,
            also=(S,),
            facts={
                "META-001": "professional_services",
                "META-002": "six_to_ten",
                "META-003": "from_250k_to_500k",
                "META-004": "two_to_five",
                "META-005": "llc",
            },
            overrides={"ORG-003": Answer("ORG-003", values=("none",))},
        ),
        Phase.ORGANIZE,
        C,
    ),
    "manufacturer building systems who values stability": (
        Story(
            levels={
                Section.STABILIZE: BEST,
                Section.ORGANIZE: BEST,
                Section.BUILD: POOR,
                Section.GROW: FAIR,
                Section.SYSTEMIC: GOOD,
            },
            style=S,
            also=(C,),
            facts={
                "META-001": "manufacturing_wholesale",
                "META-002": "over_ten",
                "META-003": "from_1m_to_5m",
                "META-004": "eleven_to_twenty_five",
                "META-005": "s_corp",
            },
            overrides={"ORG-007": Answer("ORG-007", value="yes")},
        ),
        Phase.BUILD,
        S,
    ),
    "retailer ready to grow who is enthusiastic and people-minded": (
        Story(
            levels={
                Section.STABILIZE: BEST,
                Section.ORGANIZE: BEST,
                Section.BUILD: BEST,
                Section.GROW: POOR,
                Section.SYSTEMIC: GOOD,
            },
            style=I,
            also=(D, S),
            facts={
                "META-001": "retail",
                "META-002": "three_to_five",
                "META-003": "from_500k_to_1m",
                "META-004": "six_to_ten",
                "META-005": "llc",
            },
        ),
        Phase.GROW,
        I,
    ),
    "mature firm whose leadership struggles to read its statements": (
        Story(
            levels={
                Section.STABILIZE: BEST,
                Section.ORGANIZE: BEST,
                Section.BUILD: BEST,
                Section.GROW: BEST,
                Section.SYSTEMIC: POOR,
            },
            # Leaders who want the bottom line and leave the statements to others.
            style=D,
            also=(S,),
            facts={
                "META-001": "construction_trades",
                "META-002": "over_ten",
                "META-003": "over_5m",
                "META-004": "over_twenty_five",
                "META-005": "c_corp",
            },
        ),
        Phase.SYSTEMIC,
        D,
    ),
}


@pytest.mark.parametrize("name", list(STORIES))
def test_client_story(name: str) -> None:
    story, phase, style = STORIES[name]
    sheet = story.sheet()
    assert missing_required(QUESTIONS, sheet) == [], "the story must be a complete assessment"
    card = score(QUESTIONS, sheet)
    assert card.phases.primary is phase, card.phases.readiness
    assert card.disc is not None
    assert card.disc.primary is style
    assert card.disc.confidence is Confidence.HIGH
    # Whatever the story, the client leaves with 3-5 quick wins led by the focus phase.
    applied = applicable(BANK.recommendations, QUESTIONS, sheet, phase, card.phases.secondary)
    wins = quick_wins(applied, BANK.recommendations, phase, card.phases.secondary)
    assert 3 <= len(wins) <= 5
    assert wins[0].phase is phase


def test_the_struggling_startup_is_flagged_critical() -> None:
    story, _, _ = STORIES["struggling startup owner who decides fast and wants results"]
    assert Flag.CRITICAL_STABILIZE in score(QUESTIONS, story.sheet()).phases.flags


def test_the_manufacturer_on_payroll_carries_no_payroll_risk_but_would_without_it() -> None:
    story, _, _ = STORIES["manufacturer building systems who values stability"]
    assert Flag.SCORP_PAYROLL_RISK not in score(QUESTIONS, story.sheet()).phases.flags
    draws_only = replace(story, overrides={"ORG-007": Answer("ORG-007", value="no")})
    assert Flag.SCORP_PAYROLL_RISK in score(QUESTIONS, draws_only.sheet()).phases.flags
