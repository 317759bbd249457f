"""The client's own view through their share link: `clientView(token)` and
`completeChecklistItemAsClient`. Tokens that open nothing, items that are not the token's,
archived assessments, the rate limit, the audit trail with the client's address, the whole
flow from completion to the consultant seeing the client's ticks, and a walk over every
field reachable from `clientView` proving it free of style data and consultant notes."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    Undefined,
    build_client_schema,
    build_schema,
    get_introspection_query,
    get_named_type,
)
from pydantic import SecretStr
from starlette.applications import Starlette

from domain.bank import load_bank
from server.app import create_app
from server.graphql.ids import expect_id, to_global_id
from server.settings import Settings
from tests.api.conftest import SUITE_ADDRESS, Account, Api, roomy_rules
from tests.api.flows import completed_assessment
from tests.api.test_archive_api import ARCHIVE, DELETE, UNARCHIVE
from tests.api.test_reports_api import GENERATE, REVOKE, SHARE
from tests.api.test_text_inputs import post
from tests.builders import unique_address
from tests.database import execute, query
from tests.unit.test_contract import SCHEMA_FILE

VIEW = """query($t: String!) { clientView(token: $t) {
  clientName businessName preparedBy brandColor logoUrl primaryPhase
  checklist { id itemText itemOrder phaseCategory isCompleted completedBy completedAt }
  checklistProgress { total completed percentage byPhase { phase total completed } }
  bookingLinks { id meetingTypeLabel schedulerUrl durationMinutes }
  reportUrl expiresAt } }"""
TICK = """
mutation($t: String!, $i: ID!, $c: Boolean!) {
  completeChecklistItemAsClient(token: $t, itemId: $i, completed: $c) {
    item { id isCompleted completedBy completedAt } userErrors { field code message } } }"""
CONSULTANT_READ = """query($id: ID!) { assessment(id: $id) {
  clientName phaseResult { primaryPhase }
  checklistItems { id itemText isCompleted completedBy }
  checklistProgress { total completed percentage }
  reports { id viewCount } } }"""
SETTINGS = """mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) {
  settings { companyName } userErrors { code } } }"""
LINK = """mutation($input: CreateSchedulerLinkInput!) { createSchedulerLink(input: $input) {
  link { id } userErrors { code } } }"""
PUBLIC_URL = "http://127.0.0.1:8000"  # the development default, which the tests' apps keep


@dataclass(frozen=True)
class Share:
    owner: Account
    assessment_id: str  # a global id
    report_id: str
    token: str

    @property
    def key(self) -> UUID:
        return expect_id(self.assessment_id, "Assessment")


async def _share(api: Api, owner: Account | None = None, **details: Any) -> Share:
    """A completed assessment of `owner`'s whose client report is shared. The report's row
    is written directly (its file is not needed by the view); sharing goes through the API."""
    owner = owner or api.account()
    assessment_id = await completed_assessment(api, owner, **details)
    [(report,)] = execute(
        api.url,
        "INSERT INTO reports (assessment_id, report_type, file_url, generated_by) "
        "VALUES (:a, 'client', 'reports/none.pdf', :u) RETURNING id",
        a=expect_id(assessment_id, "Assessment"),
        u=owner.id,
    )
    report_id = str(to_global_id("Report", report))
    return Share(owner, assessment_id, report_id, await _token(api, owner, report_id))


async def _token(api: Api, owner: Account, report_id: str) -> str:
    shared = (await api(SHARE, {"id": report_id, "days": 7}, as_=owner))["data"]["shareReport"]
    assert shared["userErrors"] == [], shared
    token: str = shared["report"]["shareUrl"].removeprefix("/shared/")
    return token


async def _view(api: Api, token: str, as_: Account | None = None) -> Any:
    result = await post(api, VIEW, {"t": token}, as_)  # ASCII escapes: any token travels
    assert "errors" not in result, result
    return result["data"]["clientView"]


async def _tick(api: Api, token: str, item: str, completed: bool = True) -> Any:
    result = await post(api, TICK, {"t": token, "i": item, "c": completed}, None)
    assert "errors" not in result, result
    return result["data"]["completeChecklistItemAsClient"]


async def _consultant(api: Api, share: Share) -> Any:
    read = await api(CONSULTANT_READ, {"id": share.assessment_id}, as_=share.owner)
    return read["data"]["assessment"]


def _marks(api: Api, assessment: UUID) -> list[Any]:
    return query(
        api.url,
        "SELECT id, is_completed, completed_by, completed_at, updated_at FROM checklist_items "
        "WHERE assessment_id = :a ORDER BY id",
        a=assessment,
    )


# -- what the client sees ---------------------------------------------------------------------


async def test_the_client_sees_their_business_branding_phase_checklist_links_and_report(
    api: Api,
) -> None:
    owner = api.account()
    branded = {"companyName": "Ledger & Co", "brandColor": "#1f4e79"}
    assert (await api(SETTINGS, {"input": branded}, as_=owner))["data"]["updateSettings"][
        "userErrors"
    ] == []
    share = await _share(api, owner, clientName="Ada Byron", clientBusinessName="Byron Mills")
    consultant = await _consultant(api, share)
    primary = consultant["phaseResult"]["primaryPhase"]
    other = next(p for p in ("STABILIZE", "ORGANIZE", "BUILD") if p != primary)
    for label, phases, active in [
        ("Intro", [other], True),
        ("Focus call", [primary], True),
        ("Old focus call", [primary], False),
        ("Deep dive", [primary, other], True),
    ]:
        made = await api(
            LINK,
            {
                "input": {
                    "meetingTypeLabel": label,
                    "schedulerUrl": f"https://cal.example.com/{label.replace(' ', '-')}",
                    "durationMinutes": 30,
                    "recommendedForPhases": phases,
                    "isActive": active,
                }
            },
            as_=owner,
        )
        assert made["data"]["createSchedulerLink"]["userErrors"] == []

    view = await _view(api, share.token)
    assert view["clientName"] == "Ada Byron"
    assert view["businessName"] == "Byron Mills"
    assert view["preparedBy"] == "Ledger & Co"
    assert (view["brandColor"], view["logoUrl"]) == ("#1F4E79", None)
    assert view["primaryPhase"] == primary
    assert [i["id"] for i in view["checklist"]] == [i["id"] for i in consultant["checklistItems"]]
    orders = [i["itemOrder"] for i in view["checklist"]]
    assert orders == sorted(orders)
    assert len(orders) > 5
    assert view["checklistProgress"]["total"] == len(orders)
    assert view["checklistProgress"]["completed"] == 0
    # Active links recommended for the primary phase, in display order; never an inactive one.
    assert [link["meetingTypeLabel"] for link in view["bookingLinks"]] == [
        "Focus call",
        "Deep dive",
    ]
    assert view["reportUrl"] == f"{PUBLIC_URL}/shared/{share.token}"
    [(expires,)] = query(
        api.url,
        "SELECT share_expires_at FROM reports WHERE id = :r",
        r=expect_id(share.report_id, "Report"),
    )
    assert view["expiresAt"] == expires.isoformat()
    # The view is not a reading of the PDF: the report's view count stays as it was.
    assert [r["viewCount"] for r in (await _consultant(api, share))["reports"]] == [0]
    # Signed in or not, anyone holding the token gets the same.
    assert await _view(api, share.token, as_=api.account()) == view
    assert await _view(api, share.token, as_=owner) == view


async def test_without_a_company_name_the_view_is_prepared_by_the_consultant(api: Api) -> None:
    share = await _share(api)
    view = await _view(api, share.token)
    assert view["preparedBy"] == "Test User"  # Api.account's first and last name
    assert (view["brandColor"], view["logoUrl"]) == (None, None)
    # Without a link recommended for the phase: the first two active ones.
    for label in ("One", "Two", "Three"):
        link = {"meetingTypeLabel": label, "schedulerUrl": f"https://cal.example.com/{label}"}
        await api(LINK, {"input": link}, as_=share.owner)
    view = await _view(api, share.token)
    assert [link["meetingTypeLabel"] for link in view["bookingLinks"]] == ["One", "Two"]


# -- tokens that open nothing -----------------------------------------------------------------


def _unknown_item(payload: Any) -> bool:
    return payload == {
        "item": None,
        "userErrors": [
            {"field": ["itemId"], "code": "NOT_FOUND", "message": "no such checklist item"}
        ],
    }


async def _first_item(api: Api, share: Share) -> str:
    item: str = (await _consultant(api, share))["checklistItems"][0]["id"]
    return item


async def test_a_token_that_opens_nothing_is_null_and_changes_nothing(api: Api) -> None:
    revoked, expired, deleted, live = [await _share(api) for _ in range(4)]
    assert (await api(REVOKE, {"id": revoked.report_id}, as_=revoked.owner))["data"]
    execute(
        api.url,
        "UPDATE reports SET share_expires_at = now() - interval '1 second' WHERE id = :r",
        r=expect_id(expired.report_id, "Report"),
    )
    gone = await api(DELETE, {"id": deleted.assessment_id}, as_=deleted.owner)
    assert gone["data"]["deleteAssessment"]["ok"] is True
    replaced = live.token
    await _token(api, live.owner, live.report_id)  # sharing again replaces the link

    tokens = {
        "unknown": secrets.token_urlsafe(32),
        "revoked": revoked.token,
        "expired": expired.token,
        "deleted": deleted.token,
        "replaced": replaced,
        "empty": "",
        "short": "abc",
        "long": "a" * 5_000,
        "NUL": revoked.token[:20] + "\x00" + revoked.token[20:],
        "lone surrogate": "\ud800" * 30,
    }
    items = {
        share.report_id: [i for (i, *_) in _marks(api, share.key)]
        for share in (revoked, expired, deleted, live)
    }
    before = {
        report: _marks(api, share.key)
        for report, share in _by_report(revoked, expired, deleted, live)
    }
    for name, token in tokens.items():
        assert await _view(api, token) is None, name
        for report_items in items.values():
            item = str(to_global_id("ChecklistItem", report_items[0]))
            assert _unknown_item(await _tick(api, token, item)), name
    after = {
        report: _marks(api, share.key)
        for report, share in _by_report(revoked, expired, deleted, live)
    }
    assert after == before


def _by_report(*shares: Share) -> list[tuple[str, Share]]:
    return [(share.report_id, share) for share in shares]


async def test_only_the_tokens_own_live_items_can_be_ticked(api: Api) -> None:
    ann, bob = await _share(api), await _share(api)
    bobs_item = await _first_item(api, bob)
    anns_items = (await _consultant(api, ann))["checklistItems"]
    deleted = anns_items[-1]["id"]
    execute(
        api.url,
        "UPDATE checklist_items SET deleted_at = now() WHERE id = :i",
        i=expect_id(deleted, "ChecklistItem"),
    )
    before = _marks(api, ann.key), _marks(api, bob.key)
    for item in [
        bobs_item,  # another assessment's, with ann's token: like an unknown one
        deleted,
        str(to_global_id("ChecklistItem", uuid.uuid4())),
        ann.assessment_id,  # an id of another type
        "not an id",
    ]:
        assert _unknown_item(await _tick(api, ann.token, item)), item
    assert (_marks(api, ann.key), _marks(api, bob.key)) == before
    assert deleted not in [i["id"] for i in (await _view(api, ann.token))["checklist"]]


# -- ticking ----------------------------------------------------------------------------------


async def test_the_client_ticks_and_unticks_and_nothing_else_changes(api: Api) -> None:
    share = await _share(api)
    items = (await _consultant(api, share))["checklistItems"]
    first, by_consultant = items[0]["id"], items[1]["id"]
    execute(
        api.url,
        "UPDATE checklist_items SET is_completed = true, completed_at = now(), "
        "completed_by = 'consultant' WHERE id = :i",
        i=expect_id(by_consultant, "ChecklistItem"),
    )

    contents = _contents(api, share.key)
    ticked = await _tick(api, share.token, first)
    assert ticked["userErrors"] == []
    assert ticked["item"]["id"] == first
    assert (ticked["item"]["isCompleted"], ticked["item"]["completedBy"]) == (True, "CLIENT")
    assert ticked["item"]["completedAt"]
    again = await _tick(api, share.token, first)  # already done: stays as it was
    assert again["item"] == ticked["item"]
    view = await _view(api, share.token)
    assert view["checklistProgress"]["completed"] == 2
    [shown] = [i for i in view["checklist"] if i["id"] == first]
    assert (shown["isCompleted"], shown["completedBy"]) == (True, "CLIENT")

    # Ticking the consultant's done item leaves it theirs.
    theirs = await _tick(api, share.token, by_consultant)
    assert (theirs["item"]["isCompleted"], theirs["item"]["completedBy"]) == (True, "CONSULTANT")

    unticked = await _tick(api, share.token, first, completed=False)
    assert unticked["item"] == {
        "id": first,
        "isCompleted": False,
        "completedBy": None,
        "completedAt": None,
    }
    assert _contents(api, share.key) == contents  # the marks alone changed


def _contents(api: Api, assessment: UUID) -> list[Any]:
    """Everything of the items but their marks."""
    return query(
        api.url,
        "SELECT id, item_text, item_order, phase_category, priority, due_date, deleted_at "
        "FROM checklist_items WHERE assessment_id = :a ORDER BY id",
        a=assessment,
    )


async def test_an_archived_assessment_is_read_but_not_ticked(api: Api) -> None:
    share = await _share(api)
    item = await _first_item(api, share)
    archived = await api(ARCHIVE, {"id": share.assessment_id}, as_=share.owner)
    assert archived["data"]["archiveAssessment"]["userErrors"] == []
    before = _marks(api, share.key)
    refused = await _tick(api, share.token, item)
    assert refused["item"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("ARCHIVED", None)]
    assert _marks(api, share.key) == before
    assert (await _view(api, share.token))["businessName"] == "Hopper Bakery"
    await api(UNARCHIVE, {"id": share.assessment_id}, as_=share.owner)
    assert (await _tick(api, share.token, item))["item"]["completedBy"] == "CLIENT"


# -- the audit trail --------------------------------------------------------------------------


def _audit(api: Api, assessment: UUID) -> list[Any]:
    return query(
        api.url,
        "SELECT event_type, event_category, user_id, host(ip_address), user_agent, metadata, "
        "description FROM activity_logs WHERE metadata->>'assessment_id' = :a "
        "AND (event_type LIKE 'client_view.%' OR event_type LIKE 'checklist.%by_client') "
        "ORDER BY created_at, id",
        a=str(assessment),
    )


async def test_each_call_is_in_the_audit_log_with_the_clients_address(api: Api) -> None:
    share = await _share(api)
    item = await _first_item(api, share)
    item_key = str(expect_id(item, "ChecklistItem"))
    report_key = str(expect_id(share.report_id, "Report"))
    await _view(api, share.token)
    await _tick(api, share.token, item)
    await _tick(api, share.token, item, completed=False)
    await _view(api, secrets.token_urlsafe(32))  # opens nothing: nothing to record
    rows = _audit(api, share.key)
    assert [(r[0], r[1]) for r in rows] == [
        ("client_view.opened", "report"),
        ("checklist.completed_by_client", "assessment"),
        ("checklist.uncompleted_by_client", "assessment"),
    ]
    address = SUITE_ADDRESS[0]
    assert all(r[2] is None and r[3] == address for r in rows)  # no user: the client has none
    assert all(r[4] and r[4].startswith("python-httpx/") for r in rows)
    opened, ticked, unticked = (r[5] for r in rows)
    assert opened == {"assessment_id": str(share.key), "report_id": report_key}
    assert ticked == {
        "assessment_id": str(share.key),
        "item_id": item_key,
        "report_id": report_key,
        "old": {"is_completed": False, "completed_by": None},
        "new": {"is_completed": True, "completed_by": "client"},
    }
    assert (unticked["old"], unticked["new"]) == (ticked["new"], ticked["old"])
    # Never the token, nor its hash, anywhere in the rows.
    assert share.token not in json.dumps([list(r[:3]) + list(r[4:]) for r in rows], default=str)
    stored = query(api.url, "SELECT metadata::text, description FROM activity_logs")
    assert not any(share.token in (m or "") + (d or "") for m, d in stored)


# -- the rate limit ---------------------------------------------------------------------------


@pytest.fixture
async def limited_app(database_url: str) -> AsyncIterator[Starlette]:
    rules = roomy_rules() | {"client_view": ("3/minute", "3/minute")}
    app = create_app(Settings(secret_key=SecretStr("c" * 40)), database_url, rate_rules=rules)
    async with app.router.lifespan_context(app):
        yield app


async def test_both_calls_share_a_limit_per_client_address(
    api: Api, limited_app: Starlette
) -> None:
    share = await _share(api)
    item = await _first_item(api, share)

    async def codes(address: str, calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
        transport = httpx.ASGITransport(app=limited_app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
            found = []
            for document, variables in calls:
                body = (
                    await client.post("/graphql", json={"query": document, "variables": variables})
                ).json()
                errors = body.get("errors") or [{"extensions": {"code": "ok"}}]
                found.append(errors[0]["extensions"]["code"])
            return found

    view = (VIEW, {"t": share.token})
    tick = (TICK, {"t": share.token, "i": item, "c": True})
    unknown = (VIEW, {"t": secrets.token_urlsafe(32)})
    address = unique_address()
    assert await codes(address, [view, tick, unknown, view, tick]) == [
        "ok",
        "ok",
        "ok",  # a token that opens nothing counts too
        "RATE_LIMITED",
        "RATE_LIMITED",
    ]
    assert await codes(unique_address(), [view]) == ["ok"]  # another address


# -- the whole flow ---------------------------------------------------------------------------


async def test_the_client_ticks_two_items_and_the_consultant_sees_them(api: Api) -> None:
    owner = api.account()
    assessment_id = await completed_assessment(api, owner)
    generated = await api(GENERATE, {"id": assessment_id, "types": ["CLIENT"]}, as_=owner)
    [report] = generated["data"]["generateReports"]["reports"]
    token = await _token(api, owner, report["id"])

    view = await _view(api, token)
    pdf = await api.client.get(view["reportUrl"].removeprefix(PUBLIC_URL))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    chosen = [view["checklist"][0]["id"], view["checklist"][3]["id"]]
    for item in chosen:
        assert (await _tick(api, token, item))["userErrors"] == []

    share = Share(owner, assessment_id, report["id"], token)
    seen = await _consultant(api, share)
    by = {i["id"]: (i["isCompleted"], i["completedBy"]) for i in seen["checklistItems"]}
    assert [by[item] for item in chosen] == [(True, "CLIENT")] * 2
    assert sum(done for done, _ in by.values()) == 2
    assert seen["checklistProgress"]["completed"] == 2
    total = seen["checklistProgress"]["total"]
    assert seen["checklistProgress"]["percentage"] == round(200 / total, 2)
    assert (await _view(api, token))["checklistProgress"] == {
        **view["checklistProgress"],
        "completed": 2,
        "percentage": round(200 / total, 2),
        "byPhase": (await _view(api, token))["checklistProgress"]["byPhase"],
    }


# -- nothing of the style, nor a note ---------------------------------------------------------

FORBIDDEN_NAME = re.compile(r"disc|style|dominance|influence|steadiness|compliance|note", re.I)
DISC_NAMES = {"D", "I", "S", "C", "Dominance", "Influence", "Steadiness", "Compliance"}
SCORES = {"dominance_score": 91.37, "influence_score": 13.73, "steadiness_score": 27.19,
          "compliance_score": 3.71}  # fmt: skip


def _dummy(kind: GraphQLType) -> str:
    """A literal for a required argument without a default."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values))
    if isinstance(named, GraphQLInputObjectType):
        required = [
            f"{name}: {_dummy(f.type)}"
            for name, f in named.fields.items()
            if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined
        ]
        return "{" + ", ".join(required) + "}"
    return {"Int": "1", "Float": "1.0", "Boolean": "false"}.get(named.name, '"x"')


def _arguments(field: Any) -> str:
    """Every argument left to its default; only required ones without a default are given."""
    given = [
        f"{name}: {_dummy(arg.type)}"
        for name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
    ]
    return f"({', '.join(given)})" if given else ""


def _possible(schema: GraphQLSchema, named: GraphQLNamedType) -> list[GraphQLObjectType]:
    if isinstance(named, GraphQLObjectType):
        return [named]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return list(schema.get_possible_types(named))
    return []


def reachable(schema: GraphQLSchema, root: str = "Query", field: str = "clientView") -> list[str]:
    """Every type, field, argument and enum value reachable from `root.field`, by name
    (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`)."""
    start = schema.type_map[root]
    assert isinstance(start, GraphQLObjectType)
    found: list[str] = []
    seen: set[str] = set()
    waiting = [get_named_type(start.fields[field].type)]
    while waiting:
        named = waiting.pop()
        if named.name in seen:
            continue
        seen.add(named.name)
        found.append(named.name)
        if isinstance(named, GraphQLEnumType):
            found += [f"{named.name}.{value}" for value in named.values]
        for kind in _possible(schema, named):
            if kind is not named:
                waiting.append(kind)
                continue
            for name, child in kind.fields.items():
                found.append(f"{kind.name}.{name}")
                found += [f"{kind.name}.{name}({arg}:)" for arg in child.args]
                waiting.append(get_named_type(child.type))
    return found


def selection(schema: GraphQLSchema, root: str = "Query", field: str = "clientView") -> str:
    """A selection of every field of every object type reachable from `root.field`, each
    type expanded once along a path (a type met again inside itself gets `__typename`)."""

    def select(named: GraphQLNamedType, path: frozenset[str]) -> str:
        kinds = _possible(schema, named)
        if not kinds:
            return ""  # a scalar or an enum
        if named.name in path:
            return "{ __typename }"
        parts = ["__typename"]
        for kind in kinds:
            inner = [
                name
                + _arguments(child)
                + " "
                + select(get_named_type(child.type), path | {kind.name})
                for name, child in kind.fields.items()
            ]
            parts.append(f"... on {kind.name} {{ {' '.join(inner)} }}")
        return "{ " + " ".join(parts) + " }"

    start = schema.type_map[root]
    assert isinstance(start, GraphQLObjectType)
    top = start.fields[field]
    return f"{field}{_arguments(top)} {select(get_named_type(top.type), frozenset())}"


def forbidden(names: list[str]) -> list[str]:
    return [name for name in names if FORBIDDEN_NAME.search(name)]


def _values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from _values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _values(inner)
    else:
        yield value


async def _schema(api: Api) -> GraphQLSchema:
    introspection = await api(get_introspection_query())
    return build_client_schema(introspection["data"])


async def test_nothing_reachable_from_the_view_tells_the_style_or_a_note(api: Api) -> None:
    owner = api.account()
    share = await _share(api, owner)
    link = {
        "meetingTypeLabel": "Call",
        "schedulerUrl": "https://cal.example.com/call",
        "durationMinutes": 45,
    }
    await api(LINK, {"input": link}, as_=owner)
    marker = f"NOTE-MARKER-{uuid.uuid4().hex}"
    execute(
        api.url,
        "UPDATE responses SET consultant_notes = ':' || :m WHERE assessment_id = :a",
        m=marker,
        a=share.key,
    )
    execute(
        api.url,
        "UPDATE disc_profiles SET dominance_score = :d, influence_score = :i, "
        "steadiness_score = :s, compliance_score = :c, primary_type = 'D', secondary_type = 'S' "
        "WHERE assessment_id = :a",
        d=SCORES["dominance_score"],
        i=SCORES["influence_score"],
        s=SCORES["steadiness_score"],
        c=SCORES["compliance_score"],
        a=share.key,
    )
    # The consultant sees what the client must not.
    seen = await api(
        "query($id: ID!) { assessment(id: $id) { discProfile { primaryType dominance } "
        "responses { consultantNotes } } }",
        {"id": share.assessment_id},
        as_=owner,
    )
    profile = seen["data"]["assessment"]["discProfile"]
    assert profile == {"primaryType": "D", "dominance": SCORES["dominance_score"]}
    assert marker in json.dumps(seen)

    schema = await _schema(api)
    names = reachable(schema)
    assert {"ClientView", "ChecklistItem", "ChecklistProgress", "SchedulerLink"} <= set(names)
    assert forbidden(names) == []

    document = "query($t: String!) { " + selection(schema).replace('"x"', "$t", 1) + " }"
    assert "token: $t" in document
    result = await api(document, {"t": share.token})
    assert "errors" not in result, result
    view = result["data"]["clientView"]
    assert view["checklist"]
    assert view["bookingLinks"]
    assert view["checklistProgress"]["byPhase"]
    assert _leaks(result, marker) == set()
    # The same checks find what the consultant's own read shows.
    assert _leaks(seen, marker) == {marker, "D", str(SCORES["dominance_score"])}


def _leaks(result: Any, marker: str) -> set[str]:
    """What of the style or the notes a response shows: the marker written into the notes,
    a DISC letter or trait name as a value, a score set for the test, or a recommendation's
    wording for a style (the client report's tones)."""
    text = json.dumps(result)
    values = list(_values(result))
    found = {marker} if marker in text else set()
    found |= DISC_NAMES & {v for v in values if isinstance(v, str)}
    numbers = {v for v in values if isinstance(v, int | float) and not isinstance(v, bool)}
    found |= {str(score) for score in SCORES.values() if score in numbers or str(score) in text}
    styled = {
        wording
        for recommendation in load_bank().recommendations
        for tone, wording in recommendation.client_wording.items()
        if tone != "neutral"
    }
    return found | {wording for wording in styled if wording in text}


@pytest.mark.parametrize(
    ("added", "found"),
    [
        ("extend type ClientView { consultantNotes: String }", "ClientView.consultantNotes"),
        ("extend type SchedulerLink { discType: DiscType }", "SchedulerLink.discType"),
        ("extend type ChecklistItem { assessment: Assessment! }", "Assessment.discProfile"),
        ("extend type ChecklistItem { assessment: Assessment! }", "Response.consultantNotes"),
        ("extend type ChecklistProgress { owner: User }", "DiscProfile.dominance"),
        ("extend type ClientView { tone(style: String): String }", "ClientView.tone(style:)"),
    ],
)
def test_the_walk_finds_a_style_field_or_a_note_added_anywhere(added: str, found: str) -> None:
    """The walk itself: over the schema with one more field reachable from clientView, the
    field (or what it leads to) is found."""
    schema = build_schema(SCHEMA_FILE.read_text())
    assert forbidden(reachable(schema)) == []
    assert found in forbidden(reachable(build_schema(SCHEMA_FILE.read_text() + added)))
