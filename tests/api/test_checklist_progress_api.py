"""checklistProgress: counted in SQL over the live items, overall and per phase."""

from __future__ import annotations

from server.graphql.ids import expect_id
from tests.api.conftest import Api
from tests.api.flows import completed_assessment
from tests.api.test_assessments_api import CREATE, _input
from tests.database import execute

PROGRESS = """query($id: ID!) { assessment(id: $id) {
  checklistItems { id phaseCategory isCompleted completedBy createdAt updatedAt }
  checklistProgress { total completed percentage byPhase { phase total completed } } } }"""


async def test_progress_counts_live_items_overall_and_by_phase(api: Api) -> None:
    owner = api.account()
    assessment_id = await completed_assessment(api, owner)
    key = expect_id(assessment_id, "Assessment")
    execute(
        api.url,
        "INSERT INTO checklist_items (assessment_id, created_by, item_text, item_order) "
        "VALUES (:a, :u, 'Call the bank', 999)",
        a=key,
        u=owner.id,
    )
    read = (await api(PROGRESS, {"id": assessment_id}, as_=owner))["data"]["assessment"]
    items = read["checklistItems"]
    assert all(i["completedBy"] is None and i["createdAt"] and i["updatedAt"] for i in items)
    total = len(items)
    assert read["checklistProgress"] == {
        "total": total,
        "completed": 0,
        "percentage": 0.0,
        "byPhase": read["checklistProgress"]["byPhase"],
    }
    by_phase = read["checklistProgress"]["byPhase"]
    assert by_phase[-1] == {"phase": None, "total": 1, "completed": 0}
    phases = [p["phase"] for p in by_phase[:-1]]
    order = ["STABILIZE", "ORGANIZE", "BUILD", "GROW", "SYSTEMIC"]
    assert phases == sorted(phases, key=order.index)
    assert sum(p["total"] for p in by_phase) == total

    # Three done (one of them the phase-less item), one deleted.
    first_phase = by_phase[0]["phase"]
    in_first = [i for i in items if i["phaseCategory"] == first_phase]
    done = [expect_id(i["id"], "ChecklistItem") for i in in_first[:2]]
    execute(
        api.url,
        "UPDATE checklist_items SET is_completed = true, completed_at = now(), "
        "completed_by = 'client' WHERE id = ANY(:ids) OR (assessment_id = :a AND item_order = 999)",
        ids=done,
        a=key,
    )
    deleted = expect_id(items[-2]["id"], "ChecklistItem")
    execute(api.url, "UPDATE checklist_items SET deleted_at = now() WHERE id = :i", i=deleted)
    after = (await api(PROGRESS, {"id": assessment_id}, as_=owner))["data"]["assessment"]
    progress = after["checklistProgress"]
    assert progress["total"] == total - 1
    assert progress["completed"] == 3
    assert progress["percentage"] == round(100 * 3 / (total - 1), 2)
    assert progress["byPhase"][0] == {
        "phase": first_phase,
        "total": len(in_first),
        "completed": 2,
    }
    assert progress["byPhase"][-1] == {"phase": None, "total": 1, "completed": 1}
    marked = [i for i in after["checklistItems"] if i["isCompleted"]]
    assert {i["completedBy"] for i in marked} == {"CLIENT"}


async def test_progress_is_zero_without_items(api: Api) -> None:
    owner = api.account()
    created = await api(CREATE, {"input": _input()}, as_=owner)
    assessment_id = created["data"]["createAssessment"]["assessment"]["id"]
    read = (await api(PROGRESS, {"id": assessment_id}, as_=owner))["data"]["assessment"]
    assert read["checklistProgress"] == {
        "total": 0,
        "completed": 0,
        "percentage": 0.0,
        "byPhase": [],
    }


async def test_progress_is_read_for_every_assessment_of_a_page(api: Api) -> None:
    owner = api.account()
    ids = [await completed_assessment(api, owner) for _ in range(2)]
    listed = await api(
        "{ assessments { edges { node { id checklistProgress { total } } } } }", as_=owner
    )
    totals = {
        e["node"]["id"]: e["node"]["checklistProgress"]["total"]
        for e in listed["data"]["assessments"]["edges"]
    }
    assert set(totals) == set(ids)
    assert all(t > 0 for t in totals.values())
