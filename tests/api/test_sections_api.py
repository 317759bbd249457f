"""The questionnaire as front-ends render it: `sections` (the whole bank) and
`Assessment.sections` (what this assessment shows) with the bank's titles and introductions,
and `markSectionNotApplicable`, which answers N/A to a section through the autosave path and
reports the questions that cannot be N/A by their position in the section."""

from __future__ import annotations

from typing import Any

from domain.bank import load_bank
from domain.model import Section
from server.graphql.ids import expect_id
from tests.api.conftest import Account, Api
from tests.api.flows import completed_assessment
from tests.api.test_archive_api import ARCHIVE, _draft, _events, _payload
from tests.api.test_assessments_api import QID, SAVE
from tests.database import query

BANK = load_bank()
SECTION_ORDER = ["METADATA", "STABILIZE", "ORGANIZE", "BUILD", "GROW", "SYSTEMIC", "DISC"]

ALL_SECTIONS = """{ sections { section title description
  questions { key allowsNotApplicable options { phaseWeights { stabilize } } } } }"""
SHOWN = """query($id: ID!) { assessment(id: $id) { progressPercentage questions { key }
  sections { section title description questions { key allowsNotApplicable } } } }"""
MARK = """
mutation($input: MarkSectionNotApplicableInput!) { markSectionNotApplicable(input: $input) {
  assessment { status progressPercentage }
  responses { question { key } value notApplicable consultantNotes }
  userErrors { field code message } } }"""
ANSWERS = """query($id: ID!) { assessment(id: $id) {
  responses { question { key } value notApplicable consultantNotes } } }"""


def _keys(section: str) -> list[str]:
    return [q.key for q in BANK.questions if q.section is Section(section.lower())]


async def _mark(api: Api, owner: Account, assessment_id: str, section: str) -> dict[str, Any]:
    variables = {"input": {"assessmentId": assessment_id, "section": section}}
    return _payload(await api(MARK, variables, as_=owner))


async def _save(api: Api, owner: Account, assessment_id: str, *items: dict[str, Any]) -> None:
    saved = await api(
        SAVE, {"input": {"assessmentId": assessment_id, "responses": list(items)}}, as_=owner
    )
    assert saved["data"]["saveResponses"]["userErrors"] == []


async def _shown(api: Api, owner: Account, assessment_id: str) -> dict[str, Any]:
    shown: dict[str, Any] = _payload(await api(SHOWN, {"id": assessment_id}, as_=owner))
    return shown


def _section(shown: dict[str, Any], name: str) -> list[dict[str, Any]]:
    [found] = [s for s in shown["sections"] if s["section"] == name]
    questions: list[dict[str, Any]] = found["questions"]
    return questions


def _titles(shown: dict[str, Any]) -> dict[str, str]:
    return {s["section"]: s["title"] for s in shown["sections"]}


async def _responses(api: Api, owner: Account, assessment_id: str) -> dict[str, dict[str, Any]]:
    read = _payload(await api(ANSWERS, {"id": assessment_id}, as_=owner))
    return {r["question"]["key"]: r for r in read["responses"]}


# -- the words and the grouping ---------------------------------------------------------------


async def test_the_whole_bank_comes_grouped_by_section_in_the_order_asked(api: Api) -> None:
    sections = (await api(ALL_SECTIONS, as_=api.account()))["data"]["sections"]
    assert [s["section"] for s in sections] == SECTION_ORDER
    for served in sections:
        text = BANK.sections[Section(served["section"].lower())]
        assert (served["title"], served["description"]) == (text.title, text.intro)
        # every question of the bank, conditional follow-ups included
        assert [q["key"] for q in served["questions"]] == _keys(served["section"])
    assert sum(len(s["questions"]) for s in sections) == len(BANK.questions)
    assert _section({"sections": sections}, "ORGANIZE")[6]["key"] == "ORG-007"


async def test_the_bank_s_sections_show_the_weights_to_administrators_only(api: Api) -> None:
    def weights(result: dict[str, Any]) -> list[Any]:
        return [
            o["phaseWeights"]
            for s in result["data"]["sections"]
            for q in s["questions"]
            for o in q["options"]
        ]

    assert all(w is None for w in weights(await api(ALL_SECTIONS, as_=api.account())))
    admin = weights(await api(ALL_SECTIONS, as_=api.account("admin")))
    assert any(w is not None and w["stabilize"] > 0 for w in admin)


async def test_the_sections_are_for_signed_in_callers(api: Api) -> None:
    result = await api(ALL_SECTIONS)
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]


async def test_an_assessment_s_sections_follow_its_answers(api: Api) -> None:
    """SCORING §1: the S-Corp payroll follow-up (ORG-007, asked in "Getting organized")
    appears in its section once the entity type is S-Corp, and leaves it again after."""
    ann = api.account()
    assessment_id = await _draft(api, ann)
    shown = await _shown(api, ann, assessment_id)
    assert [s["section"] for s in shown["sections"]] == SECTION_ORDER
    organize = [q["key"] for q in _section(shown, "ORGANIZE")]
    assert organize == [k for k in _keys("ORGANIZE") if k != "ORG-007"]
    assert [q["key"] for s in shown["sections"] for q in s["questions"]] == [
        q["key"] for q in shown["questions"]
    ]
    stabilize = BANK.sections[Section.STABILIZE]
    assert _titles(shown)["STABILIZE"] == stabilize.title

    await _save(api, ann, assessment_id, {"questionId": QID["META-005"], "value": "s_corp"})
    shown = await _shown(api, ann, assessment_id)
    assert [q["key"] for q in _section(shown, "ORGANIZE")] == _keys("ORGANIZE")
    assert [q["key"] for s in shown["sections"] for q in s["questions"]] == [
        q["key"] for q in shown["questions"]
    ]

    await _save(api, ann, assessment_id, {"questionId": QID["META-005"], "value": "llc"})
    shown = await _shown(api, ann, assessment_id)
    assert "ORG-007" not in [q["key"] for q in _section(shown, "ORGANIZE")]


async def test_another_consultants_assessment_shows_no_sections(api: Api) -> None:
    ann, bob = api.account(), api.account()
    assessment_id = await _draft(api, ann)
    result = await api(SHOWN, {"id": assessment_id}, as_=bob)
    assert result["data"] == {"assessment": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]


# -- markSectionNotApplicable -----------------------------------------------------------------


def _refusals(section: list[dict[str, Any]]) -> list[tuple[list[str], str, str]]:
    """The user errors expected for a section as Assessment.sections showed it."""
    return [
        (["section", str(index)], "VALIDATION", f"{q['key']}: this question cannot be answered N/A")
        for index, q in enumerate(section)
        if not q["allowsNotApplicable"]
    ]


def _errors(payload: dict[str, Any]) -> list[tuple[list[str], str, str]]:
    return [(e["field"], e["code"], e["message"]) for e in payload["userErrors"]]


async def test_marking_a_section_answers_n_a_where_it_can_and_reports_the_rest(
    api: Api,
) -> None:
    ann = api.account()
    assessment_id = await _draft(api, ann)
    before = await _shown(api, ann, assessment_id)
    stabilize = _section(before, "STABILIZE")
    marked = await _mark(api, ann, assessment_id, "STABILIZE")
    assert [(r["question"]["key"], r["notApplicable"]) for r in marked["responses"]] == [
        ("STAB-005", True),
        ("STAB-008", True),
    ]
    assert _errors(marked) == _refusals(stabilize)
    assert [e["field"] for e in marked["userErrors"]] == [
        ["section", str(i)] for i in (0, 1, 2, 3, 5, 6, 8, 9)
    ]
    # the autosave's consequences: in progress, progress counted (N/A is answered)
    visible = len(before["questions"])
    assert marked["assessment"] == {
        "status": "IN_PROGRESS",
        "progressPercentage": round(100 * 2 / visible, 2),
    }
    stored = await _responses(api, ann, assessment_id)
    assert sorted(stored) == ["STAB-005", "STAB-008"]
    assert _events(api, ann, "section_marked_not_applicable") == 1
    [(metadata,)] = query(
        api.url,
        "SELECT metadata FROM activity_logs WHERE user_id = :u AND event_type = :k",
        u=ann.id,
        k="assessment.section_marked_not_applicable",
    )
    assert metadata == {
        "assessment_id": str(expect_id(assessment_id, "Assessment")),
        "section": "stabilize",
        "saved": 2,
        "marked": ["STAB-005", "STAB-008"],
        "replaced": [],
    }


async def test_marking_replaces_the_answers_given_and_keeps_the_notes(api: Api) -> None:
    """Chosen: the consultant says the section does not apply to this business, so what was
    answered there becomes N/A too (the audit row names the question), notes stay, and the
    questions that cannot be N/A keep their answers."""
    ann = api.account()
    assessment_id = await _draft(api, ann)
    await _save(
        api,
        ann,
        assessment_id,
        {"questionId": QID["STAB-001"], "value": "current", "consultantNotes": "weekly"},
        {"questionId": QID["STAB-005"], "value": "tight", "consultantNotes": "loan in 2027"},
        {"questionId": QID["STAB-008"], "consultantNotes": "ask about the van"},
    )
    marked = await _mark(api, ann, assessment_id, "STABILIZE")
    assert marked["responses"] == [
        {
            "question": {"key": "STAB-005"},
            "value": None,
            "notApplicable": True,
            "consultantNotes": "loan in 2027",
        },
        {
            "question": {"key": "STAB-008"},
            "value": None,
            "notApplicable": True,
            "consultantNotes": "ask about the van",
        },
    ]
    stored = await _responses(api, ann, assessment_id)
    assert stored["STAB-001"] == {
        "question": {"key": "STAB-001"},
        "value": "current",
        "notApplicable": False,
        "consultantNotes": "weekly",
    }
    assert (stored["STAB-005"]["notApplicable"], stored["STAB-005"]["value"]) == (True, None)
    [(metadata,)] = query(
        api.url,
        "SELECT metadata FROM activity_logs WHERE user_id = :u AND event_type = :k",
        u=ann.id,
        k="assessment.section_marked_not_applicable",
    )
    assert metadata["replaced"] == ["STAB-005"]  # not the answer: that is kept encrypted only


async def test_marking_a_section_twice_changes_nothing_the_second_time(api: Api) -> None:
    ann = api.account()
    assessment_id = await _draft(api, ann)
    first = await _mark(api, ann, assessment_id, "GROW")
    assert [r["question"]["key"] for r in first["responses"]] == ["GROW-008"]
    again = await _mark(api, ann, assessment_id, "GROW")
    assert again["responses"] == []
    assert again["userErrors"] == first["userErrors"]
    assert again["assessment"] == first["assessment"]
    assert _events(api, ann, "section_marked_not_applicable") == 1


async def test_positions_count_the_questions_the_section_shows(api: Api) -> None:
    """A hidden follow-up is neither marked nor reported and takes no position; shown, it
    takes its place and the positions after it move on by one."""
    ann = api.account()
    assessment_id = await _draft(api, ann)
    hidden = await _mark(api, ann, assessment_id, "ORGANIZE")
    organize = _section(await _shown(api, ann, assessment_id), "ORGANIZE")
    assert "ORG-007" not in [q["key"] for q in organize]
    assert _errors(hidden) == _refusals(organize)

    await _save(api, ann, assessment_id, {"questionId": QID["META-005"], "value": "s_corp"})
    organize = _section(await _shown(api, ann, assessment_id), "ORGANIZE")
    shown = await _mark(api, ann, assessment_id, "ORGANIZE")
    assert _errors(shown) == _refusals(organize)
    assert ["section", "6"] in [e["field"] for e in shown["userErrors"]]
    assert any(e["message"].startswith("ORG-007:") for e in shown["userErrors"])
    assert len(shown["userErrors"]) == len(hidden["userErrors"]) + 1


async def test_a_section_with_no_n_a_question_saves_nothing(api: Api) -> None:
    ann = api.account()
    assessment_id = await _draft(api, ann)
    disc = _section(await _shown(api, ann, assessment_id), "DISC")
    marked = await _mark(api, ann, assessment_id, "DISC")
    assert marked["responses"] == []
    assert _errors(marked) == _refusals(disc)
    assert len(marked["userErrors"]) == len(_keys("DISC"))
    assert marked["assessment"] == {"status": "DRAFT", "progressPercentage": 0.0}
    assert _events(api, ann, "section_marked_not_applicable") == 0


async def test_a_completed_or_archived_assessment_refuses_it(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    before = await _responses(api, ann, done)
    completed = await _mark(api, ann, done, "STABILIZE")
    assert (completed["assessment"], completed["responses"]) == (None, [])
    assert [(e["field"], e["code"]) for e in completed["userErrors"]] == [
        (None, "ALREADY_COMPLETED")
    ]
    assert _payload(await api(ARCHIVE, {"id": done}, as_=ann))["userErrors"] == []
    archived = await _mark(api, ann, done, "STABILIZE")
    assert [(e["field"], e["code"]) for e in archived["userErrors"]] == [(None, "ARCHIVED")]
    assert await _responses(api, ann, done) == before
    assert _events(api, ann, "section_marked_not_applicable") == 0


async def test_only_the_owner_and_administrators_mark_a_section(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    assessment_id = await _draft(api, ann)
    for wrong in (assessment_id, QID["STAB-001"], "not-an-id"):
        theirs = await _mark(api, bob, wrong, "STABILIZE")
        assert (theirs["assessment"], theirs["responses"]) == (None, [])
        assert [(e["field"], e["code"]) for e in theirs["userErrors"]] == [
            (["assessmentId"], "NOT_FOUND")
        ]
    assert await _responses(api, ann, assessment_id) == {}
    anonymous = await api(MARK, {"input": {"assessmentId": assessment_id, "section": "BUILD"}})
    assert anonymous["data"] is None
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert await _responses(api, ann, assessment_id) == {}

    by_admin = await _mark(api, admin, assessment_id, "BUILD")
    assert [r["question"]["key"] for r in by_admin["responses"]] == ["BUILD-008"]
    assert by_admin["assessment"]["status"] == "IN_PROGRESS"
