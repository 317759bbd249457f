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

The package: `documents` (what each report holds), `context` (the facts both share),
`consultant`, `guide` (the communication style, consultant report only) and `client`.
Imports the standard library and `domain` only.
"""

from __future__ import annotations

from domain.model import PHASE_SEQUENCE, ReportType
from domain.reports.client import (
    READINESS_EXPLAINED,
    booking_links,
    client_cover,
    client_focus,
    client_roadmap,
    confidence_change,
    first_name,
    journey,
    next_steps,
    offered_links,
    quick_win,
)
from domain.reports.consultant import (
    action_plan,
    consultant_cover,
    executive_summary,
    phase_analysis,
)
from domain.reports.context import (
    ReportContext,
    answer_label,
    answer_sections,
    answered_on,
    date_label,
    full_name,
)
from domain.reports.documents import (
    CONFIDENTIAL,
    DEFAULT_BRAND_COLOR,
    DEFAULT_COMPANY,
    Branding,
    ClientReport,
    ConsultantReport,
    ReportDocument,
    ReportInputs,
    document_text,
    report_file_name,
)
from domain.reports.guide import communication_guide, disc_summary
from domain.scheduler_links import SchedulerLink

# -- entry points -----------------------------------------------------------------------------


def build_report(inputs: ReportInputs, report_type: ReportType) -> ReportDocument:
    if report_type is ReportType.CONSULTANT:
        return consultant_report(inputs)
    return client_report(inputs)


def consultant_report(inputs: ReportInputs) -> ConsultantReport:
    context = ReportContext.of(inputs)
    return ConsultantReport(
        file_name=report_file_name(
            inputs.assessment.client_business_name, ReportType.CONSULTANT, inputs.on
        ),
        branding=context.branding,
        cover=consultant_cover(context),
        summary=executive_summary(context),
        phases=tuple(phase_analysis(context, phase) for phase in PHASE_SEQUENCE),
        guide=communication_guide(inputs.disc),
        action_plan=action_plan(context),
        answers=answer_sections(context),
    )


def client_report(inputs: ReportInputs) -> ClientReport:
    context = ReportContext.of(inputs)
    tone = context.tone
    assessment = inputs.assessment
    names = {
        "first_name": first_name(assessment.client_name),
        "business_name": assessment.client_business_name,
    }
    consultant = full_name(inputs.consultant)
    welcome = (
        tone.welcome.format_map(names),
        f"{consultant} prepared this report from the answers you gave "
        f"on {date_label(answered_on(inputs))}.",
    )
    return ClientReport(
        file_name=report_file_name(
            inputs.assessment.client_business_name, ReportType.CLIENT, inputs.on
        ),
        branding=context.branding,
        cover=client_cover(context),
        welcome=welcome,
        confidence=confidence_change(assessment.confidence_before, assessment.confidence_after),
        journey=journey(context),
        focus_name=context.phase_name(context.primary),
        focus_text=client_focus(context),
        standing_intro=tone.standing_intro,
        readiness_explainer=READINESS_EXPLAINED[tone.length],
        quick_wins_intro=tone.quick_wins_intro,
        quick_wins=tuple(quick_win(context, r) for r in context.wins),
        roadmap_intro=tone.roadmap_intro,
        roadmap=client_roadmap(context),
        next_steps=next_steps(context),
        closing=f"Prepared by {consultant}, {context.branding.company_name}",
        layout=tone.length,
    )


__all__ = [
    "CONFIDENTIAL",
    "DEFAULT_BRAND_COLOR",
    "DEFAULT_COMPANY",
    "Branding",
    "ClientReport",
    "ConsultantReport",
    "ReportDocument",
    "ReportInputs",
    "SchedulerLink",
    "answer_label",
    "booking_links",
    "build_report",
    "client_report",
    "communication_guide",
    "consultant_report",
    "disc_summary",
    "document_text",
    "first_name",
    "offered_links",
    "report_file_name",
]
