"""The consultant's checklist through GraphQL: addChecklistItem, updateChecklistItem,
deleteChecklistItem, setChecklistItemCompleted and reorderChecklist; every validation error
with its field, another consultant (NOT_FOUND like a missing item), anonymous callers,
archived assessments, the audit trail with old and new values, and the due dates of the plan
generated at completion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.bank import load_bank
from domain.recommendations import add_months, applicable, checklist
from domain.scoring import score
from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api
from tests.api.flows import STORY, completed_assessment
from tests.api.test_assessments_api import COMPLETE, CREATE, SAVE, _input, _responses
from tests.api.test_text_inputs import post
from tests.database import execute, query

ITEM = "id itemText itemOrder phaseCategory priority dueDate isCompleted completedAt completedBy"
ERRORS = "userErrors { field code message }"
ADD = f"""mutation($input: AddChecklistItemInput!) {{
  addChecklistItem(input: $input) {{ item {{ {ITEM} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: UpdateChecklistItemInput!) {{
  updateChecklistItem(input: $input) {{ item {{ {ITEM} updatedAt }} {ERRORS} }} }}"""
DELETE = f"mutation($id: ID!) {{ deleteChecklistItem(id: $id) {{ ok {ERRORS} }} }}"
SET_DONE = f"""mutation($input: SetChecklistItemCompletedInput!) {{
  setChecklistItemCompleted(input: $input) {{ item {{ {ITEM} }} {ERRORS} }} }}"""
REORDER = f"""mutation($input: ReorderChecklistInput!) {{
  reorderChecklist(input: $input) {{ items {{ id itemOrder }} {ERRORS} }} }}"""
READ = f"""query($id: ID!) {{ assessment(id: $id) {{ createdAt completedAt
  checklistItems {{ {ITEM} }}
  checklistProgress {{ total completed byPhase {{ phase total completed }} }} }} }}"""
ARCHIVE = "mutation($id: ID!) { archiveAssessment(id: $id) { userErrors { code } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"


def _payload(result: dict[str, Any]) -> Any:
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


async def _new_assessment(api: Api, owner: Account) -> str:
    created = await api(CREATE, {"input": _input()}, as_=owner)
    assessment_id: str = created["data"]["createAssessment"]["assessment"]["id"]
    return assessment_id


async def _read(api: Api, who: Account, assessment_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await api(READ, {"id": assessment_id}, as_=who))["data"]["assessment"]
    return found


async def _add(api: Api, who: Account, assessment_id: str, **fields: Any) -> dict[str, Any]:
    given = {"assessmentId": assessment_id, "itemText": "Call the bank"} | fields
    payload = _payload(await api(ADD, {"input": given}, as_=who))
    assert payload["userErrors"] == [], payload
    item: dict[str, Any] = payload["item"]
    return item


def _trail(api: Api, who: Account) -> list[tuple[str, str, Any]]:
    """The account's checklist audit rows, oldest first: type, category, metadata."""
    rows = query(
        api.url,
        "SELECT event_type, event_category, metadata FROM activity_logs"
        " WHERE user_id = :u AND event_type LIKE 'checklist.%' ORDER BY created_at, id",
        u=who.id,
    )
    return [(row[0], row[1], row[2]) for row in rows]


def _stored(api: Api, assessment_id: str) -> list[Any]:
    """Every row of the assessment's checklist, deleted ones too, as JSON text."""
    return query(
        api.url,
        "SELECT to_jsonb(c)::text FROM checklist_items c WHERE assessment_id = :a ORDER BY id",
        a=expect_id(assessment_id, "Assessment"),
    )


def _raw(global_id: str) -> str:
    return str(expect_id(global_id, "ChecklistItem"))


def _today() -> date:
    return datetime.now(UTC).date()


# -- adding ------------------------------------------------------------------------------------


async def test_an_added_item_goes_last_with_its_fields(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    generated = (await _read(api, ann, done))["checklistItems"]
    due = (_today() + timedelta(days=3)).isoformat()
    item = await _add(
        api,
        ann,
        done,
        itemText="  Open a tax savings account  ",
        phaseCategory="ORGANIZE",
        priority="HIGH",
        dueDate=due,
    )
    assert item | {"id": None} == {
        "id": None,
        "itemText": "Open a tax savings account",
        "itemOrder": len(generated) + 1,
        "phaseCategory": "ORGANIZE",
        "priority": "HIGH",
        "dueDate": due,
        "isCompleted": False,
        "completedAt": None,
        "completedBy": None,
    }
    bare = await _add(api, ann, done, itemText="x" * 500)
    assert (bare["itemOrder"], bare["phaseCategory"], bare["priority"], bare["dueDate"]) == (
        len(generated) + 2,
        None,
        None,
        None,
    )
    read = await _read(api, ann, done)
    assert [i["id"] for i in read["checklistItems"][-2:]] == [item["id"], bare["id"]]
    assert read["checklistProgress"]["total"] == len(generated) + 2
    [(created_by,)] = query(
        api.url, "SELECT created_by FROM checklist_items WHERE id = :i", i=_raw(item["id"])
    )
    assert created_by == ann.id


async def test_items_added_before_completion_come_first_and_the_plan_follows(api: Api) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    first = await _add(api, ann, assessment, itemText="Gather last year's bank statements")
    second = await _add(api, ann, assessment, itemText="List the open invoices")
    assert (first["itemOrder"], second["itemOrder"]) == (1, 2)
    items = _responses(STORY.sheet())
    saved = await api(SAVE, {"input": {"assessmentId": assessment, "responses": items}}, as_=ann)
    assert saved["data"]["saveResponses"]["userErrors"] == []
    assert _payload(await api(COMPLETE, {"id": assessment}, as_=ann))["userErrors"] == []
    listed = (await _read(api, ann, assessment))["checklistItems"]
    assert [i["id"] for i in listed[:2]] == [first["id"], second["id"]]
    assert [i["itemOrder"] for i in listed] == list(range(1, len(listed) + 1))
    assert len(listed) > 2


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"itemText": "   "}, "itemText", "must not be blank"),
        ({"itemText": ""}, "itemText", "must not be blank"),
        ({"itemText": "x" * 501}, "itemText", "at most 500 characters"),
        ({"itemText": "Call\x00 the bank"}, "itemText", "NUL character"),
        ({"itemText": "Call \ud800 the bank"}, "itemText", "lone surrogate"),
        ({"dueDate": "2001-01-01"}, "dueDate", "on or after"),
    ],
)
async def test_a_bad_new_item_is_a_user_error_naming_its_field(
    api: Api, fields: dict[str, Any], field: str, words: str
) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    given = {"assessmentId": assessment, "itemText": "Call the bank"} | fields
    payload = _payload(await post(api, ADD, {"input": given}, ann))  # escapes a lone surrogate
    [error] = payload["userErrors"]
    assert (payload["item"], error["field"], error["code"]) == (None, [field], "VALIDATION")
    assert words in error["message"]
    assert _stored(api, assessment) == []
    assert _trail(api, ann) == []


async def test_a_due_date_on_the_day_of_creation_is_fine_and_the_day_before_is_not(
    api: Api,
) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    created = datetime.fromisoformat((await _read(api, ann, assessment))["createdAt"])
    day = created.astimezone(UTC).date()
    item = await _add(api, ann, assessment, dueDate=day.isoformat())
    assert item["dueDate"] == day.isoformat()
    given = {"assessmentId": assessment, "itemText": "x", "dueDate": str(day - timedelta(days=1))}
    [error] = _payload(await api(ADD, {"input": given}, as_=ann))["userErrors"]
    assert error["field"] == ["dueDate"]
    assert day.isoformat() in error["message"]


# -- updating ----------------------------------------------------------------------------------


async def test_an_update_changes_what_it_names_and_null_clears(api: Api) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    due = (_today() + timedelta(days=10)).isoformat()
    item = await _add(api, ann, assessment, phaseCategory="BUILD", priority="LOW", dueDate=due)

    async def update(**fields: Any) -> dict[str, Any]:
        payload = _payload(await api(UPDATE, {"input": {"id": item["id"]} | fields}, as_=ann))
        assert payload["userErrors"] == [], payload
        changed: dict[str, Any] = payload["item"]
        return changed

    texted = await update(itemText="  Call the bank about the overdraft ")
    assert texted["itemText"] == "Call the bank about the overdraft"
    assert (texted["phaseCategory"], texted["priority"], texted["dueDate"]) == ("BUILD", "LOW", due)
    moved = await update(phaseCategory="GROW", priority="HIGH")
    assert (moved["phaseCategory"], moved["priority"], moved["dueDate"]) == ("GROW", "HIGH", due)
    cleared = await update(phaseCategory=None, dueDate=None)
    assert (cleared["phaseCategory"], cleared["priority"], cleared["dueDate"]) == (
        None,
        "HIGH",
        None,
    )
    last = await update(priority=None)
    assert (last["priority"], last["itemText"]) == (None, "Call the bank about the overdraft")
    # a change that changes nothing writes nothing and records nothing
    rows, trail = _stored(api, assessment), _trail(api, ann)
    same = await update(itemText="Call the bank about the overdraft", phaseCategory=None)
    assert same == last
    assert await update() == same
    assert (_stored(api, assessment), _trail(api, ann)) == (rows, trail)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"itemText": None}, "itemText", "cannot be cleared"),
        ({"itemText": " "}, "itemText", "must not be blank"),
        ({"itemText": "y" * 501}, "itemText", "at most 500 characters"),
        ({"itemText": "a\x00b"}, "itemText", "NUL character"),
        ({"itemText": "a\udfffb"}, "itemText", "lone surrogate"),
        ({"dueDate": "1999-12-31"}, "dueDate", "on or after"),
    ],
)
async def test_a_bad_change_is_a_user_error_naming_its_field(
    api: Api, fields: dict[str, Any], field: str, words: str
) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    item = await _add(api, ann, assessment)
    rows, trail = _stored(api, assessment), _trail(api, ann)
    payload = _payload(await post(api, UPDATE, {"input": {"id": item["id"]} | fields}, ann))
    [error] = payload["userErrors"]
    assert (payload["item"], error["field"], error["code"]) == (None, [field], "VALIDATION")
    assert words in error["message"]
    assert (_stored(api, assessment), _trail(api, ann)) == (rows, trail)


# -- done and not done -------------------------------------------------------------------------


async def test_marking_done_records_the_consultant_and_undoing_clears_it(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    item = (await _read(api, ann, done))["checklistItems"][0]

    async def mark(completed: bool) -> dict[str, Any]:
        given = {"input": {"id": item["id"], "completed": completed}}
        payload = _payload(await api(SET_DONE, given, as_=ann))
        assert payload["userErrors"] == [], payload
        marked: dict[str, Any] = payload["item"]
        return marked

    before = datetime.now(UTC)
    ticked = await mark(True)
    assert (ticked["isCompleted"], ticked["completedBy"]) == (True, "CONSULTANT")
    assert before - timedelta(seconds=5) <= datetime.fromisoformat(ticked["completedAt"])
    progress = (await _read(api, ann, done))["checklistProgress"]
    assert progress["completed"] == 1
    # done again: nothing changes, not even when or by whom
    assert await mark(True) == ticked
    assert [kind for kind, _, _ in _trail(api, ann)] == ["checklist.completed"]
    unticked = await mark(False)
    assert (unticked["isCompleted"], unticked["completedAt"], unticked["completedBy"]) == (
        False,
        None,
        None,
    )
    assert (await _read(api, ann, done))["checklistProgress"]["completed"] == 0
    assert await mark(False) == unticked
    assert [kind for kind, _, _ in _trail(api, ann)] == [
        "checklist.completed",
        "checklist.reopened",
    ]


async def test_an_item_the_client_ticked_stays_theirs_until_undone(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    item = (await _read(api, ann, done))["checklistItems"][0]
    execute(
        api.url,
        "UPDATE checklist_items SET is_completed = true, completed_at = now(),"
        " completed_by = 'client' WHERE id = :i",
        i=_raw(item["id"]),
    )
    given = {"input": {"id": item["id"], "completed": True}}
    kept = _payload(await api(SET_DONE, given, as_=ann))["item"]
    assert (kept["isCompleted"], kept["completedBy"]) == (True, "CLIENT")
    given = {"input": {"id": item["id"], "completed": False}}
    undone = _payload(await api(SET_DONE, given, as_=ann))["item"]
    assert (undone["isCompleted"], undone["completedBy"]) == (False, None)


# -- deleting ----------------------------------------------------------------------------------


async def test_a_deleted_item_is_never_shown_or_counted_again(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    read = await _read(api, ann, done)
    items, progress = read["checklistItems"], read["checklistProgress"]
    gone = items[1]
    deleted = _payload(await api(DELETE, {"id": gone["id"]}, as_=ann))
    assert deleted == {"ok": True, "userErrors": []}
    after = await _read(api, ann, done)
    assert [i["id"] for i in after["checklistItems"]] == [i["id"] for i in items if i != gone]
    assert after["checklistItems"][1]["itemOrder"] == items[2]["itemOrder"]  # others stay put
    assert after["checklistProgress"]["total"] == progress["total"] - 1
    phase = next(
        p for p in after["checklistProgress"]["byPhase"] if p["phase"] == gone["phaseCategory"]
    )
    was = next(p for p in progress["byPhase"] if p["phase"] == gone["phaseCategory"])
    assert phase["total"] == was["total"] - 1
    [(deleted_at,)] = query(
        api.url, "SELECT deleted_at FROM checklist_items WHERE id = :i", i=_raw(gone["id"])
    )
    assert deleted_at is not None
    node = await api(NODE, {"id": gone["id"]}, as_=ann)
    assert node["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # from then on it answers like an unknown item
    again = _payload(await api(DELETE, {"id": gone["id"]}, as_=ann))
    assert (again["ok"], [e["code"] for e in again["userErrors"]]) == (False, ["NOT_FOUND"])
    changed = _payload(await api(UPDATE, {"input": {"id": gone["id"], "itemText": "x"}}, as_=ann))
    assert [e["code"] for e in changed["userErrors"]] == ["NOT_FOUND"]


# -- reordering --------------------------------------------------------------------------------


async def test_reorder_puts_every_item_in_its_new_place(api: Api) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    a, b, c = [await _add(api, ann, assessment, itemText=t) for t in ("A", "B", "C")]
    gone = await _add(api, ann, assessment, itemText="Gone")
    await api(DELETE, {"id": gone["id"]}, as_=ann)
    given = {"input": {"assessmentId": assessment, "itemIds": [c["id"], a["id"], b["id"]]}}
    payload = _payload(await api(REORDER, given, as_=ann))
    assert payload == {
        "items": [
            {"id": c["id"], "itemOrder": 1},
            {"id": a["id"], "itemOrder": 2},
            {"id": b["id"], "itemOrder": 3},
        ],
        "userErrors": [],
    }
    listed = (await _read(api, ann, assessment))["checklistItems"]
    assert [(i["itemText"], i["itemOrder"]) for i in listed] == [("C", 1), ("A", 2), ("B", 3)]
    # a new item goes after them; the same order again writes and records nothing
    assert (await _add(api, ann, assessment, itemText="D"))["itemOrder"] == 4
    d = (await _read(api, ann, assessment))["checklistItems"][-1]
    rows, trail = _stored(api, assessment), _trail(api, ann)
    same = {"assessmentId": assessment, "itemIds": [c["id"], a["id"], b["id"], d["id"]]}
    unchanged = _payload(await api(REORDER, {"input": same}, as_=ann))
    assert [i["itemOrder"] for i in unchanged["items"]] == [1, 2, 3, 4]
    assert (_stored(api, assessment), _trail(api, ann)) == (rows, trail)


async def test_an_order_that_is_not_the_whole_list_says_which_items_are_wrong(api: Api) -> None:
    ann = api.account()
    assessment, other = await _new_assessment(api, ann), await _new_assessment(api, ann)
    a, b, c = [await _add(api, ann, assessment, itemText=t) for t in ("A", "B", "C")]
    gone = await _add(api, ann, assessment, itemText="Gone")
    await api(DELETE, {"id": gone["id"]}, as_=ann)
    elsewhere = await _add(api, ann, other, itemText="Elsewhere")
    stranger = to_global_id("ChecklistItem", uuid4())
    rows, trail = _stored(api, assessment), _trail(api, ann)

    async def refused(ids: list[str]) -> str:
        given = {"input": {"assessmentId": assessment, "itemIds": ids}}
        payload = _payload(await api(REORDER, given, as_=ann))
        [error] = payload["userErrors"]
        assert (payload["items"], error["field"], error["code"]) == ([], ["itemIds"], "VALIDATION")
        message: str = error["message"]
        return message

    missing = await refused([a["id"], c["id"]])
    assert f"missing: {b['id']}" in missing
    assert "not one of its items" not in missing
    assert "repeated" not in missing
    extra = await refused([a["id"], b["id"], c["id"], gone["id"], elsewhere["id"], stranger])
    assert f"not one of its items: {gone['id']}, {elsewhere['id']}, {stranger}" in extra
    assert "missing" not in extra
    assert "repeated" not in extra
    repeated = await refused([a["id"], b["id"], c["id"], b["id"], b["id"]])
    assert f"repeated: {b['id']}" in repeated
    assert repeated.count(b["id"]) == 1
    everything = await refused([c["id"], c["id"], "not-an-id", assessment, b["id"]])
    assert f"missing: {a['id']}" in everything
    assert f"not one of its items: not-an-id, {assessment}" in everything
    assert f"repeated: {c['id']}" in everything
    assert f"missing: {a['id']}, {b['id']}, {c['id']}" in await refused([])
    assert (_stored(api, assessment), _trail(api, ann)) == (rows, trail)


async def test_reordering_an_empty_checklist_into_nothing_is_fine(api: Api) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    given = {"input": {"assessmentId": assessment, "itemIds": []}}
    assert _payload(await api(REORDER, given, as_=ann)) == {"items": [], "userErrors": []}
    assert _trail(api, ann) == []


# -- who may do what ---------------------------------------------------------------------------


async def _every_change(api: Api, who: Account, item: str, assessment: str) -> list[Any]:
    """What each mutation answers `who` for this item (and assessment)."""
    calls: list[tuple[str, dict[str, Any]]] = [
        (ADD, {"input": {"assessmentId": assessment, "itemText": "x"}}),
        (UPDATE, {"input": {"id": item, "itemText": "x"}}),
        (SET_DONE, {"input": {"id": item, "completed": True}}),
        (REORDER, {"input": {"assessmentId": assessment, "itemIds": [item]}}),
        (DELETE, {"id": item}),
    ]
    return [_payload(await api(document, variables, as_=who)) for document, variables in calls]


async def test_another_consultants_item_is_not_found_exactly_like_a_missing_one(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    assessment = await _new_assessment(api, ann)
    item = await _add(api, ann, assessment)
    rows = _stored(api, assessment)
    theirs = await _every_change(api, bob, item["id"], assessment)
    nothing = await _every_change(
        api, bob, to_global_id("ChecklistItem", uuid4()), to_global_id("Assessment", uuid4())
    )
    malformed = await _every_change(api, bob, "bm90LWFuLWlk", "bm90LWFuLWlk")
    assert theirs == nothing == malformed
    add, update, mark, reorder, delete = theirs
    assert add == {
        "item": None,
        "userErrors": [
            {"field": ["assessmentId"], "code": "NOT_FOUND", "message": "no such assessment"}
        ],
    }
    missing_item = [{"field": ["id"], "code": "NOT_FOUND", "message": "no such checklist item"}]
    assert update == mark == {"item": None, "userErrors": missing_item}
    assert delete == {"ok": False, "userErrors": missing_item}
    assert reorder == {
        "items": [],
        "userErrors": [
            {"field": ["assessmentId"], "code": "NOT_FOUND", "message": "no such assessment"}
        ],
    }
    assert _stored(api, assessment) == rows
    assert _trail(api, bob) == []
    # an administrator reaches every assessment, and changes its checklist
    by_admin = await _every_change(api, admin, item["id"], assessment)
    assert [[e["field"] for e in payload["userErrors"]] for payload in by_admin] == [
        [],
        [],
        [],
        [["itemIds"]],  # the item it added is missing from the order
        [],
    ]


ANONYMOUS_CALLS = [
    (ADD, lambda item, assessment: {"input": {"assessmentId": assessment, "itemText": "x"}}),
    (UPDATE, lambda item, assessment: {"input": {"id": item, "itemText": "x"}}),
    (DELETE, lambda item, assessment: {"id": item}),
    (SET_DONE, lambda item, assessment: {"input": {"id": item, "completed": True}}),
    (REORDER, lambda item, assessment: {"input": {"assessmentId": assessment, "itemIds": [item]}}),
]


@pytest.mark.parametrize(
    ("document", "variables"), ANONYMOUS_CALLS, ids=["add", "update", "delete", "set", "reorder"]
)
async def test_anonymous_callers_must_sign_in(api: Api, document: str, variables: Any) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    item = await _add(api, ann, assessment)
    rows = _stored(api, assessment)
    result = await api(document, variables(item["id"], assessment))
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert result["data"] is None
    assert _stored(api, assessment) == rows


async def test_an_archived_assessments_checklist_refuses_every_change(api: Api) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    item = (await _read(api, ann, done))["checklistItems"][0]
    assert _payload(await api(ARCHIVE, {"id": done}, as_=ann))["userErrors"] == []
    rows, trail = _stored(api, done), _trail(api, ann)
    answers = await _every_change(api, ann, item["id"], done)
    for payload in answers:
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == ("ARCHIVED", None), payload
        assert "archived" in error["message"]
    assert (_stored(api, done), _trail(api, ann)) == (rows, trail)


# -- the audit trail ---------------------------------------------------------------------------


async def test_every_change_is_in_the_audit_log_with_old_and_new_values(api: Api) -> None:
    ann = api.account()
    assessment = await _new_assessment(api, ann)
    due = (_today() + timedelta(days=5)).isoformat()
    a = await _add(api, ann, assessment, itemText="Call the bank", priority="HIGH", dueDate=due)
    b = await _add(api, ann, assessment, itemText="File the receipts")
    update = {"id": a["id"], "itemText": "Call the bank today", "dueDate": None, "priority": "HIGH"}
    await api(UPDATE, {"input": update}, as_=ann)
    ticked = _payload(await api(SET_DONE, {"input": {"id": b["id"], "completed": True}}, as_=ann))
    await api(SET_DONE, {"input": {"id": b["id"], "completed": False}}, as_=ann)
    reorder = {"assessmentId": assessment, "itemIds": [b["id"], a["id"]]}
    await api(REORDER, {"input": reorder}, as_=ann)
    await api(DELETE, {"id": a["id"]}, as_=ann)
    trail = _trail(api, ann)
    assert [(kind, category) for kind, category, _ in trail] == [
        ("checklist.added", "assessment"),
        ("checklist.added", "assessment"),
        ("checklist.updated", "assessment"),
        ("checklist.completed", "assessment"),
        ("checklist.reopened", "assessment"),
        ("checklist.reordered", "assessment"),
        ("checklist.deleted", "assessment"),
    ]
    raw_assessment = str(expect_id(assessment, "Assessment"))
    assert all(meta["assessment_id"] == raw_assessment for _, _, meta in trail)
    added, _, updated, completed, reopened, reordered, deleted = (m for _, _, m in trail)
    assert added == {
        "assessment_id": raw_assessment,
        "item_id": _raw(a["id"]),
        "old": None,
        "new": {
            "item_text": "Call the bank",
            "phase_category": None,
            "priority": "high",
            "due_date": due,
            "item_order": 1,
        },
    }
    # only what changed: both texts, the due date cleared
    assert (updated["item_id"], updated["old"], updated["new"]) == (
        _raw(a["id"]),
        {"item_text": "Call the bank", "due_date": due},
        {"item_text": "Call the bank today", "due_date": None},
    )
    unmarked = {"is_completed": False, "completed_at": None, "completed_by": None}
    assert (completed["item_id"], completed["old"]) == (_raw(b["id"]), unmarked)
    marked = completed["new"]
    assert (marked["is_completed"], marked["completed_by"]) == (True, "consultant")
    assert datetime.fromisoformat(marked["completed_at"]) == datetime.fromisoformat(
        ticked["item"]["completedAt"]
    )
    assert (reopened["old"], reopened["new"]) == (completed["new"], unmarked)
    assert (reordered["old"], reordered["new"]) == (
        [_raw(a["id"]), _raw(b["id"])],
        [_raw(b["id"]), _raw(a["id"])],
    )
    assert "item_id" not in reordered
    assert (deleted["item_id"], deleted["new"]) == (_raw(a["id"]), None)
    assert deleted["old"] == {
        "item_text": "Call the bank today",
        "phase_category": None,
        "priority": "high",
        "due_date": None,
        "item_order": 2,
        **unmarked,
    }


# -- the generated plan's due dates ------------------------------------------------------------


async def test_the_generated_plan_is_due_within_each_recommendations_time_frame(
    api: Api,
) -> None:
    ann = api.account()
    done = await completed_assessment(api, ann)
    read = await _read(api, ann, done)
    completed_on = datetime.fromisoformat(read["completedAt"]).astimezone(UTC).date()
    items = read["checklistItems"]
    # the plan the domain makes for the same answers, from the same day
    bank = load_bank()
    sheet = STORY.sheet()
    phases = score(bank.questions, sheet).phases
    applied = applicable(
        bank.recommendations, bank.questions, sheet, phases.primary, phases.secondary
    )
    plan = checklist(applied, phases.primary, phases.secondary, due_from=completed_on)
    assert [(i["itemText"], i["dueDate"]) for i in items] == [
        (d.text, d.due_date.isoformat() if d.due_date else None) for d in plan
    ]
    ends = {
        "quick_win": completed_on + timedelta(days=28),
        "strategic": add_months(completed_on, 6),
        "long_term": add_months(completed_on, 12),
    }
    by_frame: dict[str, list[date]] = {}
    for item, draft in zip(items, plan, strict=True):
        due = date.fromisoformat(item["dueDate"])
        assert completed_on <= due <= ends[draft.category.value], (item, draft.category)
        by_frame.setdefault(draft.category.value, []).append(due)
    assert len(by_frame) >= 2, by_frame
    for frame, dates in by_frame.items():
        assert dates == sorted(dates)
        assert dates[-1] == ends[frame]  # the last of a frame falls on its end
