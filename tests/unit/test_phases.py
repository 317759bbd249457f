"""SCORING §2 (phase readiness, bands) and §3 (primary and secondary phases, flags), each row
worked out by hand from the rule it cites."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.model import Answer, Condition, Mirror, Phase, Section
from domain.phases import (
    Band,
    Flag,
    band,
    foundation_gap,
    phase_result,
    primary_phase,
    readiness,
    secondary_phases,
)
from tests.unit.kit import answers, multiple, na, option, pick, picks, rate, rating, single, text

S, O, B, G, Y = Phase.STABILIZE, Phase.ORGANIZE, Phase.BUILD, Phase.GROW, Phase.SYSTEMIC  # noqa: E741


def scores(s: str, o: str, b: str, g: str, y: str) -> dict[Phase, Decimal]:
    return {S: Decimal(s), O: Decimal(o), B: Decimal(b), G: Decimal(g), Y: Decimal(y)}


# -- §2 readiness -----------------------------------------------------------------------------

BOOKS = single(
    "BOOKS", option("current", stabilize=5), option("late", stabilize=2), option("never")
)
DEBT = single("DEBT", option("plan", stabilize=3, grow=1), option("none_plan"), allows_na=True)
TOOLS = multiple(
    "TOOLS",
    option("feed", organize=2),
    option("payroll", organize=2),
    option("crm", organize=1),
    option("nothing"),
)
CAPPED = multiple("CAPPED", option("a", build=3), option("b", build=3), caps={B: 4})
CONFIDENCE = rating("CONFIDENCE", systemic=4)
NOTES = text("NOTES")
BANK = [BOOKS, DEBT, TOOLS, CAPPED, CONFIDENCE, NOTES]


@pytest.mark.parametrize(
    ("sheet", "phase", "expected"),
    [
        # single choice: earned w(option), max = best option's weight.
        (answers(pick("BOOKS", "current")), S, "100.00"),
        (answers(pick("BOOKS", "late")), S, "40.00"),
        (answers(pick("BOOKS", "late"), pick("DEBT", "plan")), S, "62.50"),  # (2+3)/(5+3)
        # N/A removes the question from earned and maximum alike.
        (answers(pick("BOOKS", "late"), na("DEBT")), S, "40.00"),
        # a question may score another phase: DEBT "plan" gives Grow 1 of 1.
        (answers(pick("DEBT", "plan")), G, "100.00"),
        (answers(pick("DEBT", "none_plan")), G, "0.00"),
        # multiple choice: cap defaults to min(5, 2 x largest weight) = 4; the sum is capped.
        (answers(picks("TOOLS", "feed")), O, "50.00"),
        (answers(picks("TOOLS", "feed", "crm")), O, "75.00"),
        (answers(picks("TOOLS", "feed", "payroll", "crm")), O, "100.00"),  # 5 capped to 4
        (answers(picks("TOOLS", "nothing")), O, "0.00"),
        # a stated cap wins over the default (which would be 5): 3 of 4, then 6 capped to 4.
        (answers(picks("CAPPED", "a")), B, "75.00"),
        (answers(picks("CAPPED", "a", "b")), B, "100.00"),
        # rating r with weight w earns w x (r - 1) / 4.
        (answers(rate("CONFIDENCE", 1)), Y, "0.00"),
        (answers(rate("CONFIDENCE", 2)), Y, "25.00"),
        (answers(rate("CONFIDENCE", 4)), Y, "75.00"),
        (answers(rate("CONFIDENCE", 5)), Y, "100.00"),
    ],
)
def test_readiness_arithmetic(sheet: dict, phase: Phase, expected: str) -> None:  # type: ignore[type-arg]
    assert readiness(BANK, sheet)[phase] == Decimal(expected)


def test_readiness_rounds_half_up_to_two_decimals() -> None:
    """SCORING §2: 2 decimals; 1 of 32 points is 3.125 %, shown as 3.13."""
    options = [option("one", grow=1), option("none")]
    bank = [single(f"Q{i}", *options) for i in range(32)]
    sheet = answers(pick("Q0", "one"), *(pick(f"Q{i}", "none") for i in range(1, 32)))
    assert readiness(bank, sheet)[G] == Decimal("3.13")
    two_thirds = answers(*(pick(f"Q{i}", "one") for i in range(2)), pick("Q2", "none"))
    assert readiness(bank[:3], two_thirds)[G] == Decimal("66.67")


def test_text_and_unscored_phases_have_no_readiness() -> None:
    """SCORING §2: text earns nothing; a phase with maximum 0 has no readiness (None)."""
    result = readiness(BANK, answers(Answer("NOTES", value="a long story")))
    assert set(result.values()) == {None}


def test_hidden_answers_are_not_scored() -> None:
    entity = single("ENTITY", option("llc"), option("s_corp"), section=Section.METADATA)
    payroll = single(
        "PAY", option("yes", organize=5), option("no"), condition=Condition("ENTITY", "s_corp")
    )
    sheet = answers(pick("ENTITY", "llc"), pick("PAY", "yes"))
    assert readiness([entity, payroll], sheet)[O] is None
    sheet["ENTITY"] = pick("ENTITY", "s_corp")
    assert readiness([entity, payroll], sheet)[O] == Decimal("100.00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("100", Band.EXCELLENT),
        ("80.00", Band.EXCELLENT),
        ("79.99", Band.GOOD),
        ("60.00", Band.GOOD),
        ("59.99", Band.FAIR),
        ("40.00", Band.FAIR),
        ("39.99", Band.NEEDS_ATTENTION),
        ("20.00", Band.NEEDS_ATTENTION),
        ("19.99", Band.PRIORITY_FOCUS),
        ("0", Band.PRIORITY_FOCUS),
    ],
)
def test_bands(value: str, expected: Band) -> None:
    """SCORING §2 bands."""
    assert band(Decimal(value)) is expected


# -- §3 primary and secondary phases ----------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "primary"),
    [
        (scores("69.99", "100", "100", "100", "100"), S),
        (scores("70.00", "69.99", "100", "100", "100"), O),
        (scores("70", "70", "69.99", "0", "0"), B),
        (scores("100", "100", "100", "69.99", "100"), G),
        (scores("70", "70", "70", "70", "0"), Y),  # all four at the line: Systemic
        (scores("70", "70", "70", "70", "100"), Y),  # Systemic even when it is in place
        (scores("0", "0", "0", "0", "0"), S),
        (scores("10", "90", "90", "90", "90"), S),
    ],
)
def test_primary_is_the_first_foundation_below_70(given: dict, primary: Phase) -> None:  # type: ignore[type-arg]
    """SCORING §3.1-2."""
    assert primary_phase(given) is primary


@pytest.mark.parametrize(
    ("given", "secondary"),
    [
        (scores("50", "65", "65.01", "35", "34.99"), (O, G)),  # within 15 either side, inclusive
        (scores("60", "75", "69.99", "45", "100"), (B, G)),  # 75 is in place: never secondary
        (scores("30", "80", "80", "80", "80"), ()),
        (scores("40", "55", "25", "0", "54.99"), (O, B, Y)),  # sequence order
        (scores("90", "90", "90", "90", "10"), ()),  # primary Systemic: nothing else below 70
    ],
)
def test_secondary_phases_are_below_70_and_within_15_points(
    given: dict,  # type: ignore[type-arg]
    secondary: tuple[Phase, ...],
) -> None:
    """SCORING §3 "Secondary phases"."""
    assert secondary_phases(given, primary_phase(given)) == secondary


@pytest.mark.parametrize(
    ("given", "gap"),
    [
        (scores("49.99", "70", "0", "0", "0"), True),
        (scores("50", "70", "0", "0", "0"), False),
        (scores("90", "49.99", "0", "70", "0"), True),  # Grow in place over a weak Organize
        (scores("90", "90", "90", "49.99", "69.99"), False),  # nothing in place after the gap
        (scores("90", "90", "90", "49.99", "70"), True),  # Systemic counts as later
        (scores("0", "0", "0", "0", "0"), False),
    ],
)
def test_foundation_gap(given: dict, gap: bool) -> None:  # type: ignore[type-arg]
    """SCORING §3 FOUNDATION_GAP: a phase >= 70 with an earlier one below 50."""
    assert foundation_gap(given) is gap


# -- §3 flags, on whole results ---------------------------------------------------------------

STAB = single("STAB", *(option(f"s{p}", stabilize=p) for p in range(6)))
ENTITY = single(
    "ENTITY", option("llc"), option("s_corp"), section=Section.METADATA, mirror=Mirror.ENTITY_TYPE
)
PAYROLL = single(
    "PAYROLL",
    option("yes", mirror=True, organize=5),
    option("no", mirror=False),
    option("not_sure", mirror=None, organize=1),
    condition=Condition("ENTITY", "s_corp"),
    mirror=Mirror.S_CORP_ON_PAYROLL,
    allows_na=True,
)


def _stabilize_at(percent: int) -> tuple[list, dict]:  # type: ignore[type-arg]
    """A bank with 20 one-point Stabilize questions: `percent` / 5 of them earned."""
    bank = [single(f"P{i}", option("yes", stabilize=1), option("no")) for i in range(20)]
    sheet = answers(*(pick(f"P{i}", "yes" if i < percent // 5 else "no") for i in range(20)))
    return bank, sheet


@pytest.mark.parametrize(("percent", "critical"), [(35, True), (40, False), (0, True)])
def test_critical_stabilize_below_40(percent: int, critical: bool) -> None:
    bank, sheet = _stabilize_at(percent)
    flags = phase_result(bank, sheet).flags
    assert (Flag.CRITICAL_STABILIZE in flags) is critical


@pytest.mark.parametrize(
    ("entity", "payroll", "risk"),
    [
        ("s_corp", "no", True),
        ("s_corp", "not_sure", True),
        ("s_corp", None, True),  # follow-up not answered yet: still to be checked
        ("s_corp", "yes", False),
        ("llc", "no", False),  # the follow-up is hidden, its stale answer ignored
        (None, None, False),
    ],
)
def test_scorp_payroll_risk(entity: str | None, payroll: str | None, risk: bool) -> None:
    sheet = answers(
        *([pick("ENTITY", entity)] if entity else []),
        *([pick("PAYROLL", payroll)] if payroll else []),
    )
    flags = phase_result([ENTITY, PAYROLL], sheet).flags
    assert (Flag.SCORP_PAYROLL_RISK in flags) is risk


def test_insufficient_data_when_a_phase_has_nothing_to_score() -> None:
    result = phase_result([STAB], answers(pick("STAB", "s5")))
    assert result.readiness[S] == Decimal("100.00")
    assert result.readiness[O] == Decimal("0.00")
    assert Flag.INSUFFICIENT_DATA in result.flags


def test_an_empty_or_all_na_sheet_still_has_a_result() -> None:
    """SCORING §2-3 are total: no exception, Stabilize first, every flag it earns."""
    for sheet in ({}, answers(na("PAYROLL"))):
        result = phase_result([STAB, ENTITY, PAYROLL], sheet)
        assert result.primary is S
        assert set(result.readiness.values()) == {Decimal("0.00")}
        assert Flag.INSUFFICIENT_DATA in result.flags
        assert Flag.CRITICAL_STABILIZE in result.flags
