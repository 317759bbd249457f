"""Who may reach what, over every query and mutation that takes an id (API.md "Roles").

Consultant A owns a completed assessment (answers, results, checklist, a report) and one in
progress. Consultant B, who owns nothing of it, gets NOT_FOUND everywhere, exactly as for an
object that does not exist, and A's rows are byte for byte the same afterwards. Anonymous
callers get UNAUTHENTICATED, consultants FORBIDDEN on administrator operations, and an
administrator reaches all of it (booking links to read only: their consultant alone changes
them, and an administrator's change answers NOT_FOUND too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest

from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api
from tests.api.test_assessments_api import COMPLETE, CREATE, SAVE, _input, _responses
from tests.database import execute, query
from tests.unit.test_client_stories import STORIES


@dataclass(frozen=True)
class World:
    owner: Account
    completed: str  # global ids
    in_progress: str
    response: str
    report: str
    checklist_item: str
    activity: str
    scheduler_link: str
    checklist: tuple[str, ...]  # the completed assessment's items, in order

    @property
    def owner_id(self) -> str:
        return to_global_id("User", self.owner.id)


async def _world(api: Api) -> World:
    ann = api.account()
    story = next(iter(STORIES.values()))[0]
    ids = []
    for _ in range(2):
        created = await api(CREATE, {"input": _input()}, as_=ann)
        ids.append(created["data"]["createAssessment"]["assessment"]["id"])
    done, going = ids
    items = _responses(story.sheet())
    saved = await api(SAVE, {"input": {"assessmentId": done, "responses": items}}, as_=ann)
    assert saved["data"]["saveResponses"]["userErrors"] == []
    completed = await api(COMPLETE, {"id": done}, as_=ann)
    assert completed["data"]["completeAssessment"]["userErrors"] == []
    await api(SAVE, {"input": {"assessmentId": going, "responses": items[:3]}}, as_=ann)

    def one(sql: str) -> UUID:
        [(found,)] = query(api.url, sql, owner=ann.id)
        return UUID(str(found))

    [(report_id,)] = execute(
        api.url,
        "INSERT INTO reports (assessment_id, report_type, file_url, generated_by) "
        "SELECT a.id, 'client', 'reports/x.pdf', a.consultant_id FROM assessments a "
        "WHERE a.consultant_id = :owner AND a.status = 'completed' RETURNING id",
        owner=ann.id,
    )
    made = await api(
        'mutation { createSchedulerLink(input: {meetingTypeLabel: "Intro call", '
        'schedulerUrl: "https://cal.example.com/intro"}) { link { id } } }',
        as_=ann,
    )
    done_key = "a.consultant_id = :owner AND a.status = 'completed'"
    return World(
        owner=ann,
        completed=done,
        in_progress=going,
        response=to_global_id(
            "Response",
            one(f"SELECT r.id FROM responses r JOIN assessments a ON a.id = r.assessment_id "
                f"WHERE {done_key} LIMIT 1"),
        ),
        report=to_global_id("Report", report_id),
        checklist_item=to_global_id(
            "ChecklistItem",
            one(f"SELECT c.id FROM checklist_items c JOIN assessments a "
                f"ON a.id = c.assessment_id WHERE {done_key} LIMIT 1"),
        ),
        activity=to_global_id(
            "ActivityLog", one("SELECT id FROM activity_logs WHERE user_id = :owner LIMIT 1")
        ),
        scheduler_link=made["data"]["createSchedulerLink"]["link"]["id"],
        checklist=tuple(
            to_global_id("ChecklistItem", row[0])
            for row in query(
                api.url,
                f"SELECT c.id FROM checklist_items c JOIN assessments a "
                f"ON a.id = c.assessment_id WHERE {done_key} ORDER BY c.item_order",
                owner=ann.id,
            )
        ),
    )  # fmt: skip


def _snapshot(api: Api, owner: UUID) -> list[Any]:
    """Every row of the owner's, in full."""
    theirs = "t.assessment_id IN (SELECT id FROM assessments WHERE consultant_id = :owner)"
    tables = {
        "users": "t.id = :owner",
        "assessments": "t.consultant_id = :owner",
        "scheduler_links": "t.consultant_id = :owner",
        **dict.fromkeys(
            [
                "responses",
                "disc_profiles",
                "phase_results",
                "checklist_items",
                "reports",
                "email_messages",
            ],
            theirs,
        ),
    }
    rows: list[Any] = []
    for table, where in tables.items():
        rows += query(
            api.url,
            f"SELECT to_jsonb(t)::text FROM {table} t WHERE {where} ORDER BY id",
            owner=owner,
        )
    return rows


# (name, operation, variables from the world). Each names one object of A's by id.
OWNED: list[tuple[str, str, Any]] = [
    ("assessment", "query($id: ID!) { assessment(id: $id) { id } }", lambda w: {"id": w.completed}),
    *[
        (
            f"node({kind})",
            "query($id: ID!) { node(id: $id) { id } }",
            lambda w, attr=attr: {"id": getattr(w, attr)},
        )
        for kind, attr in [
            ("Assessment", "completed"),
            ("Response", "response"),
            ("Report", "report"),
            ("ChecklistItem", "checklist_item"),
            ("ActivityLog", "activity"),
            ("User", "owner_id"),
            ("SchedulerLink", "scheduler_link"),
        ]
    ],
    (
        "updateAssessment",
        "mutation($input: UpdateAssessmentInput!) { updateAssessment(input: $input) {"
        " assessment { id } userErrors { code } } }",
        lambda w: {"input": {"id": w.in_progress, "clientName": "Changed by someone else"}},
    ),
    (
        "deleteAssessment",
        "mutation($id: ID!) { deleteAssessment(id: $id) { ok userErrors { code } } }",
        lambda w: {"id": w.in_progress},
    ),
    (
        "archiveAssessment",
        "mutation($id: ID!) { archiveAssessment(id: $id) {"
        " assessment { id } userErrors { code } } }",
        lambda w: {"id": w.completed},
    ),
    (
        "unarchiveAssessment",
        "mutation($id: ID!) { unarchiveAssessment(id: $id) {"
        " assessment { id } userErrors { code } } }",
        lambda w: {"id": w.completed},
    ),
    (
        "assessmentStats",
        "query($id: ID) { assessmentStats(consultantId: $id) { total } }",
        lambda w: {"id": w.owner_id},
    ),
    (
        "saveResponses",
        SAVE,
        lambda w: {
            "input": {
                "assessmentId": w.in_progress,
                "responses": _responses(next(iter(STORIES.values()))[0].sheet())[:2],
            }
        },
    ),
    ("completeAssessment", COMPLETE, lambda w: {"id": w.in_progress}),
    (
        "recalculateAssessment",
        "mutation($id: ID!) { recalculateAssessment(id: $id) {"
        " assessment { id } userErrors { code } } }",
        lambda w: {"id": w.completed},
    ),
    (
        "markSectionNotApplicable",
        "mutation($input: MarkSectionNotApplicableInput!) { markSectionNotApplicable("
        "input: $input) { assessment { id } userErrors { code } } }",
        lambda w: {"input": {"assessmentId": w.in_progress, "section": "GROW"}},
    ),
    (
        "updateSchedulerLink",
        "mutation($input: UpdateSchedulerLinkInput!) { updateSchedulerLink(input: $input) {"
        " link { id } userErrors { code } } }",
        lambda w: {"input": {"id": w.scheduler_link, "meetingTypeLabel": "Changed by another"}},
    ),
    (
        "deleteSchedulerLink",
        "mutation($id: ID!) { deleteSchedulerLink(id: $id) { ok userErrors { code } } }",
        lambda w: {"id": w.scheduler_link},
    ),
    (
        "addChecklistItem",
        "mutation($input: AddChecklistItemInput!) { addChecklistItem(input: $input) {"
        " item { id } userErrors { code } } }",
        lambda w: {"input": {"assessmentId": w.completed, "itemText": "Added by another"}},
    ),
    (
        "updateChecklistItem",
        "mutation($input: UpdateChecklistItemInput!) { updateChecklistItem(input: $input) {"
        " item { id } userErrors { code } } }",
        lambda w: {"input": {"id": w.checklist_item, "itemText": "Changed by another"}},
    ),
    (
        "setChecklistItemCompleted",
        "mutation($input: SetChecklistItemCompletedInput!) {"
        " setChecklistItemCompleted(input: $input) { item { id } userErrors { code } } }",
        lambda w: {"input": {"id": w.checklist_item, "completed": True}},
    ),
    (
        "reorderChecklist",
        "mutation($input: ReorderChecklistInput!) { reorderChecklist(input: $input) {"
        " items { id } userErrors { code } } }",
        lambda w: {"input": {"assessmentId": w.completed, "itemIds": list(w.checklist[::-1])}},
    ),
    (
        "deleteChecklistItem",
        "mutation($id: ID!) { deleteChecklistItem(id: $id) { ok userErrors { code } } }",
        lambda w: {"id": w.checklist_item},
    ),
    (
        "generateReports",
        "mutation($id: ID!) { generateReports(input: {assessmentId: $id}) {"
        " reports { id } userErrors { code } } }",
        lambda w: {"id": w.completed},
    ),
    (
        "shareReport",
        "mutation($id: ID!) { shareReport(input: {reportId: $id}) {"
        " report { id } userErrors { code } } }",
        lambda w: {"id": w.report},
    ),
    (
        "revokeReportShare",
        "mutation($id: ID!) { revokeReportShare(reportId: $id) {"
        " report { id } userErrors { code } } }",
        lambda w: {"id": w.report},
    ),
    (
        "sendAssessmentInvitation",
        "mutation($id: ID!) { sendAssessmentInvitation(input: {assessmentId: $id}) {"
        " message { id } userErrors { code } } }",
        lambda w: {"id": w.completed},
    ),
    (
        "sendReportToClient",
        "mutation($id: ID!) { sendReportToClient(input: {reportId: $id}) {"
        " message { id } userErrors { code } } }",
        lambda w: {"id": w.report},
    ),
    (
        "eraseClient",
        "mutation($input: EraseClientInput!) { eraseClient(input: $input) {"
        " assessments userErrors { code } } }",
        lambda w: {"input": {"email": _input()["clientEmail"], "consultantId": w.owner_id}},
    ),
]

ADMIN_ONLY: list[tuple[str, str, Any]] = [
    ("users", "{ users { totalCount } }", lambda w: {}),
    ("activityLogs", "{ activityLogs { totalCount } }", lambda w: {}),
    (
        "createUser",
        "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }",
        lambda w: {
            "input": {
                "email": f"new-{uuid4().hex[:8]}@example.com",
                "password": "Correct-Horse-9-Battery",
                "firstName": "New",
                "lastName": "Admin",
                "role": "ADMIN",
            }
        },
    ),
    (
        "updateUser",
        "mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id } } }",
        lambda w: {"input": {"id": w.owner_id, "isActive": False}},
    ),
    (
        "unlockUser",
        "mutation($id: ID!) { unlockUser(id: $id) { user { id } } }",
        lambda w: {"id": w.owner_id},
    ),
    (
        "deleteUser",
        "mutation($id: ID!) { deleteUser(id: $id) { assessments userErrors { code } } }",
        lambda w: {"id": w.owner_id},
    ),
]


def _codes(result: dict[str, Any]) -> list[str]:
    """Top-level error codes, then the codes of the payload's user errors."""
    codes = [e["extensions"]["code"] for e in result.get("errors", [])]
    for payload in (result.get("data") or {}).values():
        if isinstance(payload, dict):
            codes += [e["code"] for e in payload.get("userErrors", [])]
    return codes


def _nothing(result: dict[str, Any]) -> bool:
    """No object came back: a null field, or a payload with no object and ok false."""
    data = result.get("data")
    if data is None:
        return True
    [value] = data.values()
    if value is None:
        return True
    return all(v in (None, False, []) for k, v in value.items() if k != "userErrors")


async def test_another_consultant_finds_nothing_and_changes_nothing(api: Api) -> None:
    world = ids = await _world(api)
    bob = api.account()
    before = _snapshot(api, world.owner.id)
    for name, operation, variables in OWNED:
        result = await api(operation, variables(ids), as_=bob)
        assert _codes(result) == ["NOT_FOUND"], (name, result)
        assert _nothing(result), (name, result)
        # ... exactly as for an id that names nothing at all
        missing = await api(operation, _with_missing_ids(variables(ids)), as_=bob)
        assert _codes(missing) == ["NOT_FOUND"], (name, missing)
    assert _snapshot(api, world.owner.id) == before


def _with_missing_ids(variables: Any) -> Any:
    """The same variables with every global id swapped for one of the same type naming nothing."""
    if isinstance(variables, dict):
        return {k: _with_missing_ids(v) for k, v in variables.items()}
    if isinstance(variables, list):
        return [_with_missing_ids(v) for v in variables]
    if not isinstance(variables, str):
        return variables  # a number or a flag
    kinds = ("Assessment", "Response", "Report", "ChecklistItem", "ActivityLog", "User")
    for kind in (*kinds, "SchedulerLink"):
        try:
            expect_id(variables, kind)
        except ValueError:
            continue
        return to_global_id(kind, uuid4())
    return variables


async def test_anonymous_callers_must_sign_in_everywhere(api: Api) -> None:
    ids = await _world(api)
    for name, operation, variables in OWNED + ADMIN_ONLY:
        result = await api(operation, variables(ids))
        assert _codes(result) == ["UNAUTHENTICATED"], (name, result)
        assert _nothing(result), (name, result)


async def test_consultants_are_forbidden_administrator_operations(api: Api) -> None:
    world = ids = await _world(api)
    before = _snapshot(api, world.owner.id)
    for name, operation, variables in ADMIN_ONLY:
        result = await api(operation, variables(ids), as_=world.owner)
        assert _codes(result) == ["FORBIDDEN"], (name, result)
        assert _nothing(result), (name, result)
    assert _snapshot(api, world.owner.id) == before


# User errors an operation reports while it succeeds: markSectionNotApplicable names each
# question of the section that cannot be N/A.
REPORTED = {"markSectionNotApplicable": {"VALIDATION"}}

# A consultant's booking links are changed by that consultant alone; administrators read them.
OWNER_ONLY = {"updateSchedulerLink", "deleteSchedulerLink"}


@pytest.mark.parametrize(
    "name", [n for n, *_ in OWNED if not n.endswith("Assessment") and n not in OWNER_ONLY]
)
async def test_an_administrator_reaches_everything(api: Api, name: str) -> None:
    ids = await _world(api)
    admin = api.account("admin")
    _, operation, variables = next(case for case in OWNED if case[0] == name)
    result = await api(operation, variables(ids), as_=admin)
    assert set(_codes(result)) <= REPORTED.get(name, set()), (name, result)
    assert not _nothing(result), (name, result)


@pytest.mark.parametrize("name", sorted(OWNER_ONLY))
async def test_an_administrator_changes_no_one_elses_links(api: Api, name: str) -> None:
    world = ids = await _world(api)
    admin = api.account("admin")
    before = _snapshot(api, world.owner.id)
    _, operation, variables = next(case for case in OWNED if case[0] == name)
    result = await api(operation, variables(ids), as_=admin)
    assert _codes(result) == ["NOT_FOUND"], (name, result)
    assert _nothing(result), (name, result)
    assert _snapshot(api, world.owner.id) == before


async def test_no_path_through_a_report_author_to_their_assessments(api: Api) -> None:
    """An admin's report on a consultant's assessment names the admin as its author; the
    consultant sees no author, and no other user's assessments by any path."""
    world = await _world(api)
    admin = api.account("admin")
    await api(CREATE, {"input": _input(clientBusinessName="Admin Secret Co")}, as_=admin)
    generated = await api(
        "mutation($id: ID!) { generateReports(input: {assessmentId: $id, types: [CLIENT]}) {"
        " reports { generatedBy { email } } } }",
        {"id": world.completed},
        as_=admin,
    )
    assert generated["data"]["generateReports"]["reports"] == [
        {"generatedBy": {"email": admin.email}}
    ]
    seen = await api(
        "query($id: ID!) { assessment(id: $id) { reports { generatedBy { email"
        " assessments { totalCount edges { node { clientBusinessName } } } } } } }",
        {"id": world.completed},
        as_=world.owner,
    )
    assert "Admin Secret Co" not in str(seen)
    authors = [r["generatedBy"] for r in seen["data"]["assessment"]["reports"]]
    assert None in authors
    # someone else's User object reached any other way lists nothing either
    other = await api(
        "query($id: ID!) { node(id: $id) { ... on User { assessments { totalCount } } } }",
        {"id": to_global_id("User", admin.id)},
        as_=world.owner,
    )
    assert _codes(other) == ["NOT_FOUND"]


async def test_signing_in_shows_your_own_assessments_at_once(api: Api) -> None:
    registered = await api(
        "mutation($input: RegisterInput!) { register(input: $input) {"
        " user { assessments { totalCount } } userErrors { code } } }",
        {
            "input": {
                "email": f"new-{uuid4().hex[:8]}@example.com",
                "password": "Correct-Horse-9-Battery",
                "firstName": "New",
                "lastName": "Person",
            }
        },
    )
    assert registered["data"]["register"]["user"] == {"assessments": {"totalCount": 0}}
