"""What the two reports say (domain/reports.py), over the real bank and realistic answer sheets:
the client report's wording for every communication style and several phase outcomes, the
consultant report's confidential sections, booking links, branding and file names."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.assessments import Assessment
from domain.bank import load_bank
from domain.disc import Confidence, confidence
from domain.model import (
    Answer,
    AssessmentStatus,
    DiscType,
    Phase,
    ReportType,
    Role,
    Section,
    User,
)
from domain.phases import Flag
from domain.questionnaire import missing_required, visible_questions
from domain.recommendations import applicable
from domain.reports import (
    CONFIDENTIAL,
    DEFAULT_BRAND_COLOR,
    DEFAULT_COMPANY,
    Branding,
    ClientReport,
    ConsultantReport,
    ReportInputs,
    SchedulerLink,
    booking_links,
    build_report,
    client_report,
    consultant_report,
    document_text,
    first_name,
    report_file_name,
)
from domain.results import StoredDiscProfile, StoredPhaseResult
from domain.scoring import score
from tests.unit.sheets import sheet_where
from tests.unit.test_client_stories import STORIES, Story

BANK = load_bank()
QUESTIONS = BANK.questions
ON = date(2026, 11, 25)
COMPLETED = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
D, I, S, C = DiscType.D, DiscType.I, DiscType.S, DiscType.C  # noqa: E741

STORY_BY_STYLE = {
    D: "struggling startup owner who decides fast and wants results",
    C: "organised consultant whose tools are not integrated and who wants precision",
    S: "manufacturer building systems who values stability",
    I: "retailer ready to grow who is enthusiastic and people-minded",
}
MATURE = "mature firm whose leadership struggles to read its statements"

# -- building inputs ------------------------------------------------------------------------


def consultant_user() -> User:
    return User(
        id=uuid.uuid4(),
        email=f"jane.{uuid.uuid4().hex[:8]}@advisers.example",
        role=Role.CONSULTANT,
        first_name="Jane",
        last_name="Doe",
        is_active=True,
        created_at=COMPLETED,
    )


def report_inputs(
    sheet: Mapping[str, Answer],
    *,
    client_name: str = "Ann Example",
    business_name: str = "Example Bakery LLC",
    links: tuple[SchedulerLink, ...] = (),
    branding: Branding | None = None,
    confidence_before: int | None = 4,
    confidence_after: int | None = 7,
) -> ReportInputs:
    """A completed assessment of `sheet` with its results stored, as the API layer reads it."""
    card = score(QUESTIONS, sheet)
    assessment_id = uuid.uuid4()
    consultant = consultant_user()
    assessment = Assessment(
        id=assessment_id,
        consultant_id=consultant.id,
        client_name=client_name,
        client_business_name=business_name,
        client_email="client@example.com",
        status=AssessmentStatus.COMPLETED,
        progress=Decimal("100.00"),
        created_at=COMPLETED,
        updated_at=COMPLETED,
        entity_type="Limited Liability Company (LLC)",
        confidence_before=confidence_before,
        confidence_after=confidence_after,
        started_at=COMPLETED,
        completed_at=COMPLETED,
    )
    phases = StoredPhaseResult(
        assessment_id=assessment_id,
        readiness=card.phases.readiness,
        primary=card.phases.primary,
        secondary=card.phases.secondary,
        flags=tuple(str(flag) for flag in card.phases.flags),
        calculated_at=COMPLETED,
    )
    disc = (
        StoredDiscProfile(
            assessment_id=assessment_id,
            scores=card.disc.scores,
            primary=card.disc.primary,
            secondary=card.disc.secondary,
            calculated_at=COMPLETED,
        )
        if card.disc is not None
        else None
    )
    return ReportInputs(
        assessment=assessment,
        answers=sheet,
        phases=phases,
        disc=disc,
        consultant=consultant,
        bank=BANK,
        on=ON,
        branding=branding,
        scheduler_links=links,
    )


def story_sheet(name: str) -> dict[str, Answer]:
    story: Story = STORIES[name][0]
    return story.sheet()


def undetermined_sheet() -> dict[str, Answer]:
    """A complete sheet whose every style question is answered with its no-style option."""
    sheet = story_sheet(STORY_BY_STYLE[S])
    for question in QUESTIONS:
        if question.is_disc and question.key in sheet:
            plain = next(o for o in question.options if not o.disc_points)
            sheet[question.key] = Answer(question.key, value=plain.value)
    return sheet


def styled_sheet(style: DiscType, weak: set[Section]) -> dict[str, Answer]:
    """The best answers outside `weak`, the worst inside, and every style question answered
    in `style` (a phase outcome and a communication style chosen independently)."""
    sheet = sheet_where(QUESTIONS, weak)
    for question in visible_questions(QUESTIONS, sheet):
        if question.is_disc:
            option = next(o for o in question.options if style in o.disc_points)
            sheet[question.key] = Answer(question.key, value=option.value)
    return sheet


OUTCOMES = {
    "foundations missing": {Section.STABILIZE, Section.ORGANIZE, Section.BUILD},
    "routines missing": {Section.BUILD},
    "planning missing": {Section.GROW},
    "literacy missing": {Section.SYSTEMIC},
    "everything in place": set[Section](),
}

# -- the client report's wording ------------------------------------------------------------

# Terms that name the communication style, a trait or a type, or that discourage.
BANNED = [
    re.compile(r"\bDISC\b"),
    re.compile(r"dominance", re.IGNORECASE),
    re.compile(r"influence style", re.IGNORECASE),
    re.compile(r"steadiness", re.IGNORECASE),
    re.compile(r"compliance", re.IGNORECASE),
    re.compile(r"conscientiousness", re.IGNORECASE),
    re.compile(r"personality", re.IGNORECASE),
    re.compile(r"\btrait", re.IGNORECASE),
    re.compile(r"\b(?i:type|style|profile)\s*[:(]?\s*[DISC]\b"),
    re.compile(r"\b[DISC][- ](?i:type|style|profile)\b"),
    re.compile(r"\bfail(?:ed|ing|ure|s)?\b", re.IGNORECASE),
    re.compile(r"\bbehind\b", re.IGNORECASE),
    re.compile(r"you should have", re.IGNORECASE),
    re.compile(r"\b(?:poor|bad|worst)\b", re.IGNORECASE),
]
QUESTION_KEY = re.compile(r"\b(?:META|STAB|ORG|BUILD|GROW|SYS|DISC)-\d{3}\b")


def banned_in(texts: list[str]) -> list[str]:
    return [f"{p.pattern!r} in {t!r}" for t in texts for p in BANNED if p.search(t)]


@pytest.mark.parametrize(
    "text",
    [
        "Your DISC profile",
        "a D-style leader",
        "Style: C",
        "Type I clients",
        "your Steadiness",
        "Compliance type",
        "personality",
        "You failed to file",
        "you are behind on taxes",
        "You should have started sooner",
    ],
)
def test_the_ban_list_catches_what_it_should(text: str) -> None:
    assert banned_in([text]) != []


def _values(value: object) -> list[object]:
    if isinstance(value, tuple | list):
        return [v for item in value for v in _values(item)]
    if is_dataclass(value) and not isinstance(value, type):
        return [value, *(v for f in fields(value) for v in _values(getattr(value, f.name)))]
    return [value]


def assert_client_safe(report: ClientReport) -> None:
    texts = document_text(report)
    assert banned_in(texts) == []
    assert [t for t in texts if QUESTION_KEY.search(t)] == []
    question_texts = {q.text for q in QUESTIONS}
    assert [t for t in texts if t in question_texts] == []
    assert not any(isinstance(v, DiscType) for v in _values(report))


@pytest.mark.parametrize("style", [D, I, S, C])
@pytest.mark.parametrize("outcome", list(OUTCOMES))
def test_client_report_never_names_the_style_and_stays_encouraging(
    style: DiscType, outcome: str
) -> None:
    sheet = styled_sheet(style, OUTCOMES[outcome])
    inputs = report_inputs(sheet)
    assert inputs.disc is not None
    assert inputs.disc.primary is style
    assert_client_safe(client_report(inputs))


@pytest.mark.parametrize("name", list(STORIES))
def test_client_report_of_each_story_is_safe(name: str) -> None:
    assert_client_safe(client_report(report_inputs(story_sheet(name))))


def test_client_report_with_an_undetermined_style_uses_neutral_wording() -> None:
    inputs = report_inputs(undetermined_sheet())
    assert inputs.disc is None
    assert Flag.DISC_UNDETERMINED in inputs.phases.flags
    report = client_report(inputs)
    assert_client_safe(report)
    assert report.welcome[0] == BANK.tones["neutral"].welcome.format(
        first_name="Ann", business_name="Example Bakery LLC"
    )


def test_every_client_facing_text_in_the_bank_passes_the_ban_list() -> None:
    """The client report draws its words from these; a bank edit must not slip a term in."""
    texts = [
        *(text for tone in BANK.tones.values() for text in document_text(tone)),
        *(t for r in BANK.recommendations for t in (r.title, r.why, *r.actions)),
        *(text for r in BANK.recommendations for text in r.client_wording.values()),
        *(t for p in BANK.phases.values() for t in (p.name, p.client_summary, p.strength)),
    ]
    assert banned_in(texts) == []


# -- the client report's content -----------------------------------------------------------


@pytest.mark.parametrize("name", list(STORIES))
def test_client_report_gives_three_to_five_quick_wins_led_by_the_focus_phase(name: str) -> None:
    inputs = report_inputs(story_sheet(name))
    report = client_report(inputs)
    assert 3 <= len(report.quick_wins) <= 5
    first = next(r for r in BANK.recommendations if r.title == report.quick_wins[0].title)
    assert first.phase is inputs.phases.primary
    assert all(win.message and win.steps for win in report.quick_wins)


def test_client_report_welcomes_the_client_by_first_name_and_marks_the_current_phase() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[S]), client_name="Maria Lopez")
    report = client_report(inputs)
    assert report.welcome[0].startswith("Hello Maria, thank you")
    assert "Lopez" not in report.welcome[0]
    assert "Example Bakery LLC" in report.welcome[0]
    assert report.cover.subtitle == "Prepared for Maria Lopez"
    current = [step for step in report.journey if step.status == "current"]
    assert [step.phase for step in current] == [Phase.BUILD]
    assert [step.status for step in report.journey[:2]] == ["done", "done"]
    assert report.focus_name == "Build"
    assert report.roadmap[0].name == "Build"
    assert report.roadmap[0].is_current
    assert [stage.label for stage in report.roadmap[:2]] == ["Now", "Next"]


@pytest.mark.parametrize(
    ("client_name", "expected"),
    [
        ("Zoë Łukasiewicz-Nguyễn", "Zoë"),
        ("Nguyễn Thị Bích", "Nguyễn"),  # the first word, though it is the family name
        ("Юлия Иванова", "Юлия"),
        ("Αθηνά", "Αθηνά"),  # one word: the whole name
        ("北京", "北京"),
        ("王小明", "王小明"),  # unspaced Chinese: one word
        ("Jean-Luc Picard", "Jean-Luc"),
        ("  Ann \u3000 Example  ", "Ann"),  # any Unicode space separates words
        ("Ann\u00a0Example", "Ann"),
        ("Lovelace, Ada", "Ada"),  # "Family, Given"
        ("Łukasiewicz-Nguyễn, Zoë", "Zoë"),
        ("Jane Doe, CPA", "Jane"),  # a suffix after the comma is no given name
        ('"Bob" Smith', "Bob"),
        ("(Ann) Example", "Ann"),
        ("Dr. Ada Lovelace", "Dr. Ada Lovelace"),  # no "Hi Dr.!"
        ("Mrs Ann Example", "Mrs Ann Example"),
        ("- Ann", "- Ann"),  # a first word with no letter: the whole name
        ("007", "007"),
        ("O'Brien", "O'Brien"),
        ("Lovelace,", "Lovelace"),
        (",", ","),
        ("", ""),  # never stored (names are not blank), and no crash
    ],
)
def test_first_name_is_the_first_word_or_the_whole_name(client_name: str, expected: str) -> None:
    assert first_name(client_name) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (4, 7, "Your confidence in your finances rose from 4 to 7 out of 10 over the assessment"),
        (1, 10, "rose from 1 to 10 out of 10"),
        (6, 6, "Your confidence in your finances stayed at 6 out of 10"),
        (8, 5, "You rated your confidence 5 out of 10 at the end of the assessment, after 8"),
    ],
)
def test_client_report_tells_how_confidence_moved_as_encouragement(
    before: int, after: int, expected: str
) -> None:
    for style in (D, I, S, C):
        inputs = report_inputs(
            styled_sheet(style, {Section.GROW}), confidence_before=before, confidence_after=after
        )
        report = client_report(inputs)
        assert report.confidence is not None
        assert expected in report.confidence
        assert_client_safe(report)


@pytest.mark.parametrize(("before", "after"), [(None, 7), (4, None), (None, None)])
def test_client_report_leaves_confidence_out_unless_both_ratings_exist(
    before: int | None, after: int | None
) -> None:
    inputs = report_inputs(
        story_sheet(STORY_BY_STYLE[S]), confidence_before=before, confidence_after=after
    )
    report = client_report(inputs)
    assert report.confidence is None
    assert not [t for t in document_text(report) if "out of 10" in t]


def test_client_report_explains_readiness_in_plain_words() -> None:
    for style in (D, I, S, C):
        report = client_report(report_inputs(styled_sheet(style, {Section.GROW})))
        assert "readiness" in report.readiness_explainer.lower()
        assert "0 to 100" in report.readiness_explainer


def test_length_follows_the_communication_style() -> None:
    """SCORING §6: D brief, C detailed: fewer steps and no explanations for the first, every
    step and the reasoning for the second."""
    brief = client_report(report_inputs(styled_sheet(D, {Section.BUILD})))
    detailed = client_report(report_inputs(styled_sheet(C, {Section.BUILD})))
    assert brief.layout == "short"
    assert detailed.layout == "detailed"
    assert all(len(win.steps) == 1 and win.why is None for win in brief.quick_wins)
    assert all(win.why for win in detailed.quick_wins)
    assert sum(len(w.steps) for w in detailed.quick_wins) > sum(
        len(w.steps) for w in brief.quick_wins
    )
    assert all(step.meaning == "" for step in brief.journey)
    assert all(step.meaning for step in detailed.journey)
    assert len(" ".join(document_text(brief))) < len(" ".join(document_text(detailed)))


def test_the_client_report_has_no_consultant_only_sections() -> None:
    names = {f.name for f in fields(ClientReport)}
    assert names.isdisjoint({"guide", "answers", "summary", "action_plan", "marking", "phases"})
    report = client_report(report_inputs(story_sheet(STORY_BY_STYLE[D])))
    assert CONFIDENTIAL not in document_text(report)


# -- booking links and branding --------------------------------------------------------------


def _link(label: str, *phases: Phase, active: bool = True, url: str = "") -> SchedulerLink:
    address = url or f"https://cal.example.com/{label.lower().replace(' ', '-')}"
    return SchedulerLink(label, address, 30, phases, is_active=active)


B, G, ORG = Phase.BUILD, Phase.GROW, Phase.ORGANIZE


@pytest.mark.parametrize(
    ("links", "shown"),
    [
        # up to three recommended for the focus phase, in display order, the others left out
        (
            [_link("A", B), _link("B"), _link("C", B, G), _link("D", B), _link("E", B)],
            ["A", "C", "D"],
        ),
        ([_link("A"), _link("B", B), _link("C", G)], ["B"]),
        # none recommended for it: the first two, in display order
        ([_link("A", G), _link("B"), _link("C", ORG), _link("D")], ["A", "B"]),
        ([_link("A", G)], ["A"]),
        ([], []),
        # inactive links never appear, nor count as recommended
        (
            [_link("A", B, active=False), _link("B"), _link("C", active=False), _link("D")],
            ["B", "D"],
        ),
        ([_link("A", B, active=False), _link("B", B), _link("C", B)], ["B", "C"]),
        ([_link("A", active=False), _link("B", G, active=False)], []),
        # links the service would not accept today are left out first
        (
            [
                _link("Script", B, url="javascript:alert(1)"),
                _link("Plain", B, url="http://cal.example.com/plain"),
                _link("  ", B),
                _link("Kept"),
                _link("Also kept"),
                _link("Third"),
            ],
            ["Kept", "Also kept"],
        ),
    ],
)
def test_booking_links_follow_the_reports_rule(
    links: list[SchedulerLink], shown: list[str]
) -> None:
    assert [link.label for link in booking_links(links, Phase.BUILD)] == shown


def test_booking_links_say_why_they_are_offered() -> None:
    recommended = booking_links([_link("Build check-in", B)], Phase.BUILD)
    assert [link.detail for link in recommended] == [
        "30 minutes, recommended for where you are now"
    ]
    fallback = booking_links(
        [
            SchedulerLink("Workshop", "https://cal.example.com/w", 90),
            SchedulerLink("Call", "https://cal.example.com/c"),
        ],
        Phase.BUILD,
    )
    assert [(link.label, link.url, link.detail) for link in fallback] == [
        ("Workshop", "https://cal.example.com/w", "90 minutes"),
        ("Call", "https://cal.example.com/c", ""),
    ]


def test_the_client_report_offers_the_links_of_the_clients_primary_phase() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[S]))
    primary = inputs.phases.primary
    other = next(p for p in Phase if p is not primary)
    links = (
        _link("Elsewhere", other),
        _link("For you", primary),
        _link("Off", primary, active=False),
    )
    offered = client_report(replace(inputs, scheduler_links=links)).next_steps.links
    assert [link.label for link in offered] == ["For you"]


def test_next_steps_fall_back_to_the_consultants_email() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[I]))
    without = client_report(inputs).next_steps
    assert without.links == ()
    assert inputs.consultant.email in without.contact
    link = SchedulerLink("Book a call", "https://cal.example.com/jane", 30)
    with_link = client_report(replace(inputs, scheduler_links=(link,))).next_steps
    assert [b.url for b in with_link.links] == ["https://cal.example.com/jane"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Branding("Doe Advisory", "#1a2b3c"), Branding("Doe Advisory", "#1A2B3C")),
        (Branding("Doe Advisory", "red"), Branding("Doe Advisory", DEFAULT_BRAND_COLOR)),
        (Branding("  ", "#12345"), Branding(DEFAULT_COMPANY, DEFAULT_BRAND_COLOR)),
        (Branding("Doe\n Advisory", "#ABCDEF;x"), Branding("Doe Advisory", DEFAULT_BRAND_COLOR)),
    ],
)
def test_branding_falls_back_to_the_defaults(given: Branding, expected: Branding) -> None:
    assert given == expected


def test_reports_use_the_default_brand_without_branding() -> None:
    report = client_report(report_inputs(story_sheet(STORY_BY_STYLE[S])))
    assert report.branding == Branding(DEFAULT_COMPANY, DEFAULT_BRAND_COLOR)
    assert report.closing.endswith(DEFAULT_COMPANY)


# -- the consultant report -------------------------------------------------------------------


def test_consultant_report_summarises_focus_readiness_and_style() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[C]))
    report = consultant_report(inputs)
    assert report.marking == CONFIDENTIAL
    summary = report.summary
    assert summary.focus.startswith("Organize (")
    assert [r.phase for r in summary.phases] == list(Phase)
    assert [r.band for r in summary.phases if r.phase is Phase.STABILIZE] == ["Excellent"]
    assert summary.disc is not None
    assert summary.disc.primary is C
    assert summary.disc.primary_name == "Conscientiousness"
    assert summary.confidence_before == "4 / 10"
    assert summary.confidence_after == "7 / 10"
    assert summary.confidence_change == "Up 3 points over the session."
    assert summary.findings[0].startswith("Focus now: Organize")
    assert ("Legal entity", "Limited Liability Company (LLC)") in summary.business_facts


def test_disc_confidence_is_the_margin_over_the_next_trait_with_its_level() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[I]))
    assert inputs.disc is not None
    disc = consultant_report(inputs).summary.disc
    assert disc is not None
    scores = inputs.disc.scores
    runner_up = max(v for t, v in scores.items() if t is not inputs.disc.primary)
    assert disc.margin == scores[inputs.disc.primary] - runner_up
    assert disc.answered == disc.available == 16
    assert disc.confidence is confidence(disc.margin, disc.answered)
    assert disc.confidence is Confidence.HIGH
    assert f"{disc.margin:.2f} points" in disc.confidence_note


def test_undetermined_style_gives_the_general_guide_and_a_flag_in_words() -> None:
    report = consultant_report(report_inputs(undetermined_sheet()))
    assert report.summary.disc is None
    assert report.guide.headline == "Style not determined"
    assert "DISC_UNDETERMINED" in [flag.code for flag in report.summary.red_flags]


@pytest.mark.parametrize("style", [D, I, S, C])
def test_communication_guide_covers_each_topic_for_every_style(style: DiscType) -> None:
    guide = consultant_report(report_inputs(styled_sheet(style, {Section.GROW}))).guide
    headings = [topic.heading for topic in guide.topics]
    assert headings[:5] == ["How to open", "Pace", "What to bring", "What to avoid",
                            "Presenting numbers"]  # fmt: skip
    assert all(len(topic.text) > 40 for topic in guide.topics)


def test_guides_differ_by_style() -> None:
    guides = {
        style: consultant_report(report_inputs(styled_sheet(style, {Section.GROW}))).guide
        for style in (D, I, S, C)
    }
    assert len({g.headline for g in guides.values()}) == 4


def test_red_flags_are_explained_in_words_under_their_phase() -> None:
    report = consultant_report(report_inputs(story_sheet(STORY_BY_STYLE[D])))
    codes = [flag.code for flag in report.summary.red_flags]
    assert "CRITICAL_STABILIZE" in codes
    stabilize = next(p for p in report.phases if p.reading.phase is Phase.STABILIZE)
    assert [f.code for f in stabilize.red_flags] == ["CRITICAL_STABILIZE"]
    assert "below 40" in stabilize.red_flags[0].explanation


def test_s_corp_owner_on_draws_gets_the_payroll_flag_with_the_answer() -> None:
    story: Story = STORIES[STORY_BY_STYLE[S]][0]
    draws = replace(story, overrides={"ORG-007": Answer("ORG-007", value="no")}).sheet()
    report = consultant_report(report_inputs(draws))
    organize = next(p for p in report.phases if p.reading.phase is Phase.ORGANIZE)
    flag = next(f for f in organize.red_flags if f.code == "SCORP_PAYROLL_RISK")
    assert "draws or distributions only" in flag.explanation


def test_foundation_gap_names_the_phases_on_both_sides() -> None:
    sheet = styled_sheet(S, {Section.STABILIZE})
    inputs = report_inputs(sheet)
    assert Flag.FOUNDATION_GAP in inputs.phases.flags
    flag = next(
        f for f in consultant_report(inputs).summary.red_flags if f.code == "FOUNDATION_GAP"
    )
    assert flag.phases == (Phase.STABILIZE,)
    assert flag.explanation.startswith("Organize, Build, Grow and Systemic are at or above 70")


def test_phase_analysis_lists_strengths_and_gaps_with_answer_labels() -> None:
    report = consultant_report(report_inputs(styled_sheet(S, {Section.BUILD})))
    build = next(p for p in report.phases if p.reading.phase is Phase.BUILD)
    stabilize = next(p for p in report.phases if p.reading.phase is Phase.STABILIZE)
    assert build.gaps
    assert all(e.key.startswith("BUILD-") for e in build.gaps)
    assert stabilize.strengths
    assert stabilize.gaps == ()
    assert build.work_on


def test_action_plan_holds_every_recommendation_that_applies_with_why_and_actions() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[D]))
    report = consultant_report(inputs)
    applied = applicable(
        BANK.recommendations,
        QUESTIONS,
        inputs.answers,
        inputs.phases.primary,
        inputs.phases.secondary,
    )
    planned = [item.key for group in report.action_plan for item in group.items]
    assert sorted(planned) == sorted(r.key for r in applied)
    assert [g.heading for g in report.action_plan] == [
        "Quick wins",
        "Strategic initiatives",
        "Long-term projects",
    ]
    items = [item for group in report.action_plan for item in group.items]
    assert all(item.why and 2 <= len(item.actions) <= 5 for item in items)
    assert all(item.triggered_by for item in items)
    shared = [item.title for item in items if item.in_client_report]
    assert shared == [win.title for win in client_report(inputs).quick_wins]
    assert {item.priority for item in items if item.phase_name == "Stabilize"} == {"High"}


def test_starter_quick_wins_appear_in_the_plan_even_when_no_answer_triggered_them() -> None:
    inputs = report_inputs(story_sheet(MATURE))
    report = consultant_report(inputs)
    wins = report.action_plan[0].items
    assert 3 <= sum(item.in_client_report for item in wins) <= 5
    starters = [item for item in wins if item.triggered_by[0].startswith("No answer")]
    assert all(item.in_client_report for item in starters)


def test_answers_appendix_shows_labels_notes_and_not_applicable() -> None:
    sheet = story_sheet(STORY_BY_STYLE[C])
    sheet["STAB-005"] = Answer("STAB-005", not_applicable=True, notes="No loans at all.")
    sheet["ORG-003"] = Answer("ORG-003", values=("bank_feeds", "payments"))
    sheet["SYS-001"] = Answer("SYS-001", rating=3, notes="  ")
    assert missing_required(QUESTIONS, sheet) == []
    report = consultant_report(report_inputs(sheet))
    rows = {row.key: row for section in report.answers for row in section.rows}
    assert set(rows) == {q.key for q in visible_questions(QUESTIONS, sheet)}
    assert "ORG-007" not in rows  # an LLC never sees the S-Corp follow-up
    assert rows["STAB-005"].answer == "Not applicable"
    assert rows["STAB-005"].not_applicable
    assert rows["STAB-005"].notes == "No loans at all."
    assert rows["SYS-001"].answer == "3 of 5 (Somewhat confident)"
    assert rows["SYS-001"].notes is None
    org_003 = BANK.question("ORG-003")
    labels = [o.label for o in org_003.options if o.value in ("bank_feeds", "payments")]
    assert rows["ORG-003"].answer == "; ".join(labels)
    assert rows["DISC-001"].style_signal is not None
    titles = [section.title for section in report.answers]
    assert titles[0] == BANK.sections[Section.METADATA].title
    assert titles[-1] == BANK.sections[Section.DISC].title


def test_results_of_another_assessment_are_refused() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[S]))
    other = replace(inputs.phases, assessment_id=uuid.uuid4())
    with pytest.raises(ValueError, match="another assessment"):
        consultant_report(replace(inputs, phases=other))


def test_build_report_picks_the_document_for_the_type() -> None:
    inputs = report_inputs(story_sheet(STORY_BY_STYLE[I]))
    assert isinstance(build_report(inputs, ReportType.CONSULTANT), ConsultantReport)
    client = build_report(inputs, ReportType.CLIENT)
    assert isinstance(client, ClientReport)
    assert client.file_name == "Financial-RISE-Example-Bakery-LLC-client-2026-11-25.pdf"


# -- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("business", "report_type", "expected"),
    [
        ("Example Bakery LLC", ReportType.CLIENT, "Example-Bakery-LLC-client"),
        ("Ann's Café & Co.", ReportType.CONSULTANT, "Anns-Cafe-Co-consultant"),
        ('<img src="http://example.com/x.png">', ReportType.CLIENT,
         "img-src-http-example-com-x-png-client"),
        ("../../etc/passwd", ReportType.CLIENT, "etc-passwd-client"),
        ("", ReportType.CLIENT, "Client-client"),
        ("日本の会社", ReportType.CONSULTANT, "Client-consultant"),
        ("---", ReportType.CLIENT, "Client-client"),
    ],
)  # fmt: skip
def test_report_file_name(business: str, report_type: ReportType, expected: str) -> None:
    assert (
        report_file_name(business, report_type, ON) == f"Financial-RISE-{expected}-2026-11-25.pdf"
    )


def test_report_file_name_is_bounded_and_safe() -> None:
    name = report_file_name("A very long business name " * 10, ReportType.CLIENT, ON)
    assert re.fullmatch(r"Financial-RISE-[A-Za-z0-9-]+-client-2026-11-25\.pdf", name)
    assert len(name) <= len("Financial-RISE--client-2026-11-25.pdf") + 60
    assert "--" not in name
