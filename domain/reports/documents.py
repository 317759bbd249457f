"""The report documents: what each report holds, as frozen dataclasses, and the inputs they
are built from."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from domain.assessments import Assessment
from domain.bank import Bank
from domain.disc import Confidence
from domain.model import (
    Answers,
    DiscType,
    Phase,
    ReportType,
    User,
)
from domain.phases import Band
from domain.recommendations import (
    Category,
)
from domain.results import StoredDiscProfile, StoredPhaseResult
from domain.scheduler_links import SchedulerLink

DEFAULT_COMPANY = "Financial RISE"
DEFAULT_BRAND_COLOR = "#1F4E79"
CONFIDENTIAL = "CONFIDENTIAL"
FILE_NAME_FALLBACK = "Client"
FILE_NAME_MAX = 60
MAX_EVIDENCE = 4  # strengths and gaps shown per phase in the consultant report
STRENGTH_SHARE = Decimal("0.8")  # an answer earning at least this share of its points
GAP_SHARE = Decimal("0.4")  # an answer earning at most this share
STRONGEST_FLOOR = Decimal(40)  # the strongest phase is named among the findings from Fair up

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


CLIENT_BANDS = {
    Band.EXCELLENT: "Strong",
    Band.GOOD: "Solid",
    Band.FAIR: "Taking shape",
    Band.NEEDS_ATTENTION: "Room to grow",
    Band.PRIORITY_FOCUS: "Starting point",
}

TIMEFRAMES = {
    Category.QUICK_WIN: "1-4 weeks",
    Category.STRATEGIC: "1-6 months",
    Category.LONG_TERM: "6 months and beyond",
}

TRAIT_NAMES = {
    DiscType.D: "Dominance",
    DiscType.I: "Influence",
    DiscType.S: "Steadiness",
    DiscType.C: "Conscientiousness",
}


# -- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Branding:
    """The consultant's firm as the reports show it. A `brand_color` that is not "#RRGGBB"
    and a blank `company_name` fall back to the Financial RISE defaults. `logo_key` names the
    stored logo, if any; `logo` is that file (a re-encoded PNG or JPEG), read from the store
    before the report is rendered (None: no logo is shown)."""

    company_name: str = DEFAULT_COMPANY
    brand_color: str = DEFAULT_BRAND_COLOR
    logo_key: str | None = None
    logo: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        name = " ".join(self.company_name.split()) or DEFAULT_COMPANY
        color = self.brand_color.strip()
        color = color.upper() if _HEX_COLOR.match(color) else DEFAULT_BRAND_COLOR
        object.__setattr__(self, "company_name", name)
        object.__setattr__(self, "brand_color", color)


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
    # The consultant's links in their display order, active or not (`booking_links` chooses).
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
    confidence: str | None  # how the client's confidence moved, when both ratings exist
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
