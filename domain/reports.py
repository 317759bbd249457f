"""What the two PDF reports say: a `ReportDocument` built by pure functions, with no HTML.

`server/pdf.py` lays a document out; everything a reader sees as words or figures is decided
here, so tests can read a report without rendering it.

Inputs (`ReportInputs`): the assessment, its answers by question key (from stored responses,
`domain.questionnaire.answers_by_key(r.answer for r in responses)`), the stored phase result
and DISC profile (None when undetermined), the question bank (questions, recommendations, the
phase texts and the client-report tones), the consultant, optional branding and booking links,
and the date the report is made (`on`; no clock is read).

- The consultant report (`ConsultantReport`) is confidential and complete: executive summary,
  phase-by-phase analysis with red flags in words, a communication guide for the client's DISC
  style, the whole action plan (SCORING §6: every recommendation that applies) and every
  visible answer with the consultant's notes.
- The client report (`ClientReport`) is short and encouraging. Its wording follows the DISC
  primary type through the bank's tones (`tone_for`), but it holds no DISC field at all: no
  type, trait name, trait score or question-level score can reach it.

DISC confidence, as the consultant report states it: the margin in points between the primary
score and the next-highest trait, with SCORING §4's level for that margin (HIGH above 20,
MODERATE above 10, otherwise LOW; LOW whenever fewer than 8 DISC questions were answered).

Imports the standard library and `domain` only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from domain.assessments import Assessment
from domain.bank import Bank, Tone
from domain.disc import Confidence, confidence
from domain.model import (
    PHASE_SEQUENCE,
    Answer,
    Answers,
    DiscType,
    Phase,
    Question,
    QuestionType,
    ReportType,
    Section,
    User,
)
from domain.phases import MASTERY, Band, band, question_points, readiness
from domain.questionnaire import visible_answers, visible_questions
from domain.recommendations import (
    Category,
    Recommendation,
    applicable,
    quick_wins,
    roadmap,
    tone_for,
    triggered,
)
from domain.results import StoredDiscProfile, StoredPhaseResult

DEFAULT_COMPANY = "Financial RISE"
DEFAULT_BRAND_COLOR = "#1F4E79"
CONFIDENTIAL = "CONFIDENTIAL"
FILE_NAME_FALLBACK = "Client"
FILE_NAME_MAX = 60
MAX_EVIDENCE = 4  # strengths and gaps shown per phase in the consultant report
MAX_BOOKING_LINKS = 4
STRENGTH_SHARE = Decimal("0.8")  # an answer earning at least this share of its points
GAP_SHARE = Decimal("0.4")  # an answer earning at most this share
STRONGEST_FLOOR = Decimal(40)  # the strongest phase is named among the findings from Fair up

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Branding:
    """The consultant's firm as the reports show it. A `brand_color` that is not "#RRGGBB"
    and a blank `company_name` fall back to the Financial RISE defaults."""

    company_name: str = DEFAULT_COMPANY
    brand_color: str = DEFAULT_BRAND_COLOR

    def __post_init__(self) -> None:
        name = " ".join(self.company_name.split()) or DEFAULT_COMPANY
        color = self.brand_color.strip()
        color = color.upper() if _HEX_COLOR.match(color) else DEFAULT_BRAND_COLOR
        object.__setattr__(self, "company_name", name)
        object.__setattr__(self, "brand_color", color)


@dataclass(frozen=True, slots=True)
class SchedulerLink:
    """A booking page of the consultant's. Only http(s) links reach a report; those
    recommended for the client's focus phase come first."""

    label: str
    url: str
    duration_minutes: int | None = None
    recommended_for_phases: tuple[Phase, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportInputs:
    assessment: Assessment
    answers: Answers
    phases: StoredPhaseResult
    disc: StoredDiscProfile | None
    consultant: User
    bank: Bank
    on: date
    branding: Branding | None = None
    scheduler_links: tuple[SchedulerLink, ...] = ()


# -- the documents ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cover:
    title: str
    subtitle: str
    business_name: str
    client_name: str
    prepared_by: str  # "Jane Doe, Financial RISE"
    date_label: str
    details: tuple[tuple[str, str], ...] = ()  # label, value


@dataclass(frozen=True, slots=True)
class PhaseReading:
    phase: Phase
    name: str
    readiness: Decimal
    figure: str  # "62.5"
    percent: int  # 0-100, for bar widths
    band: str  # SCORING §2 band (consultant) or its encouraging wording (client)
    is_primary: bool
    is_secondary: bool


@dataclass(frozen=True, slots=True)
class TraitReading:
    trait: DiscType
    name: str
    score: Decimal
    figure: str
    percent: int
    is_primary: bool
    is_secondary: bool


@dataclass(frozen=True, slots=True)
class DiscSummary:
    primary: DiscType
    primary_name: str
    style: str  # "Direct and results-first"
    secondary: DiscType | None
    secondary_name: str | None
    confidence: Confidence
    margin: Decimal  # primary score minus the next-highest trait's
    answered: int  # DISC questions answered
    available: int  # DISC questions visible
    confidence_note: str
    traits: tuple[TraitReading, ...]


@dataclass(frozen=True, slots=True)
class RedFlag:
    code: str
    title: str
    explanation: str
    phases: tuple[Phase, ...]


@dataclass(frozen=True, slots=True)
class ExecutiveSummary:
    focus: str  # "Stabilize (32.5, Needs attention)"
    focus_text: str
    secondary: str  # the secondary phases in words, "" when none
    phases: tuple[PhaseReading, ...]
    disc: DiscSummary | None
    findings: tuple[str, ...]
    red_flags: tuple[RedFlag, ...]
    confidence_before: str  # "4 / 10" or "Not recorded"
    confidence_after: str
    confidence_change: str
    business_facts: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Evidence:
    key: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class PhaseAnalysis:
    reading: PhaseReading
    summary: str
    strengths: tuple[Evidence, ...]
    gaps: tuple[Evidence, ...]
    red_flags: tuple[RedFlag, ...]
    work_on: tuple[str, ...]  # titles of the recommendations that apply to the phase


@dataclass(frozen=True, slots=True)
class GuideTopic:
    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class CommunicationGuide:
    headline: str
    summary: str
    topics: tuple[GuideTopic, ...]
    secondary_note: str | None


@dataclass(frozen=True, slots=True)
class ActionItem:
    key: str
    title: str
    phase_name: str
    timeframe: str
    impact: str
    effort: str
    priority: str  # as the checklist will carry it: High, Medium or Low
    why: str
    actions: tuple[str, ...]
    triggered_by: tuple[str, ...]
    in_client_report: bool
    client_message: str  # the wording the client report uses


@dataclass(frozen=True, slots=True)
class ActionGroup:
    heading: str
    timeframe: str
    intro: str
    items: tuple[ActionItem, ...]


@dataclass(frozen=True, slots=True)
class AnswerRow:
    key: str
    question: str
    answer: str
    notes: str | None
    not_applicable: bool
    style_signal: str | None  # the DISC trait the chosen option points to


@dataclass(frozen=True, slots=True)
class AnswerSection:
    title: str
    rows: tuple[AnswerRow, ...]


@dataclass(frozen=True, slots=True)
class ConsultantReport:
    file_name: str
    branding: Branding
    cover: Cover
    summary: ExecutiveSummary
    phases: tuple[PhaseAnalysis, ...]
    guide: CommunicationGuide
    action_plan: tuple[ActionGroup, ...]
    answers: tuple[AnswerSection, ...]
    marking: str = CONFIDENTIAL
    report_type: ReportType = field(default=ReportType.CONSULTANT)


@dataclass(frozen=True, slots=True)
class JourneyStep:
    phase: Phase
    name: str
    summary: str
    status: str  # "done", "current", "strong" or "ahead"
    status_label: str
    reading: PhaseReading
    meaning: str


@dataclass(frozen=True, slots=True)
class QuickWin:
    title: str
    message: str
    why: str | None
    steps: tuple[str, ...]
    timeframe: str


@dataclass(frozen=True, slots=True)
class RoadmapItem:
    title: str
    message: str
    timeframe: str


@dataclass(frozen=True, slots=True)
class RoadmapStage:
    name: str
    label: str  # "Now", "Next", "Later"
    is_current: bool
    summary: str
    items: tuple[RoadmapItem, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class BookingLink:
    label: str
    url: str
    detail: str


@dataclass(frozen=True, slots=True)
class NextSteps:
    text: str
    links: tuple[BookingLink, ...]
    contact: str  # how to reach the consultant when there is no booking link, or besides it
    consultant_name: str
    consultant_email: str


@dataclass(frozen=True, slots=True)
class ClientReport:
    file_name: str
    branding: Branding
    cover: Cover
    welcome: tuple[str, ...]  # paragraphs
    journey: tuple[JourneyStep, ...]
    focus_name: str
    focus_text: tuple[str, ...]
    standing_intro: str
    readiness_explainer: str
    quick_wins_intro: str
    quick_wins: tuple[QuickWin, ...]
    roadmap_intro: str
    roadmap: tuple[RoadmapStage, ...]
    next_steps: NextSteps
    closing: str
    layout: str  # "short", "standard" or "detailed": how much each section explains
    report_type: ReportType = field(default=ReportType.CLIENT)


ReportDocument: TypeAlias = ConsultantReport | ClientReport


# -- entry points -----------------------------------------------------------------------------


def build_report(inputs: ReportInputs, report_type: ReportType) -> ReportDocument:
    if report_type is ReportType.CONSULTANT:
        return consultant_report(inputs)
    return client_report(inputs)


def report_file_name(business_name: str, report_type: ReportType, on: date) -> str:
    """`Financial-RISE-<Business>-<client|consultant>-<YYYY-MM-DD>.pdf`, the business name
    reduced to ASCII letters, digits and single hyphens ("Client" when nothing is left)."""
    ascii_name = (
        unicodedata.normalize("NFKD", business_name).encode("ascii", "ignore").decode("ascii")
    )
    ascii_name = re.sub(r"['`]", "", ascii_name)
    safe = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")
    safe = safe[:FILE_NAME_MAX].rstrip("-") or FILE_NAME_FALLBACK
    return f"Financial-RISE-{safe}-{report_type.value}-{on.isoformat()}.pdf"


def consultant_report(inputs: ReportInputs) -> ConsultantReport:
    context = _Context.of(inputs)
    return ConsultantReport(
        file_name=report_file_name(
            inputs.assessment.client_business_name, ReportType.CONSULTANT, inputs.on
        ),
        branding=context.branding,
        cover=_consultant_cover(context),
        summary=_executive_summary(context),
        phases=tuple(_phase_analysis(context, phase) for phase in PHASE_SEQUENCE),
        guide=communication_guide(inputs.disc),
        action_plan=_action_plan(context),
        answers=_answer_sections(context),
    )


def client_report(inputs: ReportInputs) -> ClientReport:
    context = _Context.of(inputs)
    tone = context.tone
    names = {
        "client_name": inputs.assessment.client_name,
        "business_name": inputs.assessment.client_business_name,
    }
    consultant = _full_name(inputs.consultant)
    welcome = (
        tone.welcome.format_map(names),
        f"{consultant} prepared this report from the answers you gave "
        f"on {_date_label(_answered_on(inputs))}.",
    )
    return ClientReport(
        file_name=report_file_name(
            inputs.assessment.client_business_name, ReportType.CLIENT, inputs.on
        ),
        branding=context.branding,
        cover=_client_cover(context),
        welcome=welcome,
        journey=_journey(context),
        focus_name=context.phase_name(context.primary),
        focus_text=_client_focus(context),
        standing_intro=tone.standing_intro,
        readiness_explainer=_READINESS_EXPLAINED[tone.length],
        quick_wins_intro=tone.quick_wins_intro,
        quick_wins=tuple(_quick_win(context, r) for r in context.wins),
        roadmap_intro=tone.roadmap_intro,
        roadmap=_client_roadmap(context),
        next_steps=_next_steps(context),
        closing=f"Prepared by {consultant}, {context.branding.company_name}",
        layout=tone.length,
    )


# -- shared facts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    inputs: ReportInputs
    questions: tuple[Question, ...]
    answers: Answers
    primary: Phase
    secondary: tuple[Phase, ...]
    applied: tuple[Recommendation, ...]
    wins: tuple[Recommendation, ...]
    tone: Tone
    tone_key: str
    branding: Branding

    @classmethod
    def of(cls, inputs: ReportInputs) -> _Context:
        if inputs.phases.assessment_id != inputs.assessment.id or (
            inputs.disc is not None and inputs.disc.assessment_id != inputs.assessment.id
        ):
            raise ValueError("the results belong to another assessment")
        bank, result = inputs.bank, inputs.phases
        applied = applicable(
            bank.recommendations, bank.questions, inputs.answers, result.primary, result.secondary
        )
        wins = quick_wins(applied, bank.recommendations, result.primary, result.secondary)
        tone_key = tone_for(inputs.disc.primary if inputs.disc else None)
        return cls(
            inputs=inputs,
            questions=bank.questions,
            answers=inputs.answers,
            primary=result.primary,
            secondary=result.secondary,
            applied=tuple(applied),
            wins=tuple(wins),
            tone=bank.tones[tone_key],
            tone_key=tone_key,
            branding=inputs.branding or Branding(),
        )

    def phase_name(self, phase: Phase) -> str:
        return self.inputs.bank.phases[phase].name

    def readiness(self, phase: Phase) -> Decimal:
        return self.inputs.phases.readiness[phase]

    def reading(self, phase: Phase, *, client: bool) -> PhaseReading:
        value = self.readiness(phase)
        level = band(value)
        return PhaseReading(
            phase=phase,
            name=self.phase_name(phase),
            readiness=value,
            figure=_figure(value) if not client else str(_percent(value)),
            percent=_percent(value),
            band=_CLIENT_BANDS[level] if client else level.value,
            is_primary=phase is self.primary,
            is_secondary=phase in self.secondary,
        )


def _figure(value: Decimal) -> str:
    """Two decimals, as stored: a consultant sees 69.99 as 69.99, never as a rounded 70."""
    return f"{value:.2f}"


def _percent(value: Decimal) -> int:
    return max(0, min(100, int(value.quantize(Decimal(1)))))


def _date_label(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def _answered_on(inputs: ReportInputs) -> date:
    completed = inputs.assessment.completed_at
    return completed.date() if completed is not None else inputs.on


def _full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip()


def _names(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# -- answers in words -------------------------------------------------------------------------


def answer_label(question: Question, answer: Answer | None) -> str:
    """An answer as the client chose it: option labels, "4 of 5 (Quite confident)", the text,
    "Not applicable" or "Not answered"; never a stored value or a point."""
    if answer is None or not answer.is_answered:
        return "Not answered"
    if answer.not_applicable:
        return "Not applicable"
    if question.type is QuestionType.RATING and answer.rating is not None:
        scale = question.scale[answer.rating - 1] if len(question.scale) >= answer.rating else ""
        return f"{answer.rating} of 5 ({scale})" if scale else f"{answer.rating} of 5"
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return "; ".join(_option_label(question, value) for value in answer.values)
    if question.type is QuestionType.TEXT:
        return answer.value or ""
    return _option_label(question, answer.value or "")


def _option_label(question: Question, value: str) -> str:
    option = question.option(value)
    return option.label if option is not None else value


def _style_signal(question: Question, answer: Answer) -> str | None:
    option = question.option(answer.value or "") if question.is_disc else None
    if option is None or not option.disc_points:
        return None
    trait = next(iter(option.disc_points))
    return f"{trait.value} ({TRAIT_NAMES[trait]})"


def _answer_sections(context: _Context) -> tuple[AnswerSection, ...]:
    visible = visible_questions(context.questions, context.answers)
    sections: list[AnswerSection] = []
    for section in _section_order(visible):
        rows = tuple(
            _answer_row(question, context.answers.get(question.key))
            for question in visible
            if question.section is section
        )
        sections.append(AnswerSection(context.inputs.bank.sections[section].title, rows))
    return tuple(sections)


def _section_order(questions: Sequence[Question]) -> list[Section]:
    order: list[Section] = []
    for question in questions:
        if question.section not in order:
            order.append(question.section)
    return order


def _answer_row(question: Question, answer: Answer | None) -> AnswerRow:
    notes = answer.notes.strip() if answer is not None and answer.notes else None
    return AnswerRow(
        key=question.key,
        question=question.text,
        answer=answer_label(question, answer),
        notes=notes or None,
        not_applicable=answer is not None and answer.not_applicable,
        style_signal=_style_signal(question, answer) if answer is not None else None,
    )


# -- consultant report ------------------------------------------------------------------------

_BUSINESS_FACTS = (
    ("META-001", "Industry"),
    ("META-002", "Years in business"),
    ("META-003", "Annual revenue"),
    ("META-004", "People"),
    ("META-005", "Legal entity"),
)


def _consultant_cover(context: _Context) -> Cover:
    inputs = context.inputs
    assessment = inputs.assessment
    completed = assessment.completed_at
    return Cover(
        title="Financial Readiness Assessment",
        subtitle="Consultant report",
        business_name=assessment.client_business_name,
        client_name=assessment.client_name,
        prepared_by=f"{_full_name(inputs.consultant)}, {context.branding.company_name}",
        date_label=_date_label(inputs.on),
        details=(
            ("Client", assessment.client_name),
            ("Business", assessment.client_business_name),
            ("Client email", assessment.client_email),
            ("Entity type", assessment.entity_type or "Not recorded"),
            ("Assessment completed", _date_label(completed.date()) if completed else "Not yet"),
            ("Consultant", f"{_full_name(inputs.consultant)} ({inputs.consultant.email})"),
            ("Question bank", f"version {inputs.bank.version}"),
        ),
    )


def _executive_summary(context: _Context) -> ExecutiveSummary:
    assessment = context.inputs.assessment
    primary = context.reading(context.primary, client=False)
    before, after = assessment.confidence_before, assessment.confidence_after
    return ExecutiveSummary(
        focus=f"{primary.name} ({primary.figure}, {primary.band})",
        focus_text=context.inputs.bank.phases[context.primary].consultant_summary,
        secondary=_names([context.phase_name(p) for p in context.secondary]),
        phases=tuple(context.reading(p, client=False) for p in PHASE_SEQUENCE),
        disc=disc_summary(context.inputs.disc, context.questions, context.answers),
        findings=_findings(context),
        red_flags=_red_flags(context),
        confidence_before=f"{before} / 10" if before is not None else "Not recorded",
        confidence_after=f"{after} / 10" if after is not None else "Not recorded",
        confidence_change=_confidence_change(before, after),
        business_facts=_business_facts(context),
    )


def _confidence_change(before: int | None, after: int | None) -> str:
    if before is None or after is None:
        return "Ask the client to rate their confidence before and after the session."
    if after > before:
        return f"Up {after - before} point{'s' * (after - before != 1)} over the session."
    if after < before:
        return (
            f"Down {before - after} point{'s' * (before - after != 1)}: the session surfaced "
            "issues the client had not seen; reassure them with the quick wins."
        )
    return "Unchanged over the session."


def _business_facts(context: _Context) -> tuple[tuple[str, str], ...]:
    by_key = {q.key: q for q in context.questions}
    return tuple(
        (label, answer_label(by_key[key], context.answers.get(key)))
        for key, label in _BUSINESS_FACTS
        if key in by_key
    )


def _findings(context: _Context) -> tuple[str, ...]:
    readings = [context.reading(p, client=False) for p in PHASE_SEQUENCE]
    focus = next(r for r in readings if r.is_primary)
    in_focus = [r for r in context.applied if r.phase is context.primary]
    findings = [
        f"Focus now: {focus.name} at {focus.figure} ({focus.band}); "
        f"{len(in_focus)} of the {len(context.applied)} recommendations that apply sit here."
    ]
    strongest = max(readings, key=lambda r: r.readiness)
    if strongest.readiness >= STRONGEST_FLOOR:  # below Fair, the best of a weak set is no strength
        findings.append(
            f"Strongest area: {strongest.name} at {strongest.figure} ({strongest.band})."
        )
    weakest = min(readings, key=lambda r: r.readiness)
    if weakest.phase is not context.primary:
        findings.append(
            f"Lowest score: {weakest.name} at {weakest.figure}. It comes after the focus phase "
            "in the sequence, so it is planned next rather than first."
        )
    lever = next((r for r in context.applied if r.category is Category.QUICK_WIN), None)
    if lever is not None:
        findings.append(
            f"Fastest lever: {lever.title} ({lever.impact.value} impact, "
            f"{lever.effort.value} effort, 1-4 weeks)."
        )
    return tuple(findings)


_FLAG_TITLES = {
    "CRITICAL_STABILIZE": "Critical: the foundations are not stable",
    "SCORP_PAYROLL_RISK": "S-Corporation owner not confirmed on payroll",
    "FOUNDATION_GAP": "Later phases are ahead of their foundations",
    "INSUFFICIENT_DATA": "A phase could not be measured",
    "DISC_UNDETERMINED": "Communication style not determined",
}


def _red_flags(context: _Context) -> tuple[RedFlag, ...]:
    """PhaseResult.flags in words, each tied to the phases it concerns."""
    flags: list[RedFlag] = []
    for code in context.inputs.phases.flags:
        explained = _explain_flag(context, code)
        if explained is not None:
            text, phases = explained
            flags.append(RedFlag(code, _FLAG_TITLES.get(code, code), text, phases))
    return tuple(flags)


def _explain_flag(context: _Context, code: str) -> tuple[str, tuple[Phase, ...]] | None:
    stabilize = _figure(context.readiness(Phase.STABILIZE))
    if code == "CRITICAL_STABILIZE":
        return (
            f"Stabilize readiness is {stabilize}, below 40. Bookkeeping, tax or cash basics "
            "are missing, so figures elsewhere cannot be trusted yet and later work will not "
            "hold. Make these fixes the first order of business.",
            (Phase.STABILIZE,),
        )
    if code == "SCORP_PAYROLL_RISK":
        return (
            "The business is an S-Corporation and the owner is not confirmed as paid a "
            f"reasonable salary through payroll ({_payroll_answer(context)}). Distributions "
            "without reasonable compensation invite reclassification, back payroll taxes, "
            "penalties and interest. Confirm the position with the client's tax adviser.",
            (Phase.ORGANIZE,),
        )
    if code == "FOUNDATION_GAP":
        return _foundation_gap(context)
    if code == "INSUFFICIENT_DATA":
        empty = tuple(
            p for p, v in readiness(context.questions, context.answers).items() if v is None
        )
        names = _names([context.phase_name(p) for p in empty]) or "A phase"
        return (
            f"{names} had no scoreable answers (all not applicable or unanswered). Its "
            "readiness shows as 0, which is not a measurement: discuss it with the client.",
            empty,
        )
    if code == "DISC_UNDETERMINED":
        return (
            "Every communication-style answer was 'none of these', so no style could be "
            "determined. The client report uses neutral wording; use the general guide below.",
            (),
        )
    return None


def _payroll_answer(context: _Context) -> str:
    for question, answer in visible_answers(context.questions, context.answers):
        if question.mirror is not None and question.mirror.value == "s_corp_on_payroll":
            return f"answer: '{answer_label(question, answer)}'"
    return "the payroll question was not answered"


def _foundation_gap(context: _Context) -> tuple[str, tuple[Phase, ...]]:
    weak = [p for p in PHASE_SEQUENCE if context.readiness(p) < 50]
    ahead = [
        p
        for i, p in enumerate(PHASE_SEQUENCE)
        if context.readiness(p) >= MASTERY and any(q in weak for q in PHASE_SEQUENCE[:i])
    ]
    weak = [
        p for p in weak if any(PHASE_SEQUENCE.index(p) < PHASE_SEQUENCE.index(a) for a in ahead)
    ]
    return (
        f"{_names([context.phase_name(p) for p in ahead])} "
        f"{'is' if len(ahead) == 1 else 'are'} at or above 70 while "
        f"{_names([context.phase_name(p) for p in weak])} "
        f"{'is' if len(weak) == 1 else 'are'} below 50. Plans and skills are ahead of the "
        "foundations under them: forecasts and reports rest on weak data until the earlier "
        "phase is fixed.",
        tuple(weak),
    )


def _phase_analysis(context: _Context, phase: Phase) -> PhaseAnalysis:
    scored = _scored_answers(context, phase)
    # Style questions give every real option the same points, so a full score there says
    # little about strength; a low one (the "not yet" option) is still a gap.
    strengths = sorted(
        (s for s in scored if s[0] >= STRENGTH_SHARE and not s[2]), key=lambda s: -s[0]
    )
    gaps = sorted((s for s in scored if s[0] <= GAP_SHARE), key=lambda s: s[0])
    return PhaseAnalysis(
        reading=context.reading(phase, client=False),
        summary=context.inputs.bank.phases[phase].consultant_summary,
        strengths=tuple(s[1] for s in strengths[:MAX_EVIDENCE]),
        gaps=tuple(g[1] for g in gaps[:MAX_EVIDENCE]),
        red_flags=tuple(f for f in _red_flags(context) if phase in f.phases),
        work_on=tuple(r.title for r in context.applied if r.phase is phase),
    )


def _scored_answers(context: _Context, phase: Phase) -> list[tuple[Decimal, Evidence, bool]]:
    """The phase section's answers with the share of their points they earned for the phase
    and whether the question is a style question (stable sorts then keep bank order among
    equal shares)."""
    scored: list[tuple[Decimal, Evidence, bool]] = []
    for question, answer in visible_answers(context.questions, context.answers):
        if question.section.value != phase.value or answer.not_applicable:
            continue
        tally = question_points(question, answer, phase)
        if tally.maximum == 0:
            continue
        share = Decimal(tally.earned) / Decimal(tally.maximum)
        evidence = Evidence(question.key, question.text, answer_label(question, answer))
        scored.append((share, evidence, question.is_disc))
    return scored


_TIMEFRAMES = {
    Category.QUICK_WIN: "1-4 weeks",
    Category.STRATEGIC: "1-6 months",
    Category.LONG_TERM: "6 months and beyond",
}
_GROUPS = (
    (
        Category.QUICK_WIN,
        "Quick wins",
        "Low-effort moves that show progress within weeks. Those marked 'In client report' "
        "are the ones the client sees.",
    ),
    (
        Category.STRATEGIC,
        "Strategic initiatives",
        "The structural work of the coming months, in priority order.",
    ),
    (
        Category.LONG_TERM,
        "Long-term projects",
        "Work that builds on the earlier phases; schedule it once those are in hand.",
    ),
)


def _action_plan(context: _Context) -> tuple[ActionGroup, ...]:
    topped_up = [r for r in context.wins if r not in context.applied]
    groups = []
    for category, heading, intro in _GROUPS:
        chosen = [r for r in context.applied if r.category is category]
        if category is Category.QUICK_WIN:
            chosen += topped_up
        groups.append(
            ActionGroup(
                heading=heading,
                timeframe=_TIMEFRAMES[category],
                intro=intro,
                items=tuple(_action_item(context, r) for r in chosen),
            )
        )
    return tuple(groups)


def _action_item(context: _Context, recommendation: Recommendation) -> ActionItem:
    if recommendation.phase is context.primary:
        priority = "High"
    elif recommendation.phase in context.secondary:
        priority = "Medium"
    else:
        priority = "Low"
    return ActionItem(
        key=recommendation.key,
        title=recommendation.title,
        phase_name=context.phase_name(recommendation.phase),
        timeframe=_TIMEFRAMES[recommendation.category],
        impact=recommendation.impact.value.title(),
        effort=recommendation.effort.value.title(),
        priority=priority,
        why=recommendation.why,
        actions=recommendation.actions,
        triggered_by=_triggers(context, recommendation),
        in_client_report=recommendation in context.wins,
        client_message=recommendation.client_wording[context.tone_key],
    )


def _triggers(context: _Context, recommendation: Recommendation) -> tuple[str, ...]:
    visible = {q.key for q in visible_questions(context.questions, context.answers)}
    by_key = {q.key: q for q in context.questions}
    found = []
    for trigger in recommendation.triggers:
        if triggered(trigger, context.questions, context.answers, visible):
            question = by_key[trigger.question_key]
            label = answer_label(question, context.answers.get(question.key))
            found.append(f"{question.key}: {label}")
    if not found:
        return ("No answer triggered it: offered to the client as a starter quick win.",)
    return tuple(dict.fromkeys(found))


# -- DISC -------------------------------------------------------------------------------------

TRAIT_NAMES = {
    DiscType.D: "Dominance",
    DiscType.I: "Influence",
    DiscType.S: "Steadiness",
    DiscType.C: "Conscientiousness",
}
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
                figure=_figure(disc.scores[t]),
                percent=_percent(disc.scores[t]),
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
        f"{_figure(margin)} points separate the primary style from the next, over "
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


# -- client report ----------------------------------------------------------------------------

_CLIENT_BANDS = {
    Band.EXCELLENT: "Strong",
    Band.GOOD: "Solid",
    Band.FAIR: "Taking shape",
    Band.NEEDS_ATTENTION: "Room to grow",
    Band.PRIORITY_FOCUS: "Starting point",
}
_BAND_MEANING = {
    Band.GOOD: "Much of this is already working for you; a few refinements will make it "
    "fully dependable.",
    Band.FAIR: "The basics are there. Some focused work will make this area reliable.",
    Band.NEEDS_ATTENTION: "This area has a lot to gain right now, and small, steady steps "
    "here pay off quickly.",
    Band.PRIORITY_FOCUS: "This is where the journey starts: every step here makes the rest "
    "of your finances easier.",
}
_READINESS_EXPLAINED = {
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


def _client_cover(context: _Context) -> Cover:
    inputs = context.inputs
    return Cover(
        title="Your Financial Readiness Report",
        subtitle=f"Prepared for {inputs.assessment.client_name}",
        business_name=inputs.assessment.client_business_name,
        client_name=inputs.assessment.client_name,
        prepared_by=f"{_full_name(inputs.consultant)}, {context.branding.company_name}",
        date_label=_date_label(inputs.on),
    )


def _journey(context: _Context) -> tuple[JourneyStep, ...]:
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


def _meaning(context: _Context, phase: Phase, level: Band) -> str:
    """One encouraging line per area; none in the short layout."""
    if context.tone.length == "short":
        return ""
    if level is Band.EXCELLENT:
        return context.inputs.bank.phases[phase].strength
    return _BAND_MEANING[level]


def _client_focus(context: _Context) -> tuple[str, ...]:
    texts = context.inputs.bank.phases[context.primary]
    paragraphs = [texts.client_summary]
    if context.secondary:
        names = _names([context.phase_name(p) for p in context.secondary])
        paragraphs.append(
            f"You're making progress in {names} at the same time, so several of the steps "
            "below help there too."
        )
    return tuple(paragraphs)


def _quick_win(context: _Context, recommendation: Recommendation) -> QuickWin:
    length = context.tone.length
    steps = {"short": 1, "standard": 3}.get(length, len(recommendation.actions))
    return QuickWin(
        title=recommendation.title,
        message=recommendation.client_wording[context.tone_key],
        why=recommendation.why if length == "detailed" else None,
        steps=recommendation.actions[:steps],
        timeframe=_TIMEFRAMES[recommendation.category],
    )


_ROADMAP_ITEMS = {"short": 2, "standard": 3}  # per stage; the detailed layout shows all


def _client_roadmap(context: _Context) -> tuple[RoadmapStage, ...]:
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
                timeframe=_TIMEFRAMES[r.category],
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


def _next_steps(context: _Context) -> NextSteps:
    consultant = context.inputs.consultant
    name = _full_name(consultant)
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


def booking_links(links: Sequence[SchedulerLink], focus: Phase) -> tuple[BookingLink, ...]:
    """The http(s) links, those recommended for the focus phase first (then as given)."""
    usable = [
        link
        for link in links
        if re.match(r"^https?://[^\s/]+", link.url.strip(), re.IGNORECASE) and link.label.strip()
    ]
    usable.sort(key=lambda link: focus not in link.recommended_for_phases)
    booked = []
    for link in usable[:MAX_BOOKING_LINKS]:
        parts = []
        if link.duration_minutes:
            parts.append(f"{link.duration_minutes} minutes")
        if focus in link.recommended_for_phases:
            parts.append("recommended for where you are now")
        booked.append(BookingLink(link.label.strip(), link.url.strip(), ", ".join(parts)))
    return tuple(booked)


def document_text(document: object) -> list[str]:
    """Every string a document (or any part of one) carries, in field order: what checks on
    a report's wording read."""
    if isinstance(document, str):
        return [document]
    if isinstance(document, Mapping):
        return [s for v in document.values() for s in document_text(v)]
    if isinstance(document, tuple | list):
        return [s for v in document for s in document_text(v)]
    if is_dataclass(document) and not isinstance(document, type):
        return [s for f in fields(document) for s in document_text(getattr(document, f.name))]
    return []
