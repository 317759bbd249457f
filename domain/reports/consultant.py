"""The consultant report's sections: cover, executive summary, phase analysis with red
flags, the action plan."""

from __future__ import annotations

from decimal import Decimal

from domain.model import (
    PHASE_SEQUENCE,
    Phase,
)
from domain.phases import MASTERY, question_points, readiness
from domain.questionnaire import visible_answers, visible_questions
from domain.recommendations import (
    Category,
    Recommendation,
    triggered,
)
from domain.reports.context import (
    ReportContext,
    answer_label,
    date_label,
    figure,
    full_name,
    join_names,
)
from domain.reports.documents import (
    GAP_SHARE,
    MAX_EVIDENCE,
    STRENGTH_SHARE,
    STRONGEST_FLOOR,
    TIMEFRAMES,
    ActionGroup,
    ActionItem,
    Cover,
    Evidence,
    ExecutiveSummary,
    PhaseAnalysis,
    RedFlag,
)
from domain.reports.guide import disc_summary

# -- consultant report ------------------------------------------------------------------------

_BUSINESS_FACTS = (
    ("META-001", "Industry"),
    ("META-002", "Years in business"),
    ("META-003", "Annual revenue"),
    ("META-004", "People"),
    ("META-005", "Legal entity"),
)


def consultant_cover(context: ReportContext) -> Cover:
    inputs = context.inputs
    assessment = inputs.assessment
    completed = assessment.completed_at
    return Cover(
        title="Financial Readiness Assessment",
        subtitle="Consultant report",
        business_name=assessment.client_business_name,
        client_name=assessment.client_name,
        prepared_by=f"{full_name(inputs.consultant)}, {context.branding.company_name}",
        date_label=date_label(inputs.on),
        details=(
            ("Client", assessment.client_name),
            ("Business", assessment.client_business_name),
            ("Client email", assessment.client_email),
            ("Entity type", assessment.entity_type or "Not recorded"),
            ("Assessment completed", date_label(completed.date()) if completed else "Not yet"),
            ("Consultant", f"{full_name(inputs.consultant)} ({inputs.consultant.email})"),
            ("Question bank", f"version {inputs.bank.version}"),
        ),
    )


def executive_summary(context: ReportContext) -> ExecutiveSummary:
    assessment = context.inputs.assessment
    primary = context.reading(context.primary, client=False)
    before, after = assessment.confidence_before, assessment.confidence_after
    return ExecutiveSummary(
        focus=f"{primary.name} ({primary.figure}, {primary.band})",
        focus_text=context.inputs.bank.phases[context.primary].consultant_summary,
        secondary=join_names([context.phase_name(p) for p in context.secondary]),
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


def _business_facts(context: ReportContext) -> tuple[tuple[str, str], ...]:
    by_key = {q.key: q for q in context.questions}
    return tuple(
        (label, answer_label(by_key[key], context.answers.get(key)))
        for key, label in _BUSINESS_FACTS
        if key in by_key
    )


def _findings(context: ReportContext) -> tuple[str, ...]:
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


def _red_flags(context: ReportContext) -> tuple[RedFlag, ...]:
    """PhaseResult.flags in words, each tied to the phases it concerns."""
    flags: list[RedFlag] = []
    for code in context.inputs.phases.flags:
        explained = _explain_flag(context, code)
        if explained is not None:
            text, phases = explained
            flags.append(RedFlag(code, _FLAG_TITLES.get(code, code), text, phases))
    return tuple(flags)


def _explain_flag(context: ReportContext, code: str) -> tuple[str, tuple[Phase, ...]] | None:
    stabilize = figure(context.readiness(Phase.STABILIZE))
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
        names = join_names([context.phase_name(p) for p in empty]) or "A phase"
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


def _payroll_answer(context: ReportContext) -> str:
    for question, answer in visible_answers(context.questions, context.answers):
        if question.mirror is not None and question.mirror.value == "s_corp_on_payroll":
            return f"answer: '{answer_label(question, answer)}'"
    return "the payroll question was not answered"


def _foundation_gap(context: ReportContext) -> tuple[str, tuple[Phase, ...]]:
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
        f"{join_names([context.phase_name(p) for p in ahead])} "
        f"{'is' if len(ahead) == 1 else 'are'} at or above 70 while "
        f"{join_names([context.phase_name(p) for p in weak])} "
        f"{'is' if len(weak) == 1 else 'are'} below 50. Plans and skills are ahead of the "
        "foundations under them: forecasts and reports rest on weak data until the earlier "
        "phase is fixed.",
        tuple(weak),
    )


def phase_analysis(context: ReportContext, phase: Phase) -> PhaseAnalysis:
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


def _scored_answers(context: ReportContext, phase: Phase) -> list[tuple[Decimal, Evidence, bool]]:
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


def action_plan(context: ReportContext) -> tuple[ActionGroup, ...]:
    topped_up = [r for r in context.wins if r not in context.applied]
    groups = []
    for category, heading, intro in _GROUPS:
        chosen = [r for r in context.applied if r.category is category]
        if category is Category.QUICK_WIN:
            chosen += topped_up
        groups.append(
            ActionGroup(
                heading=heading,
                timeframe=TIMEFRAMES[category],
                intro=intro,
                items=tuple(_action_item(context, r) for r in chosen),
            )
        )
    return tuple(groups)


def _action_item(context: ReportContext, recommendation: Recommendation) -> ActionItem:
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
        timeframe=TIMEFRAMES[recommendation.category],
        impact=recommendation.impact.value.title(),
        effort=recommendation.effort.value.title(),
        priority=priority,
        why=recommendation.why,
        actions=recommendation.actions,
        triggered_by=_triggers(context, recommendation),
        in_client_report=recommendation in context.wins,
        client_message=recommendation.client_wording[context.tone_key],
    )


def _triggers(context: ReportContext, recommendation: Recommendation) -> tuple[str, ...]:
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
