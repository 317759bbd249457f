"""Properties of scoring over random answer sheets of the real bank (SCORING §2-5), the
fairness of the DISC profile, and the reachability of every phase."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.bank import load_bank
from domain.model import PHASE_SEQUENCE, Answer, DiscType, Phase, QuestionType, Section
from domain.phases import MASTERY, Flag
from domain.questionnaire import missing_required, progress, visible_questions
from domain.scoring import Scorecard, score
from tests.unit.sheets import random_sheet, sheet_where

BANK = load_bank()
QUESTIONS = BANK.questions
FOUNDATIONS = PHASE_SEQUENCE[:4]


@st.composite
def answer_sheets(draw: st.DrawFn) -> dict[str, Answer]:
    """Any subset of the bank answered with any valid answers, hidden questions included."""
    sheet: dict[str, Answer] = {}
    for question in QUESTIONS:
        if not draw(st.booleans()):
            continue
        key = question.key
        values = [o.value for o in question.options]
        if question.allows_na and draw(st.integers(0, 9)) == 0:
            sheet[key] = Answer(key, not_applicable=True)
        elif question.type is QuestionType.SINGLE_CHOICE:
            sheet[key] = Answer(
                key, value=draw(st.sampled_from([o.value for o in question.options]))
            )
        elif question.type is QuestionType.MULTIPLE_CHOICE:
            values = draw(
                st.lists(
                    st.sampled_from([o.value for o in question.options]), min_size=1, unique=True
                )
            )
            sheet[key] = Answer(key, values=tuple(values))
        elif question.type is QuestionType.RATING:
            sheet[key] = Answer(key, rating=draw(st.integers(1, 5)))
        else:
            sheet[key] = Answer(key, value=draw(st.text(min_size=1, max_size=50).filter(str.strip)))
    return sheet


def _in_range(card: Scorecard) -> bool:
    values = list(card.phases.readiness.values())
    if card.disc is not None:
        values += list(card.disc.scores.values())
    return all(Decimal(0) <= v <= Decimal(100) for v in values)


@settings(max_examples=300, deadline=None)
@given(answer_sheets(), st.randoms())
def test_scoring_properties(sheet: dict[str, Answer], rng: random.Random) -> None:
    card = score(QUESTIONS, sheet)
    # Every score lies within 0-100.
    assert _in_range(card)
    # The order in which answers arrive never changes a result; nor does running it again.
    keys = list(sheet)
    rng.shuffle(keys)
    assert score(QUESTIONS, {k: sheet[k] for k in keys}) == card
    assert score(QUESTIONS, sheet) == card
    # Answers to hidden questions are ignored.
    visible = {q.key for q in visible_questions(QUESTIONS, sheet)}
    assert score(QUESTIONS, {k: a for k, a in sheet.items() if k in visible}) == card
    # §3: the primary phase is the first foundation below 70, else Systemic.
    readiness = card.phases.readiness
    if card.phases.primary is Phase.SYSTEMIC:
        assert all(readiness[p] >= MASTERY for p in FOUNDATIONS)
    else:
        position = FOUNDATIONS.index(card.phases.primary)
        assert readiness[card.phases.primary] < MASTERY
        assert all(readiness[p] >= MASTERY for p in FOUNDATIONS[:position])
    # §4: the DISC primary has the highest score.
    if card.disc is not None:
        assert card.disc.scores[card.disc.primary] == max(card.disc.scores.values())
    # §5: progress is a percentage.
    assert Decimal(0) <= progress(QUESTIONS, sheet) <= Decimal(100)


def test_disc_primary_is_fair_over_ten_thousand_random_sheets() -> None:
    """Each DISC type is primary for 20-30 % of uniformly random answer sheets."""
    rng = random.Random(20261124)
    runs = 10_000
    primaries: Counter[DiscType | None] = Counter()
    for _ in range(runs):
        card = score(QUESTIONS, random_sheet(QUESTIONS, rng))
        primaries[card.disc.primary if card.disc else None] += 1
    shares = {trait: primaries[trait] / runs for trait in DiscType}
    assert all(0.20 <= share <= 0.30 for share in shares.values()), shares


def test_random_complete_sheets_leave_nothing_required_unanswered() -> None:
    rng = random.Random(7)
    for _ in range(200):
        sheet = random_sheet(QUESTIONS, rng)
        assert missing_required(QUESTIONS, sheet) == []
        assert progress(QUESTIONS, sheet) == Decimal("100.00")


PHASE_SECTIONS = [Section(p.value) for p in PHASE_SEQUENCE]


def test_each_phase_can_be_the_primary_one() -> None:
    """A business strong everywhere but in one phase's section focuses on that phase."""
    for phase, section in zip(PHASE_SEQUENCE, PHASE_SECTIONS, strict=True):
        card = score(QUESTIONS, sheet_where(QUESTIONS, weak={section}))
        assert card.phases.primary is phase, (phase, card.phases.readiness)


def test_the_all_best_sheet_is_systemic_with_every_phase_in_place() -> None:
    card = score(QUESTIONS, sheet_where(QUESTIONS, weak=set()))
    assert card.phases.primary is Phase.SYSTEMIC
    assert all(value >= MASTERY for value in card.phases.readiness.values())
    assert card.phases.flags in ((), (Flag.SCORP_PAYROLL_RISK,))


def test_the_all_worst_sheet_is_stabilize_and_critical() -> None:
    card = score(QUESTIONS, sheet_where(QUESTIONS, weak=set(PHASE_SECTIONS)))
    assert card.phases.primary is Phase.STABILIZE
    assert Flag.CRITICAL_STABILIZE in card.phases.flags
