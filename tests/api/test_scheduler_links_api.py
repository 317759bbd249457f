"""Booking links through GraphQL as a client sees them: create, update, delete, reorder,
`User.schedulerLinks` and `node(id:)`; every validation error with its field path, the limit
of active links (also under concurrent creates), ownership, sign-in, the audit trail, and the
links a generated client report offers, read back from the PDF."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any
from uuid import uuid4

import pypdf
import pytest

from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api
from tests.api.test_reports_api import _assessment, _generate
from tests.database import execute, query

FIELDS = (
    "id meetingTypeLabel schedulerUrl durationMinutes recommendedForPhases isActive displayOrder"
)
ERRORS = "userErrors { field code message }"
CREATE = f"""
mutation($input: CreateSchedulerLinkInput!) {{
  createSchedulerLink(input: $input) {{ link {{ {FIELDS} }} {ERRORS} }}
}}"""
UPDATE = f"""
mutation($input: UpdateSchedulerLinkInput!) {{
  updateSchedulerLink(input: $input) {{ link {{ {FIELDS} }} {ERRORS} }}
}}"""
DELETE = f"mutation($id: ID!) {{ deleteSchedulerLink(id: $id) {{ ok {ERRORS} }} }}"
REORDER = f"mutation($ids: [ID!]!) {{ reorderSchedulerLinks(ids: $ids) {{ ok {ERRORS} }} }}"
MINE = f"query($all: Boolean) {{ me {{ schedulerLinks(includeInactive: $all) {{ {FIELDS} }} }} }}"
NODE = "query($id: ID!) { node(id: $id) { id ... on SchedulerLink { meetingTypeLabel } } }"
OF_USER = """
query($id: ID!) { node(id: $id) { ... on User { schedulerLinks(includeInactive: true) {
  meetingTypeLabel } } } }"""


def _input(**overrides: Any) -> dict[str, Any]:
    return {
        "meetingTypeLabel": "Initial consultation",
        "schedulerUrl": "https://cal.example.com/jane/intro",
        "durationMinutes": 30,
        "recommendedForPhases": ["STABILIZE", "ORGANIZE"],
    } | overrides


async def _create(api: Api, who: Account, **overrides: Any) -> dict[str, Any]:
    result = await api(CREATE, {"input": _input(**overrides)}, as_=who)
    payload = result["data"]["createSchedulerLink"]
    assert payload["userErrors"] == [], payload
    link: dict[str, Any] = payload["link"]
    return link


async def _labels(api: Api, who: Account, *, everything: bool = True) -> list[str]:
    result = await api(MINE, {"all": everything}, as_=who)
    return [link["meetingTypeLabel"] for link in result["data"]["me"]["schedulerLinks"]]


def _trail(api: Api, who: Account) -> list[tuple[str, str, Any]]:
    """The account's booking-link audit rows, oldest first: type, category, metadata."""
    rows = query(
        api.url,
        "SELECT event_type, event_category, metadata FROM activity_logs"
        " WHERE user_id = :u AND event_type LIKE 'scheduler_link.%' ORDER BY created_at",
        u=who.id,
    )
    return [(row[0], row[1], row[2]) for row in rows]


def _stored(api: Api, who: Account) -> list[Any]:
    return query(
        api.url,
        "SELECT to_jsonb(s)::text FROM scheduler_links s WHERE consultant_id = :u ORDER BY id",
        u=who.id,
    )


# -- the happy paths ---------------------------------------------------------------------------


async def test_create_list_and_read_a_link(api: Api) -> None:
    ann = api.account()
    first = await _create(api, ann)
    assert first | {"id": None} == {
        "id": None,
        "meetingTypeLabel": "Initial consultation",
        "schedulerUrl": "https://cal.example.com/jane/intro",
        "durationMinutes": 30,
        "recommendedForPhases": ["STABILIZE", "ORGANIZE"],
        "isActive": True,
        "displayOrder": 1,
    }
    second = await _create(
        api,
        ann,
        meetingTypeLabel="  Deep dive  ",
        schedulerUrl=" https://cal.example.com/jane/deep ",
        recommendedForPhases=["GROW", "BUILD"],
        isActive=False,
    )
    # trimmed, the phases as a set in their own order, and placed after the first
    assert (second["meetingTypeLabel"], second["schedulerUrl"]) == (
        "Deep dive",
        "https://cal.example.com/jane/deep",
    )
    assert second["recommendedForPhases"] == ["BUILD", "GROW"]
    assert (second["isActive"], second["displayOrder"]) == (False, 2)
    bare = await api(
        'mutation { createSchedulerLink(input: {meetingTypeLabel: "Call",'
        ' schedulerUrl: "https://cal.example.com/c"}) { link { durationMinutes'
        " recommendedForPhases isActive displayOrder } userErrors { code } } }",
        as_=ann,
    )
    assert bare["data"]["createSchedulerLink"] == {
        "link": {
            "durationMinutes": None,
            "recommendedForPhases": [],
            "isActive": True,
            "displayOrder": 3,
        },
        "userErrors": [],
    }
    assert await _labels(api, ann, everything=False) == ["Initial consultation", "Call"]
    assert await _labels(api, ann) == ["Initial consultation", "Deep dive", "Call"]
    default = await api("{ me { schedulerLinks { meetingTypeLabel } } }", as_=ann)
    assert [x["meetingTypeLabel"] for x in default["data"]["me"]["schedulerLinks"]] == [
        "Initial consultation",
        "Call",
    ]
    found = await api(NODE, {"id": second["id"]}, as_=ann)
    assert found["data"]["node"] == {"id": second["id"], "meetingTypeLabel": "Deep dive"}


async def test_an_update_changes_what_it_names_and_null_clears_the_duration(api: Api) -> None:
    ann = api.account()
    link = await _create(api, ann)
    result = await api(
        UPDATE,
        {"input": {"id": link["id"], "meetingTypeLabel": "Intro call", "durationMinutes": None}},
        as_=ann,
    )
    payload = result["data"]["updateSchedulerLink"]
    assert payload["userErrors"] == []
    assert payload["link"] == link | {"meetingTypeLabel": "Intro call", "durationMinutes": None}
    # left out or null: unchanged (the duration stays cleared)
    kept = await api(
        UPDATE,
        {
            "input": {
                "id": link["id"],
                "schedulerUrl": None,
                "isActive": None,
                "recommendedForPhases": ["SYSTEMIC"],
            }
        },
        as_=ann,
    )
    assert kept["data"]["updateSchedulerLink"]["link"] == payload["link"] | {
        "recommendedForPhases": ["SYSTEMIC"]
    }
    off = await api(UPDATE, {"input": {"id": link["id"], "isActive": False}}, as_=ann)
    assert off["data"]["updateSchedulerLink"]["link"]["isActive"] is False
    assert await _labels(api, ann, everything=False) == []
    assert await _labels(api, ann) == ["Intro call"]


async def test_a_deleted_link_is_never_shown_again(api: Api) -> None:
    ann, admin = api.account(), api.account("admin")
    keep, gone = await _create(api, ann), await _create(api, ann, meetingTypeLabel="Old call")
    deleted = await api(DELETE, {"id": gone["id"]}, as_=ann)
    assert deleted["data"]["deleteSchedulerLink"] == {"ok": True, "userErrors": []}
    [(deleted_at,)] = query(
        api.url,
        "SELECT deleted_at FROM scheduler_links WHERE meeting_type_label = 'Old call'"
        " AND consultant_id = :u",
        u=ann.id,
    )
    assert deleted_at is not None  # soft: the row stays
    assert await _labels(api, ann) == ["Initial consultation"]
    missing = await _unknown_link_answers(api, ann, to_global_id("SchedulerLink", uuid4()))
    assert await _unknown_link_answers(api, ann, gone["id"]) == missing
    for who in (ann, admin):
        node = await api(NODE, {"id": gone["id"]}, as_=who)
        assert node["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    of_user = await api(OF_USER, {"id": to_global_id("User", ann.id)}, as_=admin)
    assert of_user["data"]["node"]["schedulerLinks"] == [
        {"meetingTypeLabel": keep["meetingTypeLabel"]}
    ]
    # the order is of the live links alone
    reordered = await api(REORDER, {"ids": [keep["id"]]}, as_=ann)
    assert reordered["data"]["reorderSchedulerLinks"] == {"ok": True, "userErrors": []}


async def _unknown_link_answers(api: Api, who: Account, link_id: str) -> list[Any]:
    """What an update and a delete of `link_id` answer, and the node lookup's error."""
    updated = await api(UPDATE, {"input": {"id": link_id, "meetingTypeLabel": "x"}}, as_=who)
    deleted = await api(DELETE, {"id": link_id}, as_=who)
    node = await api(NODE, {"id": link_id}, as_=who)
    return [
        updated["data"]["updateSchedulerLink"],
        deleted["data"]["deleteSchedulerLink"],
        node["data"],
        [(e["message"], e["extensions"]["code"]) for e in node["errors"]],
    ]


async def test_reorder_puts_every_link_in_its_new_place(api: Api) -> None:
    ann = api.account()
    a = await _create(api, ann, meetingTypeLabel="A")
    b = await _create(api, ann, meetingTypeLabel="B", isActive=False)
    c = await _create(api, ann, meetingTypeLabel="C")
    result = await api(REORDER, {"ids": [c["id"], a["id"], b["id"]]}, as_=ann)
    assert result["data"]["reorderSchedulerLinks"] == {"ok": True, "userErrors": []}
    listed = (await api(MINE, {"all": True}, as_=ann))["data"]["me"]["schedulerLinks"]
    assert [(x["meetingTypeLabel"], x["displayOrder"]) for x in listed] == [
        ("C", 1),
        ("A", 2),
        ("B", 3),
    ]
    assert await _labels(api, ann, everything=False) == ["C", "A"]
    d = await _create(api, ann, meetingTypeLabel="D")
    assert d["displayOrder"] == 4  # a new link goes last
    assert await _labels(api, ann) == ["C", "A", "B", "D"]


# -- validation ------------------------------------------------------------------------------


LONG_URL = "https://cal.example.com/" + "x" * (2049 - len("https://cal.example.com/"))

BAD_INPUTS = [
    ({"meetingTypeLabel": ""}, "meetingTypeLabel", "must not be blank"),
    ({"meetingTypeLabel": " \t "}, "meetingTypeLabel", "must not be blank"),
    ({"meetingTypeLabel": "x" * 101}, "meetingTypeLabel", "at most 100 characters"),
    ({"meetingTypeLabel": "Intro\x1bcall"}, "meetingTypeLabel", "control characters"),
    ({"meetingTypeLabel": "Intro\x00call"}, "meetingTypeLabel", "NUL character"),
    ({"meetingTypeLabel": "Intro\ud800call"}, "meetingTypeLabel", "lone surrogate"),
    ({"schedulerUrl": ""}, "schedulerUrl", "must not be blank"),
    ({"schedulerUrl": "http://cal.example.com/jane"}, "schedulerUrl", "https"),
    ({"schedulerUrl": "javascript:alert(1)"}, "schedulerUrl", "https"),
    ({"schedulerUrl": "https://"}, "schedulerUrl", "needs a host"),
    ({"schedulerUrl": "https://jane:pw@cal.example.com/"}, "schedulerUrl", "password"),
    ({"schedulerUrl": "https://cal.example.com/jane doe"}, "schedulerUrl", "spaces"),
    ({"schedulerUrl": "https://cal.example.com/\njane"}, "schedulerUrl", "control"),
    ({"schedulerUrl": "https://cal.example.com/\x00"}, "schedulerUrl", "NUL character"),
    ({"schedulerUrl": "https://cal.example.com/\udfff"}, "schedulerUrl", "lone surrogate"),
    ({"schedulerUrl": "https://cal.example.com:0x1bb/"}, "schedulerUrl", "port"),
    ({"schedulerUrl": LONG_URL}, "schedulerUrl", "at most 2048 characters"),
    ({"durationMinutes": 4}, "durationMinutes", "from 5 to 480 minutes, not 4"),
    ({"durationMinutes": 481}, "durationMinutes", "not 481"),
    ({"durationMinutes": -5}, "durationMinutes", "not -5"),
    ({"recommendedForPhases": ["GROW", "BUILD", "GROW"]}, "recommendedForPhases", "GROW"),
]


async def _post(api: Api, document: str, variables: dict[str, Any], who: Account) -> Any:
    """With ASCII escapes in the JSON: a lone surrogate travels as \\udfff."""
    headers = {"content-type": "application/json", "authorization": f"Bearer {who.token}"}
    body = json.dumps({"query": document, "variables": variables})
    return (await api.client.post("/graphql", content=body, headers=headers)).json()


@pytest.mark.parametrize(("fields", "path", "words"), BAD_INPUTS)
async def test_a_bad_new_link_is_a_user_error_naming_its_field(
    api: Api, fields: dict[str, Any], path: str, words: str
) -> None:
    ann = api.account()
    result = await _post(api, CREATE, {"input": _input(**fields)}, ann)
    assert "errors" not in result, result
    payload = result["data"]["createSchedulerLink"]
    assert payload["link"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ([path], "VALIDATION")
    assert words in error["message"], error
    assert _stored(api, ann) == []
    assert _trail(api, ann) == []


@pytest.mark.parametrize(("fields", "path", "words"), BAD_INPUTS)
async def test_a_bad_change_is_a_user_error_naming_its_field(
    api: Api, fields: dict[str, Any], path: str, words: str
) -> None:
    ann = api.account()
    link = await _create(api, ann)
    before, trail = _stored(api, ann), _trail(api, ann)
    result = await _post(api, UPDATE, {"input": {"id": link["id"], **fields}}, ann)
    payload = result["data"]["updateSchedulerLink"]
    [error] = payload["userErrors"]
    assert (payload["link"], error["field"], error["code"]) == (None, [path], "VALIDATION")
    assert words in error["message"], error
    assert _stored(api, ann) == before
    assert _trail(api, ann) == trail


async def test_the_first_bad_field_is_the_one_named(api: Api) -> None:
    ann = api.account()
    result = await api(
        CREATE, {"input": _input(schedulerUrl="http://x.example", durationMinutes=1)}, as_=ann
    )
    assert [e["field"] for e in result["data"]["createSchedulerLink"]["userErrors"]] == [
        ["schedulerUrl"]
    ]


# -- the limit of active links ---------------------------------------------------------------


async def test_at_most_twenty_active_links(api: Api) -> None:
    ann = api.account()
    links = [await _create(api, ann, meetingTypeLabel=f"Link {n}") for n in range(20)]
    refused = await api(CREATE, {"input": _input(meetingTypeLabel="One too many")}, as_=ann)
    payload = refused["data"]["createSchedulerLink"]
    [error] = payload["userErrors"]
    assert (payload["link"], error["field"], error["code"]) == (None, ["isActive"], "VALIDATION")
    assert "at most 20 active booking links" in error["message"]
    # an inactive 21st is kept, but cannot be switched on while 20 are
    spare = await _create(api, ann, meetingTypeLabel="Spare", isActive=False)
    on = await api(UPDATE, {"input": {"id": spare["id"], "isActive": True}}, as_=ann)
    assert [e["field"] for e in on["data"]["updateSchedulerLink"]["userErrors"]] == [["isActive"]]
    # editing an active link, even "activating" it again, is no re-activation
    again = await api(UPDATE, {"input": {"id": links[0]["id"], "isActive": True}}, as_=ann)
    assert again["data"]["updateSchedulerLink"]["userErrors"] == []
    renamed = await api(
        UPDATE, {"input": {"id": links[0]["id"], "meetingTypeLabel": "New"}}, as_=ann
    )
    assert renamed["data"]["updateSchedulerLink"]["userErrors"] == []
    # one fewer active: the spare may come on; deleting one frees a place too
    await api(UPDATE, {"input": {"id": links[1]["id"], "isActive": False}}, as_=ann)
    on = await api(UPDATE, {"input": {"id": spare["id"], "isActive": True}}, as_=ann)
    assert on["data"]["updateSchedulerLink"]["link"]["isActive"] is True
    await api(DELETE, {"id": links[2]["id"]}, as_=ann)
    assert (await _create(api, ann, meetingTypeLabel="Last place"))["isActive"] is True
    assert len(await _labels(api, ann, everything=False)) == 20
    # the limit is each consultant's own
    assert (await _create(api, api.account()))["isActive"] is True


async def test_concurrent_creates_never_pass_the_limit(api: Api) -> None:
    ann = api.account()
    execute(
        api.url,
        "INSERT INTO scheduler_links (consultant_id, meeting_type_label, scheduler_url,"
        " display_order) SELECT :u, 'Link ' || n, 'https://cal.example.com/' || n, n"
        " FROM generate_series(1, 19) AS n",
        u=ann.id,
    )
    results = await asyncio.gather(
        *(api(CREATE, {"input": _input(meetingTypeLabel=f"Racer {n}")}, as_=ann) for n in range(5))
    )
    payloads = [r["data"]["createSchedulerLink"] for r in results]
    made = [p["link"] for p in payloads if p["link"] is not None]
    assert len(made) == 1, payloads
    assert made[0]["displayOrder"] == 20
    assert sorted(str(p["userErrors"] and p["userErrors"][0]["field"]) for p in payloads) == [
        "['isActive']"
    ] * 4 + ["[]"]
    assert len(await _labels(api, ann, everything=False)) == 20


# -- reordering ------------------------------------------------------------------------------


async def test_an_order_that_is_not_the_whole_list_says_which_ids_are_wrong(api: Api) -> None:
    ann, bob = api.account(), api.account()
    a, b, c = [await _create(api, ann, meetingTypeLabel=name) for name in "ABC"]
    gone = await _create(api, ann, meetingTypeLabel="Gone")
    await api(DELETE, {"id": gone["id"]}, as_=ann)
    bobs = await _create(api, bob)
    stranger = to_global_id("SchedulerLink", uuid4())
    assessment = to_global_id("Assessment", uuid4())
    before, trail = _stored(api, ann), _trail(api, ann)

    async def refused(ids: list[str]) -> str:
        result = await api(REORDER, {"ids": ids}, as_=ann)
        payload = result["data"]["reorderSchedulerLinks"]
        [error] = payload["userErrors"]
        assert (payload["ok"], error["field"], error["code"]) == (False, ["ids"], "VALIDATION")
        message: str = error["message"]
        return message

    missing = await refused([a["id"], c["id"]])
    assert f"missing: {b['id']}" in missing
    assert "not one of your links" not in missing
    assert "repeated" not in missing
    extra = await refused([a["id"], b["id"], c["id"], bobs["id"], gone["id"], stranger])
    assert f"not one of your links: {bobs['id']}, {gone['id']}, {stranger}" in extra
    assert "missing" not in extra
    repeated = await refused([a["id"], b["id"], c["id"], a["id"], a["id"]])
    assert f"repeated: {a['id']}" in repeated
    assert repeated.count(a["id"]) == 1
    everything = await refused([c["id"], c["id"], "not-an-id", assessment, b["id"]])
    assert f"missing: {a['id']}" in everything
    assert f"not one of your links: not-an-id, {assessment}" in everything
    assert f"repeated: {c['id']}" in everything
    assert f"missing: {a['id']}, {b['id']}, {c['id']}" in await refused([])
    assert _stored(api, ann) == before
    assert _trail(api, ann) == trail
    # Bob's own list is his one link: Ann's ids are strangers to him
    theirs = await api(REORDER, {"ids": [a["id"], bobs["id"]]}, as_=bob)
    [error] = theirs["data"]["reorderSchedulerLinks"]["userErrors"]
    assert f"not one of your links: {a['id']}" in error["message"]


async def test_reordering_nothing_into_nothing_is_fine(api: Api) -> None:
    ann = api.account()
    result = await api(REORDER, {"ids": []}, as_=ann)
    assert result["data"]["reorderSchedulerLinks"] == {"ok": True, "userErrors": []}
    assert _trail(api, ann) == []


# -- who may do what -------------------------------------------------------------------------


async def test_another_consultants_link_is_not_found_exactly_like_a_missing_one(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    link = await _create(api, ann)
    before = _stored(api, ann)
    theirs = await _unknown_link_answers(api, bob, link["id"])
    nothing = await _unknown_link_answers(api, bob, to_global_id("SchedulerLink", uuid4()))
    malformed = await _unknown_link_answers(api, bob, "bm90LWFuLWlk")
    assert theirs == nothing == malformed
    update, delete, node, node_errors = theirs
    assert update == {
        "link": None,
        "userErrors": [{"field": ["id"], "code": "NOT_FOUND", "message": "no such scheduler link"}],
    }
    assert delete["ok"] is False
    assert [e["code"] for e in delete["userErrors"]] == ["NOT_FOUND"]
    assert (node, node_errors) == ({"node": None}, [("no such object", "NOT_FOUND")])
    # an administrator reads anyone's links, but changes only their own
    assert (await api(NODE, {"id": link["id"]}, as_=admin))["data"]["node"]["id"] == link["id"]
    updated = await api(UPDATE, {"input": {"id": link["id"], "meetingTypeLabel": "x"}}, as_=admin)
    deleted = await api(DELETE, {"id": link["id"]}, as_=admin)
    assert [updated["data"]["updateSchedulerLink"], deleted["data"]["deleteSchedulerLink"]] == [
        update,
        delete,
    ]
    assert _stored(api, ann) == before
    # nor does another consultant reach the list through the user
    listed = await api(OF_USER, {"id": to_global_id("User", ann.id)}, as_=bob)
    assert listed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    shown = await api(OF_USER, {"id": to_global_id("User", ann.id)}, as_=admin)
    assert shown["data"]["node"]["schedulerLinks"] == [{"meetingTypeLabel": "Initial consultation"}]


ANONYMOUS_CALLS = [
    (CREATE, lambda link: {"input": _input()}),
    (UPDATE, lambda link: {"input": {"id": link, "meetingTypeLabel": "x"}}),
    (DELETE, lambda link: {"id": link}),
    (REORDER, lambda link: {"ids": [link]}),
    (NODE, lambda link: {"id": link}),
]


@pytest.mark.parametrize(("document", "variables"), ANONYMOUS_CALLS)
async def test_anonymous_callers_must_sign_in(api: Api, document: str, variables: Any) -> None:
    ann = api.account()
    link = await _create(api, ann)
    before = _stored(api, ann)
    result = await api(document, variables(link["id"]))
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert result["data"] is None or all(v is None for v in result["data"].values())
    assert _stored(api, ann) == before


# -- the audit trail -------------------------------------------------------------------------


async def test_every_change_is_in_the_audit_log_with_old_and_new_values(api: Api) -> None:
    ann = api.account()
    a = await _create(api, ann, meetingTypeLabel="A", recommendedForPhases=["BUILD"])
    b = await _create(api, ann, meetingTypeLabel="B", durationMinutes=None)
    await api(UPDATE, {"input": {"id": a["id"], "durationMinutes": 45, "isActive": False}}, as_=ann)
    await api(UPDATE, {"input": {"id": a["id"], "durationMinutes": 45}}, as_=ann)  # no change
    await api(REORDER, {"ids": [b["id"], a["id"]]}, as_=ann)
    await api(REORDER, {"ids": [b["id"], a["id"]]}, as_=ann)  # no change
    await api(DELETE, {"id": b["id"]}, as_=ann)
    raw_a, raw_b = (str(_raw(x["id"])) for x in (a, b))
    assert _trail(api, ann) == [
        (
            "scheduler_link.created",
            "report",
            {
                "link_id": raw_a,
                "old": None,
                "new": {
                    "meeting_type_label": "A",
                    "scheduler_url": "https://cal.example.com/jane/intro",
                    "duration_minutes": 30,
                    "recommended_for_phases": ["build"],
                    "is_active": True,
                    "display_order": 1,
                },
            },
        ),
        (
            "scheduler_link.created",
            "report",
            {
                "link_id": raw_b,
                "old": None,
                "new": {
                    "meeting_type_label": "B",
                    "scheduler_url": "https://cal.example.com/jane/intro",
                    "duration_minutes": None,
                    "recommended_for_phases": ["stabilize", "organize"],
                    "is_active": True,
                    "display_order": 2,
                },
            },
        ),
        (
            "scheduler_link.updated",
            "report",
            {
                "link_id": raw_a,
                "old": {"duration_minutes": 30, "is_active": True},
                "new": {"duration_minutes": 45, "is_active": False},
            },
        ),
        ("scheduler_link.reordered", "report", {"old": [raw_a, raw_b], "new": [raw_b, raw_a]}),
        (
            "scheduler_link.deleted",
            "report",
            {
                "link_id": raw_b,
                "old": {
                    "meeting_type_label": "B",
                    "scheduler_url": "https://cal.example.com/jane/intro",
                    "duration_minutes": None,
                    "recommended_for_phases": ["stabilize", "organize"],
                    "is_active": True,
                    "display_order": 1,
                },
                "new": None,
            },
        ),
    ]


def _raw(global_id: str) -> Any:
    return expect_id(global_id, "SchedulerLink")


# -- the client report -----------------------------------------------------------------------


async def _primary_phase(api: Api, who: Account, assessment_id: str) -> str:
    read = await api(
        "query($id: ID!) { assessment(id: $id) { phaseResult { primaryPhase } } }",
        {"id": assessment_id},
        as_=who,
    )
    phase: str = read["data"]["assessment"]["phaseResult"]["primaryPhase"]
    return phase


async def _client_pdf_text(api: Api, who: Account, assessment_id: str) -> str:
    [report] = await _generate(api, who, assessment_id, types=["CLIENT"])
    response = await api.client.get(report["downloadUrl"])
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


async def test_the_client_report_offers_up_to_three_links_for_the_clients_phase(
    api: Api,
) -> None:
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    primary = await _primary_phase(api, ann, assessment_id)
    other = next(p for p in ("STABILIZE", "GROW") if p != primary)

    async def link(label: str, *phases: str, active: bool = True) -> str:
        made = await _create(
            api,
            ann,
            meetingTypeLabel=label,
            schedulerUrl=f"https://cal.example.com/{label.lower().replace(' ', '-')}",
            recommendedForPhases=list(phases),
            isActive=active,
        )
        link_id: str = made["id"]
        return link_id

    first = await link("Kickoff session", primary)
    elsewhere = await link("Elsewhere session", other)
    paused = await link("Paused session", primary, active=False)
    deleted = await link("Deleted session", primary)
    second = await link("Planning session", primary)
    both = await link("Working session", other, primary)
    fourth = await link("Fourth session", primary)
    await api(DELETE, {"id": deleted}, as_=ann)
    order = [both, elsewhere, first, paused, second, fourth]
    reordered = await api(REORDER, {"ids": order}, as_=ann)
    assert reordered["data"]["reorderSchedulerLinks"]["userErrors"] == []

    text = await _client_pdf_text(api, ann, assessment_id)
    shown = ["Working session", "Kickoff session", "Planning session"]
    positions = [text.find(label) for label in shown]
    assert -1 not in positions, text
    assert positions == sorted(positions)  # in display order
    assert "https://cal.example.com/working-session" in text
    assert "recommended for where you are now" in text
    for hidden in ("Elsewhere session", "Paused session", "Deleted session", "Fourth session"):
        assert hidden not in text


async def test_without_a_link_for_the_clients_phase_the_report_offers_the_first_two(
    api: Api,
) -> None:
    bob = api.account()
    assessment_id = await _assessment(api, bob)
    primary = await _primary_phase(api, bob, assessment_id)
    others = [p for p in ("STABILIZE", "ORGANIZE", "BUILD", "GROW", "SYSTEMIC") if p != primary]
    await _create(
        api, bob, meetingTypeLabel="Paused review", recommendedForPhases=[], isActive=False
    )
    await _create(api, bob, meetingTypeLabel="Strategy review", recommendedForPhases=others[:2])
    gone = await _create(api, bob, meetingTypeLabel="Removed review", recommendedForPhases=[])
    await api(DELETE, {"id": gone["id"]}, as_=bob)
    await _create(api, bob, meetingTypeLabel="Quarterly review", recommendedForPhases=[])
    await _create(api, bob, meetingTypeLabel="Annual review", recommendedForPhases=others[2:])
    await _create(
        api, bob, meetingTypeLabel="Dormant review", recommendedForPhases=[primary], isActive=False
    )

    text = await _client_pdf_text(api, bob, assessment_id)
    assert text.find("Strategy review") < text.find("Quarterly review"), text
    assert text.find("Strategy review") != -1
    for hidden in ("Paused review", "Removed review", "Annual review", "Dormant review"):
        assert hidden not in text
    assert "recommended for where you are now" not in text
