"""After completion, as a client sees it: notes stay editable and answers do not
(saveResponses), and recalculateAssessment scores a completed assessment again with the
bank in force, replacing its results and adding only the checklist actions it lacks, the
consultant's changes to the checklist untouched."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from starlette.applications import Starlette

from domain.bank import Bank, load_bank
from domain.model import DiscType, Phase, Question
from domain.recommendations import Category, Level, Recommendation, Trigger
from domain.scoring import score
from server.graphql.ids import expect_id
from tests.api.conftest import Account, Api
from tests.api.flows import STORY, completed_assessment
from tests.api.test_archive_api import ARCHIVE, _draft
from tests.api.test_assessments_api import COMPLETE, CREATE, QID, SAVE, _input, _responses
from tests.database import execute, query

BANK = load_bank()

RECALCULATE = """
mutation($id: ID!) { recalculateAssessment(id: $id) {
  assessment { id status completedAt progressPercentage
    phaseResult { primaryPhase secondaryPhases stabilize build grow }
    discProfile { primaryType dominance steadiness } }
  userErrors { field code message } } }"""
NOTES = """
mutation($input: SaveResponsesInput!) { saveResponses(input: $input) {
  assessment { status progressPercentage }
  responses { question { key } value consultantNotes }
  userErrors { field code message } } }"""
READ = """
query($id: ID!) { assessment(id: $id) { status progressPercentage completedAt
  phaseResult { primaryPhase stabilize build grow }
  discProfile { primaryType }
  responses { question { key } value values rating notApplicable consultantNotes }
  checklistItems { itemText itemOrder phaseCategory priority isCompleted } } }"""


def _read(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    payload: dict[str, Any] = next(iter(result["data"].values()))
    return payload


def _audit(api: Api, assessment: str, kind: str) -> list[dict[str, Any]]:
    rows = query(
        api.url,
        "SELECT metadata FROM activity_logs WHERE event_type = :k"
        " AND metadata->>'assessment_id' = :a ORDER BY created_at",
        k=f"assessment.{kind}",
        a=str(expect_id(assessment, "Assessment")),
    )
    return [row.metadata for row in rows]


def _item(answer: Any, notes: str | None) -> dict[str, Any]:
    [item] = _responses({answer.question_key: answer})
    return item | {"consultantNotes": notes}


# --- Notes after completion ----------------------------------------------------------------


OPTIONAL = "SYS-011"  # a text question the client may leave unanswered


async def _completed_without_the_optional_answer(api: Api, owner: Account) -> str:
    created = await api(CREATE, {"input": _input()}, as_=owner)
    assessment: str = created["data"]["createAssessment"]["assessment"]["id"]
    sheet = {k: a for k, a in STORY.sheet().items() if k != OPTIONAL}
    saved = await api(
        SAVE, {"input": {"assessmentId": assessment, "responses": _responses(sheet)}}, as_=owner
    )
    assert saved["data"]["saveResponses"]["userErrors"] == []
    assert _read(await api(COMPLETE, {"id": assessment}, as_=owner))["userErrors"] == []
    return assessment


async def test_notes_change_after_completion_and_answers_do_not(api: Api) -> None:
    ann = api.account()
    done = await _completed_without_the_optional_answer(api, ann)
    before = _read(await api(READ, {"id": done}, as_=ann))
    sheet = STORY.sheet()
    unanswered = OPTIONAL
    books = sheet["STAB-001"]
    changed = next(o.value for o in BANK.question("STAB-001").options if o.value != books.value)
    items = [
        _item(books, "Books caught up in March"),  # the answer repeated: saved
        {"questionId": QID["STAB-001"], "value": changed},  # another answer to the same...
        {"questionId": QID["STAB-002"], "consultantNotes": "Ask about payroll"},  # answer left out
        {"questionId": QID[unanswered], "consultantNotes": "Not asked"},  # no answer to annotate
        _item(sheet["SYS-001"], None),  # notes cleared, answer unchanged: saved
        {"questionId": QID["STAB-003"], "value": "no-such-option"},  # invalid, as ever
    ]
    result = _read(await api(NOTES, {"input": {"assessmentId": done, "responses": items}}, as_=ann))
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["responses", "1", "questionId"], "VALIDATION"),  # answered twice in the batch
        (["responses", "2", "value"], "ALREADY_COMPLETED"),
        (["responses", "3", "questionId"], "ALREADY_COMPLETED"),
        (["responses", "5", "value"], "VALIDATION"),
    ]
    assert "only their notes" in result["userErrors"][1]["message"]
    assert [(r["question"]["key"], r["consultantNotes"]) for r in result["responses"]] == [
        ("STAB-001", "Books caught up in March"),
        ("SYS-001", None),
    ]
    assert result["assessment"] == {"status": "COMPLETED", "progressPercentage": 100.0}

    after = _read(await api(READ, {"id": done}, as_=ann))
    notes = {r["question"]["key"]: r["consultantNotes"] for r in after["responses"]}
    assert notes["STAB-001"] == "Books caught up in March"
    answers = [{k: v for k, v in r.items() if k != "consultantNotes"} for r in after["responses"]]
    assert answers == [
        {k: v for k, v in r.items() if k != "consultantNotes"} for r in before["responses"]
    ]
    assert unanswered not in notes
    for unchanged in ("status", "progressPercentage", "completedAt", "phaseResult", "discProfile"):
        assert after[unchanged] == before[unchanged], unchanged
    assert after["checklistItems"] == before["checklistItems"]
    assert _audit(api, done, "notes_edited") == [
        {"assessment_id": str(expect_id(done, "Assessment")), "questions": ["STAB-001", "SYS-001"]}
    ]
    assert len(_audit(api, done, "responses_saved")) == 1  # the answers' one save, before


async def test_a_completed_assessment_refusing_every_item_saves_nothing(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    everything = _responses(STORY.sheet())
    changed = [{"questionId": item["questionId"]} for item in everything[:3]]  # answers cleared
    result = _read(
        await api(NOTES, {"input": {"assessmentId": done, "responses": changed}}, as_=ann)
    )
    assert [e["code"] for e in result["userErrors"]] == ["ALREADY_COMPLETED"] * 3
    assert result["responses"] == []
    assert result["assessment"]["status"] == "COMPLETED"
    assert _audit(api, done, "notes_edited") == []
    # every answer repeated as it is changes nothing but is accepted
    again = _read(
        await api(NOTES, {"input": {"assessmentId": done, "responses": everything}}, as_=ann)
    )
    assert again["userErrors"] == []
    assert len(again["responses"]) == len(everything)


async def test_notes_of_a_completed_assessment_are_the_owners_alone(api: Api) -> None:
    ann, bob = api.account(), api.account()
    done = await completed_assessment(api, ann)
    item = [_item(STORY.sheet()["STAB-001"], "Bob's note")]
    result = _read(await api(NOTES, {"input": {"assessmentId": done, "responses": item}}, as_=bob))
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["assessmentId"], "NOT_FOUND")
    ]
    anonymous = await api(NOTES, {"input": {"assessmentId": done, "responses": item}})
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    admin = api.account("admin")
    by_admin = _read(
        await api(NOTES, {"input": {"assessmentId": done, "responses": item}}, as_=admin)
    )
    assert by_admin["userErrors"] == []


async def test_scoring_never_opens_a_note(api: Api) -> None:
    """Completion and re-scoring read the answers alone: a note that does not open (here
    marked as sealed with a key the service is not given) stops neither."""
    ann = api.account()
    created = await api(CREATE, {"input": _input()}, as_=ann)
    assessment: str = created["data"]["createAssessment"]["assessment"]["id"]
    items = _responses(STORY.sheet())
    items[0] |= {"consultantNotes": "a note no key will open"}
    saved = await api(SAVE, {"input": {"assessmentId": assessment, "responses": items}}, as_=ann)
    assert saved["data"]["saveResponses"]["userErrors"] == []
    altered = execute(
        api.url,
        "UPDATE responses SET consultant_notes = 'unknown:' || consultant_notes"
        " WHERE assessment_id = :a AND consultant_notes IS NOT NULL RETURNING id",
        a=expect_id(assessment, "Assessment"),
    )
    assert len(altered) == 1
    completed = _read(await api(COMPLETE, {"id": assessment}, as_=ann))
    assert (completed["userErrors"], completed["assessment"]["status"]) == ([], "COMPLETED")
    rescored = _read(await api(RECALCULATE, {"id": assessment}, as_=ann))
    assert (rescored["userErrors"], rescored["assessment"]["status"]) == ([], "COMPLETED")


# --- recalculateAssessment -----------------------------------------------------------------

NEW_RECOMMENDATION = Recommendation(
    key="REC-GROW-99",
    phase=Phase.GROW,
    category=Category.QUICK_WIN,
    impact=Level.HIGH,
    effort=Level.LOW,
    title="Price for growth",
    why="Margins fund the growth.",
    actions=("List your ten best sellers with their margins.", "Book a monthly pricing review."),
    triggers=(Trigger("META-005", values=("s_corp",)),),  # the story's entity type
    client_wording=dict.fromkeys(("D", "I", "S", "C", "neutral"), "Good prices pay for growth."),
)
SWAPPED = {DiscType.S: DiscType.D, DiscType.D: DiscType.S}


def _rescored_question(question: Question) -> Question:
    """Every Build option scores as the best one, and D and S points change places."""
    best = max((o.phase_points.get(Phase.BUILD, 0) for o in question.options), default=0)
    options = tuple(
        replace(
            option,
            phase_points={
                phase: best if phase is Phase.BUILD else points
                for phase, points in option.phase_points.items()
            },
            disc_points={SWAPPED.get(t, t): p for t, p in option.disc_points.items()},
        )
        for option in question.options
    )
    return replace(question, options=options)


def changed_bank() -> Bank:
    """The bank as a later release might ship it: other weights, one more recommendation."""
    return replace(
        BANK,
        version=f"{BANK.version}-changed",
        questions=tuple(_rescored_question(q) for q in BANK.questions),
        recommendations=(*BANK.recommendations, NEW_RECOMMENDATION),
    )


def _live_items(api: Api, assessment: str) -> list[Any]:
    return query(
        api.url,
        "SELECT item_text, item_order, phase_category, priority, is_completed, source_key"
        " FROM checklist_items WHERE assessment_id = :a AND deleted_at IS NULL"
        " ORDER BY item_order, id",
        a=expect_id(assessment, "Assessment"),
    )


def _consultant_works_the_checklist(api: Api, owner: Account, assessment: str) -> dict[str, str]:
    """The consultant's changes, made as the checklist's own mutations make them: one item
    reworded and moved to another phase, one ticked off, one deleted, one of their own."""
    raw = expect_id(assessment, "Assessment")
    texts = [row.item_text for row in _live_items(api, assessment)]
    edited, ticked, deleted = texts[0], texts[1], texts[2]
    execute(
        api.url,
        "UPDATE checklist_items SET item_text = 'Catch up the books with Dana', "
        "phase_category = 'organize' WHERE assessment_id = :a AND item_text = :t",
        a=raw,
        t=edited,
    )
    execute(
        api.url,
        "UPDATE checklist_items SET is_completed = true, completed_at = now(), "
        "completed_by = 'consultant' WHERE assessment_id = :a AND item_text = :t",
        a=raw,
        t=ticked,
    )
    execute(
        api.url,
        "UPDATE checklist_items SET deleted_at = now() WHERE assessment_id = :a AND item_text = :t",
        a=raw,
        t=deleted,
    )
    execute(
        api.url,
        "INSERT INTO checklist_items (assessment_id, created_by, item_text, item_order, "
        "phase_category) SELECT :a, :by, 'Call the bank about the overdraft', "
        "max(item_order) + 1, 'stabilize' FROM checklist_items WHERE assessment_id = :a",
        a=raw,
        by=owner.id,
    )
    return {"edited": edited, "ticked": ticked, "deleted": deleted}


async def test_the_same_bank_changes_nothing_but_the_time_of_the_results(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    before = _read(await api(READ, {"id": done}, as_=ann))
    items = _live_items(api, done)
    assert all(row.source_key == f"{row.phase_category}:{row.item_text}" for row in items)
    [calculated] = query(
        api.url,
        "SELECT calculated_at FROM phase_results WHERE assessment_id = :a",
        a=expect_id(done, "Assessment"),
    )
    result = _read(await api(RECALCULATE, {"id": done}, as_=ann))
    assert result["userErrors"] == []
    assert result["assessment"]["status"] == "COMPLETED"
    after = _read(await api(READ, {"id": done}, as_=ann))
    assert after == before
    assert _live_items(api, done) == items
    [recalculated] = query(
        api.url,
        "SELECT calculated_at FROM phase_results WHERE assessment_id = :a",
        a=expect_id(done, "Assessment"),
    )
    assert recalculated.calculated_at > calculated.calculated_at
    [audit] = _audit(api, done, "recalculated")
    assert audit["old"] == audit["new"] == {"primary_phase": "build", "disc_type": "S"}
    assert audit["checklist_items_added"] == 0
    assert audit["bank_version"] == BANK.version


async def test_recalculating_after_a_bank_change(api: Api, app: Starlette) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)  # scored by today's bank
    before = _read(await api(READ, {"id": done}, as_=ann))
    assert (before["phaseResult"]["primaryPhase"], before["discProfile"]["primaryType"]) == (
        "BUILD",
        "S",
    )
    changes = _consultant_works_the_checklist(api, ann, done)
    kept = _live_items(api, done)
    last_order = max(row.item_order for row in kept)

    bank = changed_bank()
    expected = score(bank.questions, STORY.sheet())
    services = app.state.services
    app.state.services = replace(services, bank=bank)
    try:
        result = _read(await api(RECALCULATE, {"id": done}, as_=ann))
        again = _read(await api(RECALCULATE, {"id": done}, as_=ann))
    finally:
        app.state.services = services
    assert result["userErrors"] == []
    assert again["userErrors"] == []

    # the results are the changed bank's; the answers and the assessment's own fields stay
    recalculated = result["assessment"]
    assert recalculated["phaseResult"]["primaryPhase"] == expected.phases.primary.name == "GROW"
    assert recalculated["phaseResult"]["build"] == float(expected.phases.readiness[Phase.BUILD])
    assert recalculated["discProfile"]["primaryType"] == "D"
    after = _read(await api(READ, {"id": done}, as_=ann))
    assert after["responses"] == before["responses"]
    for unchanged in ("status", "progressPercentage", "completedAt"):
        assert after[unchanged] == before[unchanged], unchanged
    assert after["phaseResult"]["primaryPhase"] == "GROW"
    assert after["discProfile"]["primaryType"] == "D"
    [(profiles,)] = query(
        api.url,
        "SELECT count(*) FROM disc_profiles WHERE assessment_id = :a",
        a=expect_id(done, "Assessment"),
    )
    assert profiles == 1

    # the checklist: every item that was there, as it was; the new actions after them
    items = _live_items(api, done)
    assert items[: len(kept)] == kept
    added = items[len(kept) :]
    assert [(row.item_text, row.item_order, row.priority) for row in added] == [
        ("List your ten best sellers with their margins.", last_order + 1, "high"),
        ("Book a monthly pricing review.", last_order + 2, "high"),
    ]  # priority by the new primary phase, Grow
    texts = [row.item_text for row in items]
    assert len(texts) == len(set(texts))  # no action twice
    assert changes["edited"] not in texts  # the reworded item is not added back as it was
    assert changes["deleted"] not in texts  # nor the deleted one
    assert "Catch up the books with Dana" in texts
    assert "Call the bank about the overdraft" in texts
    assert next(row for row in items if row.item_text == changes["ticked"]).is_completed

    # the audit log: old and new, and the second run found nothing to add
    first, second = _audit(api, done, "recalculated")
    assert (first["old"], first["new"]) == (
        {"primary_phase": "build", "disc_type": "S"},
        {"primary_phase": "grow", "disc_type": "D"},
    )
    assert first["checklist_items_added"] == 2
    assert first["bank_version"] == bank.version
    assert second["old"] == second["new"] == first["new"]
    assert second["checklist_items_added"] == 0


async def test_without_a_profile_any_more_the_old_one_goes(api: Api, app: Starlette) -> None:
    """A bank whose options no longer read the style: the stored profile is removed."""
    ann = api.account()
    done = await completed_assessment(api, ann)
    blind = replace(
        BANK,
        questions=tuple(
            replace(q, options=tuple(replace(o, disc_points={}) for o in q.options))
            for q in BANK.questions
        ),
    )
    services = app.state.services
    app.state.services = replace(services, bank=blind)
    try:
        result = _read(await api(RECALCULATE, {"id": done}, as_=ann))
    finally:
        app.state.services = services
    assert result["userErrors"] == []
    assert result["assessment"]["discProfile"] is None
    [audit] = _audit(api, done, "recalculated")
    assert (audit["old"]["disc_type"], audit["new"]["disc_type"]) == ("S", None)


async def test_only_a_completed_assessment_is_recalculated(api: Api) -> None:
    ann = api.account()
    draft = await _draft(api, ann)
    going = await _draft(api, ann)
    items = _responses(STORY.sheet())[:3]
    await api(SAVE, {"input": {"assessmentId": going, "responses": items}}, as_=ann)
    for assessment in (draft, going):
        result = _read(await api(RECALCULATE, {"id": assessment}, as_=ann))
        assert result["assessment"] is None
        assert [e["code"] for e in result["userErrors"]] == ["NOT_COMPLETED"]
        assert "completed" in result["userErrors"][0]["message"]
        assert _audit(api, assessment, "recalculated") == []
    [(results,)] = query(
        api.url,
        "SELECT count(*) FROM phase_results WHERE assessment_id IN (:a, :b)",
        a=expect_id(draft, "Assessment"),
        b=expect_id(going, "Assessment"),
    )
    assert results == 0


async def test_an_archived_assessment_is_not_recalculated(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    assert _read(await api(ARCHIVE, {"id": done}, as_=ann))["userErrors"] == []
    result = _read(await api(RECALCULATE, {"id": done}, as_=ann))
    assert result["assessment"] is None
    assert [e["code"] for e in result["userErrors"]] == ["ARCHIVED"]
    assert _audit(api, done, "recalculated") == []


async def test_recalculating_is_for_the_owner_and_administrators(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    done = await completed_assessment(api, ann)
    theirs = _read(await api(RECALCULATE, {"id": done}, as_=bob))
    assert (theirs["assessment"], theirs["userErrors"]) == (
        None,
        [{"field": ["id"], "code": "NOT_FOUND", "message": "no such assessment"}],
    )
    missing = _read(await api(RECALCULATE, {"id": "no-such-id"}, as_=ann))
    assert [e["code"] for e in missing["userErrors"]] == ["NOT_FOUND"]
    anonymous = await api(RECALCULATE, {"id": done})
    assert anonymous["data"] is None
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert _audit(api, done, "recalculated") == []
    by_admin = _read(await api(RECALCULATE, {"id": done}, as_=admin))
    assert by_admin["userErrors"] == []
    [audit] = query(
        api.url,
        "SELECT user_id, metadata FROM activity_logs WHERE event_type = 'assessment.recalculated'"
        " AND metadata->>'assessment_id' = :a",
        a=str(expect_id(done, "Assessment")),
    )
    assert audit.user_id == admin.id
    assert json.dumps(audit.metadata["new"]) == json.dumps(audit.metadata["old"])
