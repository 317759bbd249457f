"""The client report's sections: journey, what readiness means, quick wins, roadmap, next
steps. Encouraging words only, and nothing of the communication style."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

from domain.model import (
    PHASE_SEQUENCE,
    Phase,
)
from domain.phases import MASTERY, Band, band
from domain.recommendations import (
    Recommendation,
    roadmap,
)
from domain.reports.context import ReportContext, date_label, full_name, join_names
from domain.reports.documents import (
    TIMEFRAMES,
    BookingLink,
    Cover,
    JourneyStep,
    NextSteps,
    QuickWin,
    RoadmapItem,
    RoadmapStage,
)
from domain.scheduler_links import SchedulerLink, url_problem

T = TypeVar("T")

# -- client report ----------------------------------------------------------------------------

_BAND_MEANING = {
    Band.GOOD: "Much of this is already working for you; a few refinements will make it "
    "fully dependable.",
    Band.FAIR: "The basics are there. Some focused work will make this area reliable.",
    Band.NEEDS_ATTENTION: "This area has a lot to gain right now, and small, steady steps "
    "here pay off quickly.",
    Band.PRIORITY_FOCUS: "This is where the journey starts: every step here makes the rest "
    "of your finances easier.",
}
READINESS_EXPLAINED = {
    "short": "Readiness shows, from 0 to 100, how much of each area is already in place. "
    "Higher means more is in place.",
    "standard": "For each area we looked at how much of what a well-run business has in place "
    "is already working for you. We call this readiness and show it from 0 to 100, where 100 "
    "means the area is fully in place. It is not a grade: it shows where your effort will pay "
    "off most.",
    "detailed": "Readiness measures how much of each area is already in place, from 0 to 100, "
    "where 100 means fully in place. Each of your answers adds points to one or more areas; an "
    "area's readiness is the points earned as a share of the points available, and questions "
    "that do not apply to your business are left out. From 70, an area counts as in place, "
    "and the first area below 70 in the sequence becomes your focus.",
}
_STATUS_LABELS = {
    "done": "In place",
    "current": "You are here",
    "strong": "Already strong",
    "ahead": "Coming up",
}


# Titles that start a name: a greeting by the first word would say "Hi Dr.!".
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})


def first_name(client_name: str) -> str:
    """The name the client report greets the client by: the first word of the name ("Zoë"
    for "Zoë Łukasiewicz-Nguyễn"), or the given name after the comma of "Family, Given".
    Quotes and brackets around that word are left out. The whole name when it is one word
    (as unspaced Chinese, Japanese and Korean names are), when it opens with a title
    ("Dr. Ada Lovelace"), or when the first word holds no letter. The first word is the
    family name where that comes first (Vietnamese, Chinese, Hungarian order); the report
    cannot tell."""
    name = " ".join(client_name.split())
    family, comma, given = name.partition(",")
    words = given.split() if comma and len(family.split()) == 1 else []
    words = words or name.split()
    if not words:
        return name
    word = _strip_punctuation(words[0])
    if word.rstrip(".").lower() in _HONORIFICS or not any(ch.isalpha() for ch in word):
        return name
    return word


def _strip_punctuation(word: str) -> str:
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith("P"):
        end -= 1
    return word[start:end]


def confidence_change(before: int | None, after: int | None) -> str | None:
    """The client's confidence (1-10) at the start of the assessment and at its end, told
    as encouragement whichever way it moved; None unless both were recorded."""
    if before is None or after is None:
        return None
    if after > before:
        return (
            f"Your confidence in your finances rose from {before} to {after} out of 10 over "
            "the assessment: real progress already, and the steps below build on it."
        )
    if after == before:
        return (
            f"Your confidence in your finances stayed at {after} out of 10 from the start of "
            "the assessment to its end: a steady base for the steps below."
        )
    return (
        f"You rated your confidence {after} out of 10 at the end of the assessment, after "
        f"{before} at the start. Looking closely at the numbers often feels that way at "
        "first; each quick win below is a step that builds it back up."
    )


def client_cover(context: ReportContext) -> Cover:
    inputs = context.inputs
    return Cover(
        title="Your Financial Readiness Report",
        subtitle=f"Prepared for {inputs.assessment.client_name}",
        business_name=inputs.assessment.client_business_name,
        client_name=inputs.assessment.client_name,
        prepared_by=f"{full_name(inputs.consultant)}, {context.branding.company_name}",
        date_label=date_label(inputs.on),
    )


def journey(context: ReportContext) -> tuple[JourneyStep, ...]:
    start = PHASE_SEQUENCE.index(context.primary)
    steps = []
    for index, phase in enumerate(PHASE_SEQUENCE):
        value = context.readiness(phase)
        if index < start:
            status = "done"
        elif index == start:
            status = "current"
        else:
            status = "strong" if value >= MASTERY else "ahead"
        texts = context.inputs.bank.phases[phase]
        level = band(value)
        steps.append(
            JourneyStep(
                phase=phase,
                name=texts.name,
                summary=texts.client_summary,
                status=status,
                status_label=_STATUS_LABELS[status],
                reading=context.reading(phase, client=True),
                meaning=_meaning(context, phase, level),
            )
        )
    return tuple(steps)


def _meaning(context: ReportContext, phase: Phase, level: Band) -> str:
    """One encouraging line per area; none in the short layout."""
    if context.tone.length == "short":
        return ""
    if level is Band.EXCELLENT:
        return context.inputs.bank.phases[phase].strength
    return _BAND_MEANING[level]


def client_focus(context: ReportContext) -> tuple[str, ...]:
    texts = context.inputs.bank.phases[context.primary]
    paragraphs = [texts.client_summary]
    if context.secondary:
        names = join_names([context.phase_name(p) for p in context.secondary])
        paragraphs.append(
            f"You're making progress in {names} at the same time, so several of the steps "
            "below help there too."
        )
    return tuple(paragraphs)


def quick_win(context: ReportContext, recommendation: Recommendation) -> QuickWin:
    length = context.tone.length
    steps = {"short": 1, "standard": 3}.get(length, len(recommendation.actions))
    return QuickWin(
        title=recommendation.title,
        message=recommendation.client_wording[context.tone_key],
        why=recommendation.why if length == "detailed" else None,
        steps=recommendation.actions[:steps],
        timeframe=TIMEFRAMES[recommendation.category],
    )


_ROADMAP_ITEMS = {"short": 2, "standard": 3}  # per stage; the detailed layout shows all


def client_roadmap(context: ReportContext) -> tuple[RoadmapStage, ...]:
    """The focus phase and the phases after it; each stage's strategic and long-term work,
    worded for the client, the first two stages in full and later ones by title."""
    steps = roadmap(list(context.applied), context.inputs.phases.readiness, context.primary)
    length = context.tone.length
    stages = []
    for position, step in enumerate(steps):
        texts = context.inputs.bank.phases[step.phase]
        worded = position < 2 or length == "detailed"
        chosen = step.recommendations[: _ROADMAP_ITEMS.get(length)]
        items = tuple(
            RoadmapItem(
                title=r.title,
                message=r.client_wording[context.tone_key] if worded else "",
                timeframe=TIMEFRAMES[r.category],
            )
            for r in chosen
        )
        note = None
        if not items:
            note = (
                texts.strength
                if step.readiness >= MASTERY
                else "We'll shape the detailed plan for this stage together when you get there."
            )
        stages.append(
            RoadmapStage(
                name=texts.name,
                label="Now" if step.is_current else ("Next" if position == 1 else "Later"),
                is_current=step.is_current,
                summary=texts.client_summary,
                items=items,
                note=note,
            )
        )
    return tuple(stages)


def next_steps(context: ReportContext) -> NextSteps:
    consultant = context.inputs.consultant
    name = full_name(consultant)
    links = booking_links(context.inputs.scheduler_links, context.primary)
    if links:
        contact = f"Prefer email? Write to {name} at {consultant.email}."
    else:
        contact = f"Email {name} at {consultant.email} to arrange your next session."
    return NextSteps(
        text=context.tone.next_steps,
        links=links,
        contact=contact,
        consultant_name=name,
        consultant_email=consultant.email,
    )


RECOMMENDED_LINKS = 3  # links recommended for the client's focus phase, at most
FALLBACK_LINKS = 2  # links shown when none is recommended for it


def offered_links(
    links: Sequence[T], focus: Phase, link_of: Callable[[T], SchedulerLink]
) -> tuple[list[T], bool]:
    """Which of the consultant's links (in display order; `link_of` says what link each one
    is) are offered to a client whose focus phase (their primary phase) is `focus`: up to
    three active ones recommended for it, in display order; when none is, the first two
    active ones. Inactive links never appear, nor links that could not be offered: a URL the
    service would not accept today (`url_problem`: https only) or a blank label. The flag
    says whether the chosen ones are recommended for the focus phase."""
    usable = [
        item
        for item in links
        if (link := link_of(item)).is_active
        and link.label.strip()
        and url_problem(link.url.strip()) is None
    ]
    recommended = [item for item in usable if focus in link_of(item).recommended_for_phases]
    if recommended:
        return recommended[:RECOMMENDED_LINKS], True
    return usable[:FALLBACK_LINKS], False


def booking_links(links: Sequence[SchedulerLink], focus: Phase) -> tuple[BookingLink, ...]:
    """The booking links the client report offers (`offered_links`), each with what it is
    worth knowing about it: its length, and that it suits where the client is now."""
    chosen, recommended = offered_links(links, focus, lambda link: link)
    booked = []
    for link in chosen:
        parts = []
        if link.duration_minutes:
            parts.append(f"{link.duration_minutes} minutes")
        if recommended:
            parts.append("recommended for where you are now")
        booked.append(BookingLink(link.label.strip(), link.url.strip(), ", ".join(parts)))
    return tuple(booked)
