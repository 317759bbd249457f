"""SCORING §4: DISC scores, the recency tie rule, the secondary type and confidence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.disc import Confidence, confidence, disc_profile
from domain.model import DiscType, Section
from domain.phases import Flag
from domain.scoring import score
from tests.unit.kit import answers, disc_question, option, pick, single

D, I, S, C = DiscType.D, DiscType.I, DiscType.S, DiscType.C  # noqa: E741
TWENTY = [disc_question(f"DQ{n}") for n in range(20)]
TEN = TWENTY[:10]


def sheet_of(*choices: str) -> dict:  # type: ignore[type-arg]
    """Answers the first len(choices) DISC questions with the given options, in bank order."""
    return answers(*(pick(f"DQ{n}", choice) for n, choice in enumerate(choices)))


def test_scores_are_points_over_the_maximum() -> None:
    """§4: score_t = 100 × points_t / max_t over answered DISC questions; "none" earns 0
    but the question still counts toward every maximum."""
    profile = disc_profile(TEN, sheet_of("d", "d", "d", "i", "none"))
    assert profile is not None
    assert profile.scores == {
        D: Decimal("60.00"),
        I: Decimal("20.00"),
        S: Decimal("0.00"),
        C: Decimal("0.00"),
    }
    assert profile.primary is D
    assert profile.answered == 5


def test_unanswered_and_hidden_disc_questions_do_not_count() -> None:
    profile = disc_profile(TEN, sheet_of("c", "c", "s"))
    assert profile is not None
    assert profile.scores[C] == Decimal("66.67")  # 2 of 3, not 2 of 10


@pytest.mark.parametrize(
    ("choices", "primary"),
    [
        (("d", "c"), C),  # a tie: the trait chosen latest in bank order wins
        (("c", "d"), D),
        (("i", "s", "s", "i"), I),
        (("s", "i", "i", "s"), S),
        (("c", "d", "i", "s", "none"), S),  # four-way tie: S was chosen last
    ],
)
def test_ties_go_to_the_most_recent_choice_never_a_fixed_letter(
    choices: tuple[str, ...], primary: DiscType
) -> None:
    """§4 primary type: ties broken by recency."""
    profile = disc_profile(TEN, sheet_of(*choices))
    assert profile is not None
    assert profile.primary is primary


def _counts(d: int = 0, i: int = 0, s: int = 0, c: int = 0, none: int = 0) -> tuple[str, ...]:
    return ("d",) * d + ("i",) * i + ("s",) * s + ("c",) * c + ("none",) * none


@pytest.mark.parametrize(
    ("choices", "secondary"),
    [
        # Ten answered: a choice is worth 10 points. D 40, I 30: within 15 and >= 25.
        (_counts(d=4, i=3, s=2, c=1), I),
        # D 50, I 30: 20 apart.
        (_counts(d=5, i=3, s=2), None),
        # D 40, I 30, S 30: the runner-up tie goes to the later choice, S.
        (_counts(d=4, i=3, s=3), S),
        # Twenty answered: 5 points a choice. D 45, I 30: exactly 15 apart is within.
        (_counts(d=9, i=6, s=5), I),
        # D 40, I 25: exactly the floor of 25 counts.
        (_counts(d=8, i=5, s=4, c=3), I),
        # D 35, I 20: within 15, but under 25.
        (_counts(d=7, i=4, s=3, c=3, none=3), None),
    ],
)
def test_secondary_type_is_close_and_at_least_25(
    choices: tuple[str, ...], secondary: DiscType | None
) -> None:
    """§4 secondary type."""
    profile = disc_profile(TWENTY, sheet_of(*choices))
    assert profile is not None
    assert profile.secondary is secondary


@pytest.mark.parametrize(
    ("margin", "answered", "expected"),
    [
        ("20.01", 8, Confidence.HIGH),
        ("20.00", 8, Confidence.MODERATE),
        ("10.01", 12, Confidence.MODERATE),
        ("10.00", 12, Confidence.LOW),
        ("0", 16, Confidence.LOW),
        ("100", 7, Confidence.LOW),  # fewer than 8 DISC answers: always LOW
    ],
)
def test_confidence(margin: str, answered: int, expected: Confidence) -> None:
    """§4 confidence."""
    assert confidence(Decimal(margin), answered) is expected


def test_confidence_on_whole_profiles() -> None:
    strong = disc_profile(TEN, sheet_of(*_counts(d=6, i=2, s=1, c=1)))  # 60 vs 20
    assert strong is not None
    assert strong.confidence is Confidence.HIGH
    few = disc_profile(TEN, sheet_of(*_counts(d=6, i=1)))  # 7 answered
    assert few is not None
    assert few.confidence is Confidence.LOW


def test_no_points_at_all_means_no_profile_and_a_flag() -> None:
    """§4: every answer "none fits" stores no profile; the result says DISC_UNDETERMINED."""
    assert disc_profile(TEN, sheet_of(*_counts(none=10))) is None
    assert disc_profile(TEN, {}) is None
    card = score(TEN, sheet_of(*_counts(none=10)))
    assert card.disc is None
    assert Flag.DISC_UNDETERMINED in card.phases.flags
    assert Flag.DISC_UNDETERMINED not in score(TEN, sheet_of("d")).phases.flags


def test_disc_points_outside_disc_questions_do_not_exist() -> None:
    """Only questions whose options carry DISC points count toward DISC."""
    ordinary = single("PLAIN", option("a", stabilize=5), option("b"), section=Section.STABILIZE)
    profile = disc_profile([ordinary, *TEN], answers(pick("PLAIN", "a"), pick("DQ0", "i")))
    assert profile is not None
    assert profile.answered == 1
    assert profile.scores[I] == Decimal("100.00")
