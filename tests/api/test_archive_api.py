"""Archiving as a client sees it: only a completed assessment is archived; an archived one
leaves the lists, refuses every change to itself, its answers, notes and reports (ARCHIVED,
nothing written), stays readable, and comes back with unarchiveAssessment; each change is
in the audit log, and nobody else reaches any of it."""

from __future__ import annotations

from typing import Any

import pytest

from server.graphql.ids import expect_id
from tests.api.conftest import Account, Api
from tests.api.flows import STORY, completed_assessment
from tests.api.test_access_matrix import _snapshot
from tests.api.test_assessments_api import COMPLETE, CREATE, QID, SAVE, _input, _responses
from tests.api.test_reports_api import GENERATE, SHARE, _generate
from tests.database import execute, query

ARCHIVE = """
mutation($id: ID!) { archiveAssessment(id: $id) {
  assessment { id status archivedAt } userErrors { field code message } } }"""
UNARCHIVE = """
mutation($id: ID!) { unarchiveAssessment(id: $id) {
  assessment { id status archivedAt } userErrors { field code message } } }"""
UPDATE = """
mutation($input: UpdateAssessmentInput!) { updateAssessment(input: $input) {
  assessment { clientName } userErrors { field code message } } }"""
DELETE = """
mutation($id: ID!) { deleteAssessment(id: $id) { ok userErrors { field code message } } }"""
REVOKE = """
mutation($id: ID!) { revokeReportShare(reportId: $id) {
  report { isShared } userErrors { field code message } } }"""
LISTED = "{ assessments(archived: null) { edges { node { id archivedAt } } } }"
READ = """query($id: ID!) { assessment(id: $id) { status archivedAt clientName
  phaseResult { primaryPhase } reports { id } } }"""


async def _draft(api: Api, owner: Account) -> str:
    created = await api(CREATE, {"input": _input()}, as_=owner)
    assessment_id: str = created["data"]["createAssessment"]["assessment"]["id"]
    return assessment_id


def _events(api: Api, owner: Account, kind: str) -> int:
    [(count,)] = query(
        api.url,
        "SELECT count(*) FROM activity_logs WHERE user_id = :u AND event_type = :k",
        u=owner.id,
        k=f"assessment.{kind}",
    )
    return int(count)


def _payload(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    payload: dict[str, Any] = next(iter(result["data"].values()))
    return payload


async def test_archiving_puts_a_completed_assessment_away_and_back(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    archived = _payload(await api(ARCHIVE, {"id": done}, as_=ann))
    assert archived["userErrors"] == []
    assert archived["assessment"]["archivedAt"] is not None
    assert _events(api, ann, "archived") == 1
    [(metadata,)] = query(
        api.url,
        "SELECT metadata FROM activity_logs WHERE user_id = :u AND event_type = :k",
        u=ann.id,
        k="assessment.archived",
    )
    assert metadata == {"assessment_id": str(expect_id(done, "Assessment"))}
    # out of the default list, still in the archived one, still readable
    assert (await api("{ assessments { totalCount } }", as_=ann))["data"]["assessments"] == {
        "totalCount": 0
    }
    only = await api(
        "{ assessments(archived: true) { totalCount edges { node { id } } } }", as_=ann
    )
    assert only["data"]["assessments"] == {"totalCount": 1, "edges": [{"node": {"id": done}}]}
    read = (await api(READ, {"id": done}, as_=ann))["data"]["assessment"]
    assert read["status"] == "COMPLETED"
    assert read["phaseResult"]["primaryPhase"]
    # archiving again changes nothing, and logs nothing
    again = _payload(await api(ARCHIVE, {"id": done}, as_=ann))
    assert again["assessment"]["archivedAt"] == archived["assessment"]["archivedAt"]
    assert _events(api, ann, "archived") == 1

    restored = _payload(await api(UNARCHIVE, {"id": done}, as_=ann))
    assert restored == {
        "assessment": {"id": done, "status": "COMPLETED", "archivedAt": None},
        "userErrors": [],
    }
    assert _events(api, ann, "unarchived") == 1
    assert (await api("{ assessments { totalCount } }", as_=ann))["data"]["assessments"] == {
        "totalCount": 1
    }
    # changeable again
    renamed = _payload(await api(UPDATE, {"input": {"id": done, "clientName": "Ada"}}, as_=ann))
    assert renamed == {"assessment": {"clientName": "Ada"}, "userErrors": []}
    # unarchiving one that is not archived changes nothing, and logs nothing
    twice = _payload(await api(UNARCHIVE, {"id": done}, as_=ann))
    assert (twice["assessment"]["archivedAt"], twice["userErrors"]) == (None, [])
    assert _events(api, ann, "unarchived") == 1


@pytest.mark.parametrize("answers", [0, 3], ids=["draft", "in progress"])
async def test_only_a_completed_assessment_is_archived(api: Api, answers: int) -> None:
    ann = api.account()
    going = await _draft(api, ann)
    if answers:
        items = _responses(STORY.sheet())[:answers]
        await api(SAVE, {"input": {"assessmentId": going, "responses": items}}, as_=ann)
    before = _snapshot(api, ann.id)
    refused = _payload(await api(ARCHIVE, {"id": going}, as_=ann))
    assert refused["assessment"] is None
    [error] = refused["userErrors"]
    assert (error["code"], error["field"]) == ("NOT_COMPLETED", None)
    assert "completed" in error["message"]
    assert _snapshot(api, ann.id) == before
    assert _events(api, ann, "archived") == 0


async def _archived_world(api: Api) -> tuple[Account, str, str, str]:
    """A consultant with an archived completed assessment that has a shared client report,
    and an archived one still in progress (archived before archiving needed completion)."""
    ann = api.account()
    done = await completed_assessment(api, ann)
    [report] = await _generate(api, ann, done, types=["CLIENT"])
    shared = _payload(await api(SHARE, {"id": report["id"]}, as_=ann))
    assert shared["userErrors"] == []
    assert _payload(await api(ARCHIVE, {"id": done}, as_=ann))["userErrors"] == []
    going = await _draft(api, ann)
    items = _responses(STORY.sheet())[:3]
    await api(SAVE, {"input": {"assessmentId": going, "responses": items}}, as_=ann)
    execute(
        api.url,
        "UPDATE assessments SET archived_at = now() WHERE id = :id",
        id=expect_id(going, "Assessment"),
    )
    return ann, done, going, report["id"]


def _changes(done: str, going: str, report: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every mutation that changes an assessment, its answers, notes or reports."""
    every_answer = _responses(STORY.sheet())
    note = [{"questionId": QID["STAB-001"], "value": "current", "consultantNotes": "Later"}]
    return [
        ("updateAssessment", UPDATE, {"input": {"id": done, "clientName": "Changed"}}),
        ("updateAssessment", UPDATE, {"input": {"id": going, "confidenceAfter": 9}}),
        ("deleteAssessment", DELETE, {"id": done}),
        ("deleteAssessment", DELETE, {"id": going}),
        ("saveResponses", SAVE, {"input": {"assessmentId": going, "responses": note}}),
        ("saveResponses", SAVE, {"input": {"assessmentId": done, "responses": note}}),
        ("saveResponses", SAVE, {"input": {"assessmentId": going, "responses": every_answer}}),
        ("completeAssessment", COMPLETE, {"id": going}),
        ("generateReports", GENERATE, {"id": done}),
        ("shareReport", SHARE, {"id": report, "days": 30}),
        ("revokeReportShare", REVOKE, {"id": report}),
    ]


async def test_an_archived_assessment_refuses_every_change(api: Api) -> None:
    ann, done, going, report = await _archived_world(api)
    before = _snapshot(api, ann.id)
    logged = query(api.url, "SELECT count(*) FROM activity_logs WHERE user_id = :u", u=ann.id)
    for name, operation, variables in _changes(done, going, report):
        payload = _payload(await api(operation, variables, as_=ann))
        codes = [e["code"] for e in payload["userErrors"]]
        assert codes == ["ARCHIVED"], (name, payload)
        assert "unarchive" in payload["userErrors"][0]["message"], name
        assert all(v in (None, False, []) for k, v in payload.items() if k != "userErrors"), name
    assert _snapshot(api, ann.id) == before
    assert query(api.url, "SELECT count(*) FROM activity_logs WHERE user_id = :u", u=ann.id) == (
        logged
    )
    # the shared link still works; the report still downloads for its owner
    [(shared,)] = query(
        api.url,
        "SELECT is_shared FROM reports WHERE id = :id",
        id=expect_id(report, "Report"),
    )
    assert shared is True
    download = await api.client.get(
        f"/reports/{report}/download", headers={"authorization": f"Bearer {ann.token}"}
    )
    assert download.status_code == 200
    # unarchived, they change again
    for assessment in (done, going):
        assert _payload(await api(UNARCHIVE, {"id": assessment}, as_=ann))["userErrors"] == []
    revoked = _payload(await api(REVOKE, {"id": report}, as_=ann))
    assert revoked["userErrors"] == []
    saved = _payload(await api(SAVE, _changes(done, going, report)[4][2], as_=ann))
    assert saved["userErrors"] == []


async def test_nobody_else_archives_or_unarchives(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    done = await completed_assessment(api, ann)
    before = _snapshot(api, ann.id)
    for operation in (ARCHIVE, UNARCHIVE):
        other = _payload(await api(operation, {"id": done}, as_=bob))
        assert other["assessment"] is None
        assert [(e["code"], e["field"]) for e in other["userErrors"]] == [("NOT_FOUND", ["id"])]
        anonymous = await api(operation, {"id": done})
        assert anonymous["data"] is None
        assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert _snapshot(api, ann.id) == before
    # an administrator may, and the log names them
    assert _payload(await api(ARCHIVE, {"id": done}, as_=admin))["userErrors"] == []
    assert _payload(await api(UNARCHIVE, {"id": done}, as_=admin))["userErrors"] == []
    assert (_events(api, admin, "archived"), _events(api, admin, "unarchived")) == (1, 1)
    assert (_events(api, ann, "archived"), _events(api, ann, "unarchived")) == (0, 0)


async def test_a_listed_assessment_shows_whether_it_is_archived(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    await api(ARCHIVE, {"id": done}, as_=ann)
    going = await _draft(api, ann)
    listed = (await api(LISTED, as_=ann))["data"]["assessments"]["edges"]
    archived = {edge["node"]["id"]: edge["node"]["archivedAt"] is not None for edge in listed}
    assert archived == {done: True, going: False}
