"""The communication style in the consultant report: the DISC summary and the guide for
talking with this client. Never used by the client report."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.disc import Confidence, confidence
from domain.model import (
    Answer,
    Answers,
    DiscType,
    Question,
)
from domain.questionnaire import visible_answers, visible_questions
from domain.reports.context import figure, percent
from domain.reports.documents import (
    TRAIT_NAMES,
    CommunicationGuide,
    DiscSummary,
    GuideTopic,
    TraitReading,
)
from domain.results import StoredDiscProfile

# -- DISC -------------------------------------------------------------------------------------

_TRAIT_ORDER = (DiscType.D, DiscType.I, DiscType.S, DiscType.C)


def disc_summary(
    disc: StoredDiscProfile | None, questions: Sequence[Question], answers: Answers
) -> DiscSummary | None:
    """The stored profile with its confidence: the margin over the next-highest trait and
    SCORING §4's level for it."""
    if disc is None:
        return None
    shown = [q for q, _ in _disc_answers(questions, answers)]
    answered = len(shown)
    available = sum(1 for q in visible_questions(questions, answers) if q.is_disc)
    runner_up = max((disc.scores[t] for t in _TRAIT_ORDER if t is not disc.primary), default=0)
    margin = disc.scores[disc.primary] - Decimal(runner_up)
    level = confidence(margin, answered)
    return DiscSummary(
        primary=disc.primary,
        primary_name=TRAIT_NAMES[disc.primary],
        style=_GUIDES[disc.primary.value].headline,
        secondary=disc.secondary,
        secondary_name=TRAIT_NAMES[disc.secondary] if disc.secondary else None,
        confidence=level,
        margin=margin,
        answered=answered,
        available=available,
        confidence_note=_confidence_note(level, margin, answered, available),
        traits=tuple(
            TraitReading(
                trait=t,
                name=TRAIT_NAMES[t],
                score=disc.scores[t],
                figure=figure(disc.scores[t]),
                percent=percent(disc.scores[t]),
                is_primary=t is disc.primary,
                is_secondary=t is disc.secondary,
            )
            for t in _TRAIT_ORDER
        ),
    )


def _disc_answers(questions: Sequence[Question], answers: Answers) -> list[tuple[Question, Answer]]:
    return [
        (q, a) for q, a in visible_answers(questions, answers) if q.is_disc and not a.not_applicable
    ]


def _confidence_note(level: Confidence, margin: Decimal, answered: int, available: int) -> str:
    basis = (
        f"{figure(margin)} points separate the primary style from the next, over "
        f"{answered} of {available} style questions answered."
    )
    advice = {
        Confidence.HIGH: "A clear reading: plan the conversation around it.",
        Confidence.MODERATE: "A fair reading: confirm it early in the meeting.",
        Confidence.LOW: "Treat it as a hint: watch how the client responds and adjust.",
    }
    return f"{level.value.title()} confidence. {basis} {advice[level]}"


def communication_guide(disc: StoredDiscProfile | None) -> CommunicationGuide:
    """How to run the conversation with this client, written for the primary style and
    blended with the secondary one; a general guide when the style is undetermined."""
    if disc is None:
        return _GUIDES["neutral"]
    guide = _GUIDES[disc.primary.value]
    note = (
        f"Secondary style {TRAIT_NAMES[disc.secondary]}: {_BLENDS[disc.secondary]}"
        if disc.secondary is not None
        else None
    )
    return CommunicationGuide(guide.headline, guide.summary, guide.topics, note)


def _guide(headline: str, summary: str, *topics: tuple[str, str]) -> CommunicationGuide:
    return CommunicationGuide(
        headline, summary, tuple(GuideTopic(h, t) for h, t in topics), secondary_note=None
    )


_OPEN, _PACE, _BRING = "How to open", "Pace", "What to bring"
_AVOID, _NUMBERS, _FOLLOW = "What to avoid", "Presenting numbers", "Following up"

_GUIDES = {
    "D": _guide(
        "Direct and results-first",
        "Decides quickly, wants control of the choices and judges the engagement by its "
        "return. Expect short answers and little patience for background.",
        (
            _OPEN,
            "Lead with the headline: the focus phase, the one risk that matters most and "
            "the two or three moves that change things fastest. A brief greeting is enough.",
        ),
        (_PACE, "Brisk, with a fixed agenda. Finish early once the decisions are made."),
        (
            _BRING,
            "A one-page summary, the quick wins ranked by payoff, and a clear ask: what "
            "you need from the client and by when.",
        ),
        (
            _AVOID,
            "Long explanations of method, hedged language and walking through every "
            "answer. Offer options rather than one prescribed path, so the client stays in "
            "charge of the decision.",
        ),
        (
            _NUMBERS,
            "Bottom line first: cash runway, the gap to target, the tax exposure. "
            "Round figures; keep the detail in reserve for when they ask.",
        ),
        (_FOLLOW, "A short email within a day: decisions, owners and dates."),
    ),
    "I": _guide(
        "Warm and big-picture",
        "Energised by people and possibilities, thinks out loud and responds to enthusiasm "
        "and recognition. Detail and follow-through are where support helps most.",
        (
            _OPEN,
            "Start with a real conversation about the business and its ambitions, and name "
            "what the client already does well before turning to the results.",
        ),
        (
            _PACE,
            "Lively and conversational, steered back to the agenda. Agree specific next "
            "steps before the energy moves to the next idea.",
        ),
        (
            _BRING,
            "The five-phase journey as a picture, a story of where the business could be "
            "in a year, and quick wins that produce visible progress.",
        ),
        (
            _AVOID,
            "Dense tables, long silences and a purely critical tone. Enthusiasm is not "
            "commitment: confirm in writing who does what.",
        ),
        (
            _NUMBERS,
            "Turn figures into outcomes ('two more months of breathing room'), use the "
            "charts, and keep each discussion to a few key numbers.",
        ),
        (
            _FOLLOW,
            "Celebrate the first wins quickly; a friendly check-in after a week keeps "
            "the momentum.",
        ),
    ),
    "S": _guide(
        "Step-by-step and reassuring",
        "Values stability, trust and a predictable plan; prefers gradual change and may not "
        "voice concerns unless asked.",
        (
            _OPEN,
            "Reassure first: the findings are common and manageable. Explain how the "
            "meeting will run before going into the results.",
        ),
        (
            _PACE,
            "Unhurried. One step at a time, check understanding, leave room for questions, "
            "and do not press for decisions on the spot.",
        ),
        (
            _BRING,
            "A written, sequenced plan with clear first steps, who helps with each, and "
            "the support you will give between sessions.",
        ),
        (
            _AVOID,
            "Sudden changes of plan, pressure, or many changes at once. Quiet agreement "
            "can hide doubts: ask directly how the client feels about each step.",
        ),
        (
            _NUMBERS,
            "Show trends and how each change keeps the business secure. Explain every "
            "figure in plain words and tie it to the plan.",
        ),
        (
            _FOLLOW,
            "A written summary and the next appointment already booked; consistency "
            "builds confidence.",
        ),
    ),
    "C": _guide(
        "Detailed and data-backed",
        "Analytical, careful and quality-minded; wants to understand the method and will test "
        "the logic. Decides once the evidence is clear.",
        (
            _OPEN,
            "State the purpose and agenda, then explain how the results were calculated "
            "before presenting conclusions.",
        ),
        (
            _PACE,
            "Measured. Send material ahead when you can and allow time to review. Expect "
            "detailed questions and answer them precisely.",
        ),
        (
            _BRING,
            "The phase scores and their basis, the answers behind each gap, sources for "
            "any benchmark you quote, and a plan with milestones and timeframes.",
        ),
        (
            _AVOID,
            "Vague claims, exaggeration and rushed decisions. Do not gloss over "
            "uncertainty: say what the assessment can and cannot tell.",
        ),
        (
            _NUMBERS,
            "Exact figures with the method behind them, assumptions stated, tables "
            "rather than slogans.",
        ),
        (
            _FOLLOW,
            "A written record of the decisions and the reasoning, with measurable "
            "milestones to review.",
        ),
    ),
    "neutral": _guide(
        "Style not determined",
        "The answers gave no clear communication style. Start neutral and let the client "
        "show you what works.",
        (
            _OPEN,
            "Ask how the client prefers to receive information: the headline first, or "
            "the detail behind it.",
        ),
        (_PACE, "Moderate. Pause after each section and let the client set the speed."),
        (_BRING, "The one-page summary and the detailed figures, so you can go either way."),
        (_AVOID, "Assumptions about what the client wants; check before going deep."),
        (_NUMBERS, "Headline figure first, with the detail ready when asked."),
        (_FOLLOW, "A short written summary with the agreed next steps."),
    ),
}

_BLENDS = {
    DiscType.D: "keep it brisk and end with clear decisions.",
    DiscType.I: "add warmth and a picture of what success looks like.",
    DiscType.S: "give a clear sequence and reassurance at each step.",
    DiscType.C: "have the supporting detail and method ready.",
}
