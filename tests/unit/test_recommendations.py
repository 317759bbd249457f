"""SCORING §6: which recommendations apply and in what order, the client's quick wins, the
roadmap and the checklist, on a small hand-made library."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.model import Condition, DiscType, Phase, Priority
from domain.recommendations import (
    Category,
    ChecklistDraft,
    ChecklistEntry,
    Level,
    Recommendation,
    Trigger,
    add_months,
    applicable,
    checklist,
    checklist_additions,
    due_dates,
    quick_wins,
    roadmap,
    tone_for,
)
from tests.unit.kit import answers, na, option, pick, rate, rating, single

S, O, B, G, Y = Phase.STABILIZE, Phase.ORGANIZE, Phase.BUILD, Phase.GROW, Phase.SYSTEMIC  # noqa: E741
Q = Category.QUICK_WIN
H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW

BOOKS = single("BOOKS", option("current"), option("late"), option("never"), allows_na=True)
ENTITY = single("ENTITY", option("llc"), option("s_corp"))
PAYROLL = single("PAYROLL", option("yes"), option("no"), condition=Condition("ENTITY", "s_corp"))
CONFIDENCE = rating("CONFIDENCE", systemic=4)
QUESTIONS = [BOOKS, ENTITY, PAYROLL, CONFIDENCE]
EVERYTHING = Trigger("BOOKS", values=("current", "late", "never"))


def rec(
    key: str,
    phase: Phase,
    category: Category = Q,
    impact: Level = M,
    effort: Level = M,
    *triggers: Trigger,
) -> Recommendation:
    return Recommendation(
        key=key,
        phase=phase,
        category=category,
        impact=impact,
        effort=effort,
        title=f"Do {key}",
        why="Because.",
        actions=(f"{key} first step", f"{key} second step"),
        triggers=triggers or (EVERYTHING,),
        client_wording=dict.fromkeys(("D", "I", "S", "C", "neutral"), "Helps."),
    )


def keys(recommendations: list[Recommendation]) -> list[str]:
    return [r.key for r in recommendations]


def test_triggers_match_chosen_values_and_ratings_strictly_below() -> None:
    late = rec("LATE", S, Q, M, M, Trigger("BOOKS", values=("late", "never")))
    shaky = rec("SHAKY", Y, Q, M, M, Trigger("CONFIDENCE", rating_below=3))
    library = [late, shaky]

    def applied(*given: object) -> list[str]:
        return keys(applicable(library, QUESTIONS, answers(*given), S, ()))  # type: ignore[arg-type]

    assert applied(pick("BOOKS", "never"), rate("CONFIDENCE", 2)) == ["LATE", "SHAKY"]
    assert applied(pick("BOOKS", "current"), rate("CONFIDENCE", 3)) == []
    assert applied(na("BOOKS")) == []  # N/A matches nothing


def test_answers_to_hidden_questions_trigger_nothing() -> None:
    payroll = rec("PAYROLL", O, Q, H, L, Trigger("PAYROLL", values=("no",)))
    hidden = answers(pick("ENTITY", "llc"), pick("PAYROLL", "no"))
    assert applicable([payroll], QUESTIONS, hidden, S, ()) == []
    shown = answers(pick("ENTITY", "s_corp"), pick("PAYROLL", "no"))
    assert keys(applicable([payroll], QUESTIONS, shown, S, ())) == ["PAYROLL"]


def test_order_is_primary_then_secondary_then_sequence_then_impact_effort_key() -> None:
    """§6 order: primary phase first, then secondary phases, then the rest; within a phase
    impact high first, then effort low first, then key."""
    library = [
        rec("S-1", S, Q, H, L),
        rec("G-LOW", G, Q, L, L),
        rec("G-HIGH-HARD", G, Q, H, H),
        rec("G-HIGH-EASY-B", G, Q, H, L),
        rec("G-HIGH-EASY-A", G, Q, H, L),
        rec("O-1", O, Q, L, H),
        rec("Y-1", Y, Q, H, L),
        rec("B-1", B, Q, H, L),
    ]
    sheet = answers(pick("BOOKS", "late"))
    ordered = applicable(library, QUESTIONS, sheet, primary=G, secondary=(O, Y))
    assert keys(ordered) == [
        "G-HIGH-EASY-A",
        "G-HIGH-EASY-B",
        "G-HIGH-HARD",
        "G-LOW",
        "O-1",
        "Y-1",
        "S-1",
        "B-1",
    ]


def test_the_order_does_not_depend_on_the_librarys_order() -> None:
    library = [rec("A", S, Q, L, L), rec("B", S, Q, H, H), rec("C", O, Q, H, L)]
    sheet = answers(pick("BOOKS", "late"))
    forward = applicable(library, QUESTIONS, sheet, O, ())
    backward = applicable(list(reversed(library)), QUESTIONS, sheet, O, ())
    assert keys(forward) == keys(backward) == ["C", "B", "A"]


def _wins(applied: list[Recommendation], library: list[Recommendation]) -> list[str]:
    return keys(quick_wins(applied, library, S, ()))


def test_quick_wins_are_the_first_five_applicable_quick_wins() -> None:
    library = [rec(f"S-{n}", S, Q, H, L) for n in range(7)]
    library.append(rec("S-STRAT", S, Category.STRATEGIC, H, L))
    applied = applicable(library, QUESTIONS, answers(pick("BOOKS", "late")), S, ())
    assert _wins(applied, library) == ["S-0", "S-1", "S-2", "S-3", "S-4"]


def test_fewer_than_three_quick_wins_are_topped_up_from_the_primary_phase_first() -> None:
    """§6: the client report shows 3-5 quick wins, even when fewer apply."""
    never = Trigger("BOOKS", values=("never",))
    library = [
        rec("S-APPLIES", S, Q, L, L),
        rec("O-SPARE", O, Q, H, L, never),
        rec("S-SPARE-LOW", S, Q, L, L, never),
        rec("S-SPARE-HIGH", S, Q, H, L, never),
    ]
    applied = applicable(library, QUESTIONS, answers(pick("BOOKS", "late")), S, ())
    assert keys(applied) == ["S-APPLIES"]
    assert _wins(applied, library) == ["S-APPLIES", "S-SPARE-HIGH", "S-SPARE-LOW"]


def test_roadmap_runs_from_the_primary_phase_to_systemic() -> None:
    library = [
        rec("B-STRAT", B, Category.STRATEGIC, H, M),
        rec("B-QUICK", B, Q, H, L),
        rec("G-LONG", G, Category.LONG_TERM, M, H),
        rec("S-STRAT", S, Category.STRATEGIC, H, M),
    ]
    readiness = {S: Decimal(80), O: Decimal(75), B: Decimal(40), G: Decimal(30), Y: Decimal(20)}
    applied = applicable(library, QUESTIONS, answers(pick("BOOKS", "late")), B, ())
    steps = roadmap(applied, readiness, B)
    assert [(step.phase, step.is_current) for step in steps] == [(B, True), (G, False), (Y, False)]
    assert [keys(list(step.recommendations)) for step in steps] == [["B-STRAT"], ["G-LONG"], []]
    assert steps[0].readiness == Decimal(40)


def test_checklist_has_one_item_per_action_with_priority_by_phase() -> None:
    """§6: high for the primary phase, medium for secondary phases, low otherwise."""
    library = [rec("O-1", O), rec("B-1", B), rec("G-1", G)]
    applied = applicable(library, QUESTIONS, answers(pick("BOOKS", "late")), O, (B,))
    items = checklist(applied, O, (B,), due_from=DAY)
    assert [(i.order, i.text, i.phase, i.priority) for i in items] == [
        (1, "O-1 first step", O, Priority.HIGH),
        (2, "O-1 second step", O, Priority.HIGH),
        (3, "B-1 first step", B, Priority.MEDIUM),
        (4, "B-1 second step", B, Priority.MEDIUM),
        (5, "G-1 first step", G, Priority.LOW),
        (6, "G-1 second step", G, Priority.LOW),
    ]


def _stored(draft: ChecklistDraft, **changes: object) -> ChecklistEntry:
    """The item a draft became when it was stored, then changed as `changes` say."""
    fields: dict[str, object] = {
        "source_key": draft.source_key,
        "text": draft.text,
        "phase": draft.phase,
        "order": draft.order,
        "deleted": False,
    }
    return ChecklistEntry(**(fields | changes))  # type: ignore[arg-type]


def _texts(drafts: list[ChecklistDraft]) -> list[tuple[int, str]]:
    return [(d.order, d.text) for d in drafts]


DAY = date(2026, 3, 10)
FIRST = checklist([rec("O-1", O), rec("B-1", B)], O, (B,), due_from=DAY)
AGAIN = checklist([rec("O-1", O), rec("G-1", G), rec("B-1", B)], B, (), due_from=DAY)


def test_the_source_key_is_the_phase_and_the_text_as_generated() -> None:
    assert FIRST[0].source_key == "organize:O-1 first step"


def test_a_rescore_adds_only_the_actions_the_checklist_lacks_after_its_last_item() -> None:
    stored = [_stored(d) for d in FIRST]
    added = checklist_additions(AGAIN, stored)
    assert _texts(added) == [(5, "G-1 first step"), (6, "G-1 second step")]
    assert {d.priority for d in added} == {Priority.LOW}  # by the new result's phases


def test_the_same_checklist_again_adds_nothing() -> None:
    assert checklist_additions(FIRST, [_stored(d) for d in FIRST]) == []


def test_an_edited_item_still_matches_what_it_was_generated_from() -> None:
    """Changed text, phase and place: the action is still on the list."""
    first, *rest = FIRST
    stored = [_stored(first, text="Rewritten by the consultant", phase=G, order=9)]
    stored += [_stored(d) for d in rest]
    assert _texts(checklist_additions(FIRST, stored)) == []


def test_a_deleted_item_never_comes_back_and_does_not_count_for_the_order() -> None:
    *kept, last = FIRST
    stored = [*(_stored(d) for d in kept), _stored(last, deleted=True, order=40)]
    assert checklist_additions(FIRST, stored) == []
    added = checklist_additions(AGAIN, stored)
    assert [d.order for d in added] == [4, 5]  # after the last live item, 3


def test_an_item_the_consultant_added_with_the_same_words_counts_as_there() -> None:
    """Only a live one, in the same phase: a deleted or another phase's does not."""
    g1 = [d for d in AGAIN if d.text == "G-1 first step"]
    own = ChecklistEntry(None, "G-1 first step", G, 1, deleted=False)
    assert checklist_additions(g1, [own]) == []
    elsewhere = ChecklistEntry(None, "G-1 first step", B, 1, deleted=False)
    gone = ChecklistEntry(None, "G-1 first step", G, 2, deleted=True)
    assert _texts(checklist_additions(g1, [elsewhere, gone])) == [(2, "G-1 first step")]


def test_an_empty_checklist_gets_every_action_numbered_from_one() -> None:
    assert _texts(checklist_additions(FIRST, [])) == _texts(FIRST)


def test_the_same_action_twice_is_added_once() -> None:
    twice = [*FIRST[:1], FIRST[0]]
    assert _texts(checklist_additions(twice, [])) == [(1, "O-1 first step")]


ST, LT = Category.STRATEGIC, Category.LONG_TERM


def drafts(*categories: Category) -> list[ChecklistDraft]:
    return [
        ChecklistDraft(text=f"step {n}", order=n, phase=S, priority=Priority.HIGH, category=c)
        for n, c in enumerate(categories, start=1)
    ]


def test_each_time_frame_is_spread_evenly_and_ends_on_its_last_day() -> None:
    """The k-th of n items of a frame of D days is due floor(k * D / n) days after completion:
    4 quick wins over 28 days are due a week apart, the last on day 28; strategic steps end 6
    calendar months on, long-term ones 12."""
    items = due_dates(drafts(Q, ST, Q, LT, Q, ST, Q), DAY)
    assert [(i.text, i.due_date) for i in items] == [
        ("step 1", DAY + timedelta(days=7)),
        ("step 2", DAY + timedelta(days=92)),  # 184 days to 10 September, halved
        ("step 3", DAY + timedelta(days=14)),
        ("step 4", date(2027, 3, 10)),  # the only long-term step: on the frame's end
        ("step 5", DAY + timedelta(days=21)),
        ("step 6", date(2026, 9, 10)),
        ("step 7", DAY + timedelta(days=28)),
    ]
    assert [i.order for i in items] == list(range(1, 8))


def test_more_items_than_days_share_days_and_none_is_due_before_completion() -> None:
    items = due_dates(drafts(*[Q] * 60), DAY)
    dates = [i.due_date for i in items]
    assert dates == sorted(dates)  # in checklist order
    assert all(d is not None and DAY <= d <= DAY + timedelta(days=28) for d in dates)
    assert dates[-1] == DAY + timedelta(days=28)
    assert dates[0] == DAY  # floor(28 / 60) days on
    assert due_dates([], DAY) == []


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 31), 6, date(2026, 7, 31)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 2, 28), 12, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_a_month_on_is_the_same_day_or_the_months_last(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_the_generated_checklist_carries_categories_and_due_dates() -> None:
    library = [rec("O-1", O, Q), rec("O-2", O, ST, H, L), rec("O-3", O, LT, H, H)]
    applied = applicable(library, QUESTIONS, answers(pick("BOOKS", "late")), O, ())
    items = checklist(applied, O, (), due_from=DAY)
    assert [(i.text, i.category, i.due_date) for i in items] == [
        ("O-2 first step", ST, DAY + timedelta(days=92)),
        ("O-2 second step", ST, date(2026, 9, 10)),
        ("O-3 first step", LT, DAY + timedelta(days=182)),
        ("O-3 second step", LT, date(2027, 3, 10)),
        ("O-1 first step", Q, DAY + timedelta(days=14)),
        ("O-1 second step", Q, DAY + timedelta(days=28)),
    ]


def test_tone_follows_the_primary_type_and_is_neutral_without_one() -> None:
    assert tone_for(DiscType.S) == "S"
    assert tone_for(None) == "neutral"
