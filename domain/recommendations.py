"""Recommendations, quick wins, the roadmap and the checklist (SCORING §6)."""

from __future__ import annotations

import calendar
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from domain.model import PHASE_SEQUENCE, Answers, DiscType, Phase, Priority, Question
from domain.questionnaire import visible_questions

QUICK_WINS_MIN, QUICK_WINS_MAX = 3, 5
NEUTRAL_TONE = "neutral"


class Category(enum.StrEnum):
    QUICK_WIN = "quick_win"  # 1-4 weeks
    STRATEGIC = "strategic"  # 1-6 months
    LONG_TERM = "long_term"  # 6+ months


# The time frame of each category, from the day of completion: days, or calendar months.
QUICK_WIN_DAYS = 28
STRATEGIC_MONTHS = 6
LONG_TERM_MONTHS = 12


class Level(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_IMPACT_FIRST = {Level.HIGH: 0, Level.MEDIUM: 1, Level.LOW: 2}
_EFFORT_FIRST = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


@dataclass(frozen=True, slots=True)
class Trigger:
    """Matches an answer choosing one of `values`, or a rating below `rating_below`."""

    question_key: str
    values: tuple[str, ...] = ()
    rating_below: int | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    key: str
    phase: Phase
    category: Category
    impact: Level
    effort: Level
    title: str
    why: str
    actions: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    client_wording: Mapping[str, str]  # by tone: D, I, S, C, neutral


@dataclass(frozen=True, slots=True)
class RoadmapStep:
    phase: Phase
    readiness: Decimal
    is_current: bool  # the primary phase: the focus now
    recommendations: tuple[Recommendation, ...]  # its strategic and long-term ones that apply


@dataclass(frozen=True, slots=True)
class ChecklistDraft:
    """An item of the generated plan: its action, its place in the plan, the phase and
    priority of its recommendation, the recommendation's time frame, and the day it is due."""

    text: str
    order: int
    phase: Phase
    priority: Priority
    category: Category
    due_date: date | None = None

    @property
    def source_key(self) -> str:
        """What the item is generated from, stored with it and kept whatever the consultant
        does to the item later: see `checklist_additions`."""
        return action_key(self.phase, self.text)


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    """What matching a re-scored checklist needs to know of an item already stored: its
    `source_key` (None for an item the consultant added), its current text, phase and
    place, and whether it is deleted."""

    source_key: str | None
    text: str
    phase: Phase | None
    order: int
    deleted: bool


def triggered(
    trigger: Trigger, questions: Sequence[Question], answers: Answers, visible: set[str]
) -> bool:
    """An answer matches when its question is visible, answered and not N/A."""
    answer = answers.get(trigger.question_key)
    if answer is None or answer.not_applicable or trigger.question_key not in visible:
        return False
    if trigger.rating_below is not None:
        return answer.rating is not None and answer.rating < trigger.rating_below
    return bool({answer.value, *answer.values} & set(trigger.values))


def applicable(
    library: Sequence[Recommendation],
    questions: Sequence[Question],
    answers: Answers,
    primary: Phase,
    secondary: Sequence[Phase],
) -> list[Recommendation]:
    """§6: the recommendations one of whose triggers matches, primary phase first, then the
    secondary phases, then the rest in sequence order; within a phase by impact (high first),
    effort (low first), then key."""
    visible = {q.key for q in visible_questions(questions, answers)}
    chosen = [
        r for r in library if any(triggered(t, questions, answers, visible) for t in r.triggers)
    ]
    return sorted(chosen, key=_order_key(primary, secondary))


SortKey = Callable[["Recommendation"], tuple[tuple[int, int], int, int, str]]


def _order_key(primary: Phase, secondary: Sequence[Phase]) -> SortKey:
    phase_rank = {phase: (2, PHASE_SEQUENCE.index(phase)) for phase in PHASE_SEQUENCE}
    for position, phase in enumerate(secondary):
        phase_rank[phase] = (1, position)
    phase_rank[primary] = (0, 0)

    def key(r: Recommendation) -> tuple[tuple[int, int], int, int, str]:
        return (phase_rank[r.phase], _IMPACT_FIRST[r.impact], _EFFORT_FIRST[r.effort], r.key)

    return key


def quick_wins(
    applied: Sequence[Recommendation],
    library: Sequence[Recommendation],
    primary: Phase,
    secondary: Sequence[Phase],
) -> list[Recommendation]:
    """§6: the client's 3-5 quick wins: the first five applicable quick wins in §6 order. When
    fewer than three apply, the list is topped up with the library's quick wins of the primary
    phase, then of the following phases, so that every client leaves with something to do."""
    wins = [r for r in applied if r.category is Category.QUICK_WIN][:QUICK_WINS_MAX]
    if len(wins) >= QUICK_WINS_MIN:
        return wins
    extra = sorted(
        (r for r in library if r.category is Category.QUICK_WIN and r not in wins),
        key=_order_key(primary, secondary),
    )
    return [*wins, *extra[: QUICK_WINS_MIN - len(wins)]]


def roadmap(
    applied: Sequence[Recommendation], readiness: Mapping[Phase, Decimal], primary: Phase
) -> list[RoadmapStep]:
    """§6: the primary phase and every phase after it in the sequence, each with the strategic
    and long-term recommendations that apply to it."""
    start = PHASE_SEQUENCE.index(primary)
    return [
        RoadmapStep(
            phase=phase,
            readiness=readiness[phase],
            is_current=phase is primary,
            recommendations=tuple(
                r for r in applied if r.phase is phase and r.category is not Category.QUICK_WIN
            ),
        )
        for phase in PHASE_SEQUENCE[start:]
    ]


def checklist(
    applied: Sequence[Recommendation],
    primary: Phase,
    secondary: Sequence[Phase],
    *,
    due_from: date,
) -> list[ChecklistDraft]:
    """§6: one item per action of each applied recommendation, in §6 order; priority high
    for the primary phase, medium for secondary phases, low otherwise; each due within its
    recommendation's time frame from `due_from`, the day of completion (`due_dates`)."""
    items: list[ChecklistDraft] = []
    for recommendation in applied:
        if recommendation.phase is primary:
            priority = Priority.HIGH
        elif recommendation.phase in secondary:
            priority = Priority.MEDIUM
        else:
            priority = Priority.LOW
        for action in recommendation.actions:
            items.append(
                ChecklistDraft(
                    text=action,
                    order=len(items) + 1,
                    phase=recommendation.phase,
                    priority=priority,
                    category=recommendation.category,
                )
            )
    return due_dates(items, due_from)


def window_end(category: Category, start: date) -> date:
    """The last day of a category's time frame that starts on `start`: 4 weeks for a quick
    win, 6 calendar months for a strategic step, 12 for a long-term one (a day the month
    lacks is its last day: 31 August + 6 months is the end of February)."""
    if category is Category.QUICK_WIN:
        return start + timedelta(days=QUICK_WIN_DAYS)
    months = STRATEGIC_MONTHS if category is Category.STRATEGIC else LONG_TERM_MONTHS
    return add_months(start, months)


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(items: Sequence[ChecklistDraft], start: date) -> list[ChecklistDraft]:
    """The items with their due dates: those of one time frame evenly spaced over it, in
    their order, the last on its end. The k-th of n items of a frame of D days is due
    floor(k * D / n) days after `start`."""
    frames: dict[Category, list[int]] = {}
    for position, item in enumerate(items):
        frames.setdefault(item.category, []).append(position)
    due: dict[int, date] = {}
    for category, positions in frames.items():
        length = (window_end(category, start) - start).days
        count = len(positions)
        for k, position in enumerate(positions, start=1):
            due[position] = start + timedelta(days=k * length // count)
    return [replace(item, due_date=due[position]) for position, item in enumerate(items)]


def action_key(phase: Phase, text: str) -> str:
    """The key of a recommendation's action on the checklist: its phase and its text."""
    return f"{phase.value}:{text}"


def checklist_additions(
    drafts: Sequence[ChecklistDraft], stored: Sequence[ChecklistEntry]
) -> list[ChecklistDraft]:
    """After a re-score, the drafts of the new checklist that are not on the stored one,
    numbered on after its last live item, in §6 order.

    An action is on the checklist when an item was generated from it (the same phase and
    text when generated), whatever the consultant did to that item since: edited, ticked
    off, moved or deleted; so a deleted item never comes back. It is also there when a live
    item says exactly the same in the same phase (one the consultant added, say). The same
    action is added once."""
    taken = {entry.source_key for entry in stored if entry.source_key is not None}
    taken |= {
        action_key(entry.phase, entry.text)
        for entry in stored
        if not entry.deleted and entry.phase is not None
    }
    last = max((entry.order for entry in stored if not entry.deleted), default=0)
    additions: list[ChecklistDraft] = []
    for draft in drafts:
        if draft.source_key in taken:
            continue
        taken.add(draft.source_key)
        additions.append(replace(draft, order=last + len(additions) + 1))
    return additions


def tone_for(primary_type: DiscType | None) -> str:
    """§6: the client report's wording follows the DISC primary type; neutral when the
    profile is undetermined."""
    return primary_type.value if primary_type is not None else NEUTRAL_TONE
