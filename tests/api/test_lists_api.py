"""The assessment lists as a dashboard reads them: every order both ways, paged through
two at a time over ties and across the unfinished assessments' nulls; the time range, phase
and archived filters on their own and together; totalCount agreeing with what the pages
hold; and every argument or cursor that cannot be used refused with BAD_USER_INPUT."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest

from server.graphql.ids import to_global_id
from tests.api.conftest import Account, Api
from tests.database import execute


@dataclass(frozen=True)
class Row:
    id: UUID
    consultant_id: UUID
    client_name: str
    client_business_name: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    status: str
    archived: bool = False
    phase: str | None = None

    @property
    def gid(self) -> str:
        return str(to_global_id("Assessment", self.id))


def _seed(api: Api, owner: Account, base: datetime, specs: list[dict[str, Any]]) -> list[Row]:
    """Assessments of `owner` as `specs` say: minutes after `base` for the times, a name,
    a business, a status, archived or not, and the primary phase of a completed one."""
    rows = []
    for spec in specs:
        created = base + timedelta(minutes=spec["created"])
        updated = base + timedelta(minutes=spec["updated"])
        done = spec.get("completed")
        completed = None if done is None else base + timedelta(minutes=done)
        status = spec.get("status", "completed" if completed else "in_progress")
        archived = spec.get("archived", False)
        [(row_id,)] = execute(
            api.url,
            "INSERT INTO assessments (consultant_id, client_name, client_business_name,"
            " client_email, status, created_at, updated_at, started_at, completed_at,"
            " archived_at) VALUES (:c, :n, :b, 'client@example.com', :s, :created, :updated,"
            " :created, :completed, CASE WHEN :archived THEN :updated END) RETURNING id",
            c=owner.id,
            n=spec["name"],
            b=spec["business"],
            s=status,
            created=created,
            updated=updated,
            completed=completed,
            archived=archived,
        )
        phase = spec.get("phase")
        if phase is not None:
            execute(
                api.url,
                "INSERT INTO phase_results (assessment_id, stabilize_score, organize_score,"
                " build_score, grow_score, systemic_score, primary_phase)"
                " VALUES (:a, 50, 50, 50, 50, 50, :p)",
                a=row_id,
                p=phase,
            )
        rows.append(
            Row(row_id, owner.id, spec["name"], spec["business"], created, updated, completed,
                status, archived, phase)
        )  # fmt: skip
    return rows


# Ties in every key: the same times, names equal but for case, unfinished ones (no
# completed_at) among finished ones.
SPECS = [
    {"name": "ann", "business": "Zeta Ltd", "created": 0, "updated": 5, "completed": 10},
    {"name": "Ann", "business": "zeta ltd", "created": 0, "updated": 5, "completed": 10},
    {"name": "ANN", "business": "Alpha", "created": 1, "updated": 5},
    {"name": "bob", "business": "alpha", "created": 1, "updated": 6, "status": "draft"},
    {"name": "Bob", "business": "Beta", "created": 2, "updated": 6, "completed": 11},
    {"name": "zoë", "business": "Łódź Café", "created": 2, "updated": 7},
    {"name": "Zoe", "business": "ŁÓDŹ café", "created": 3, "updated": 7, "completed": 9},
    {"name": "carl", "business": "Gamma", "created": 3, "updated": 4, "status": "draft"},
]

FIELDS: dict[str, Callable[[Row], Any]] = {
    "CREATED_AT": lambda r: r.created_at,
    "UPDATED_AT": lambda r: r.updated_at,
    "COMPLETED_AT": lambda r: r.completed_at,
    "CLIENT_NAME": lambda r: r.client_name.lower(),
    "BUSINESS_NAME": lambda r: r.client_business_name.lower(),
}
ORDERS = [(field, direction) for field in FIELDS for direction in ("ASC", "DESC")]


def expected(rows: list[Row], field: str, direction: str) -> list[str]:
    """The order the API promises: by the key, then by id, the same way; no completed_at
    (None) last in both directions."""
    key = FIELDS[field]
    valued = sorted((r for r in rows if key(r) is not None), key=lambda r: (key(r), r.id))
    missing = sorted((r for r in rows if key(r) is None), key=lambda r: r.id)
    if direction == "DESC":
        valued.reverse()
        missing.reverse()
    return [r.gid for r in valued + missing]


LIST = """
query($first: Int, $after: String, $order: AssessmentOrder, $from: DateTime, $to: DateTime,
      $phase: Phase, $archived: Boolean, $status: AssessmentStatus, $search: String) {
  assessments(first: $first, after: $after, orderBy: $order, createdAfter: $from,
              createdBefore: $to, phase: $phase, archived: $archived, status: $status,
              search: $search) {
    totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  }
}"""
USER_LIST = """
query($user: ID!, $first: Int, $after: String, $order: AssessmentOrder, $archived: Boolean) {
  node(id: $user) { ... on User {
    assessments(first: $first, after: $after, orderBy: $order, archived: $archived) {
      totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }
}"""


async def _all_pages(
    api: Api, who: Account, variables: dict[str, Any], *, query: str = LIST, first: int = 2
) -> tuple[list[str], int]:
    """Every id the list holds, read `first` at a time, and its totalCount."""
    ids: list[str] = []
    after = None
    for _ in range(50):
        result = await api(query, variables | {"first": first, "after": after}, as_=who)
        assert "errors" not in result, result
        data = result["data"]
        listed = data["node"]["assessments"] if "node" in data else data["assessments"]
        edges = listed["edges"]
        assert len(edges) <= first
        ids += [edge["node"]["id"] for edge in edges]
        if edges:
            assert listed["pageInfo"]["endCursor"] == edges[-1]["cursor"]
        if not listed["pageInfo"]["hasNextPage"]:
            return ids, listed["totalCount"]
        after = listed["pageInfo"]["endCursor"]
    raise AssertionError("the pages never ended")


def _window(base: datetime) -> dict[str, str]:
    """createdAfter and createdBefore around a test's own hour, away from other tests' rows."""
    return {"from": base.isoformat(), "to": (base + timedelta(hours=1)).isoformat()}


def _base(year: int) -> datetime:
    return datetime(year, 3, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_a_consultants_list_pages_through_every_order(
    api: Api, field: str, direction: str
) -> None:
    ann = api.account()
    rows = _seed(api, ann, _base(2001), SPECS)
    _seed(api, api.account(), _base(2001), SPECS[:3])  # someone else's, never listed
    order = {"field": field, "direction": direction}
    ids, total = await _all_pages(api, ann, {"order": order})
    assert ids == expected(rows, field, direction)
    assert total == len(rows)
    # one at a time and all at once agree
    assert (await _all_pages(api, ann, {"order": order}, first=1))[0] == ids
    assert (await _all_pages(api, ann, {"order": order}, first=100))[0] == ids


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_the_administrators_list_pages_through_every_order(
    api: Api, field: str, direction: str
) -> None:
    """Over every consultant, within a time range only this test's rows are in; and through
    User.assessments, one consultant's."""
    base = _base(2002 + ORDERS.index((field, direction)))
    ann, bob = api.account(), api.account()
    rows = _seed(api, ann, base, SPECS) + _seed(api, bob, base, SPECS[2:6])
    admin = api.account("admin")
    order = {"field": field, "direction": direction}
    ids, total = await _all_pages(api, admin, {"order": order} | _window(base))
    assert ids == expected(rows, field, direction)
    assert total == len(rows)
    variables = {"user": str(to_global_id("User", bob.id)), "order": order}
    bobs, bobs_total = await _all_pages(api, admin, variables, query=USER_LIST)
    assert bobs == expected(rows[len(SPECS) :], field, direction)
    assert bobs_total == 4


async def test_the_null_boundary_inside_a_page_and_on_its_edge(api: Api) -> None:
    """completedAt's unfinished assessments follow the finished ones, by id, both ways: the
    boundary inside the first page, on its edge, and inside the second, with no gap or
    repeat."""
    ann = api.account()
    rows = _seed(api, ann, _base(2020), SPECS)
    finished = [r for r in rows if r.completed_at is not None]
    assert len(finished) == 4
    assert len(rows) - len(finished) == 4
    for direction in ("ASC", "DESC"):
        order = {"field": "COMPLETED_AT", "direction": direction}
        want = expected(rows, "COMPLETED_AT", direction)
        for first in (3, 4, 5):  # the boundary inside the second page, on the first's edge
            ids, _ = await _all_pages(api, ann, {"order": order}, first=first)
            assert ids == want, (direction, first)
        assert set(want[4:]) == {r.gid for r in rows if r.completed_at is None}


async def test_the_default_order_is_newest_first(api: Api) -> None:
    ann = api.account()
    rows = _seed(api, ann, _base(2021), SPECS)
    newest = expected(rows, "CREATED_AT", "DESC")
    assert (await _all_pages(api, ann, {}))[0] == newest
    assert (await _all_pages(api, ann, {"order": None}))[0] == newest
    default_direction = {"order": {"field": "CREATED_AT"}}
    assert (await _all_pages(api, ann, default_direction))[0] == newest


async def test_archived_ones_are_left_out_unless_asked_for(api: Api) -> None:
    ann = api.account()
    specs = [
        {"name": "a", "business": "Kept", "created": 0, "updated": 1, "completed": 2},
        {"name": "b", "business": "Put away", "created": 1, "updated": 2, "completed": 3,
         "archived": True},
        {"name": "c", "business": "Going", "created": 2, "updated": 3},
    ]  # fmt: skip
    rows = _seed(api, ann, _base(2022), specs)
    gid = {r.client_business_name: r.gid for r in rows}
    cases = {
        "false": (False, ["Going", "Kept"]),
        "default": (..., ["Going", "Kept"]),
        "true": (True, ["Put away"]),
        "null": (None, ["Going", "Put away", "Kept"]),
    }
    for name, (archived, names) in cases.items():
        variables = {} if archived is ... else {"archived": archived}
        ids, total = await _all_pages(api, ann, variables)
        assert ids == [gid[n] for n in names], name
        assert total == len(names), name
        # the same through User.assessments, as the owner
        variables["user"] = str(to_global_id("User", ann.id))
        assert (await _all_pages(api, ann, variables, query=USER_LIST))[0] == ids, name


async def test_created_after_is_inclusive_and_created_before_exclusive(api: Api) -> None:
    ann = api.account()
    base = _base(2023)
    rows = _seed(api, ann, base, SPECS)  # created at minutes 0, 0, 1, 1, 2, 2, 3, 3
    at = {minutes: base + timedelta(minutes=minutes) for minutes in range(5)}

    async def created(**bounds: datetime) -> list[str]:
        variables = {k: v.isoformat() for k, v in bounds.items()}
        ids, total = await _all_pages(api, ann, variables)
        assert total == len(ids)
        return sorted(ids)

    def made(minutes: set[int]) -> list[str]:
        return sorted(
            r.gid for r in rows if (r.created_at - base) // timedelta(minutes=1) in minutes
        )

    assert await created(**{"from": at[1]}) == made({1, 2, 3})
    assert await created(to=at[1]) == made({0})
    assert await created(**{"from": at[1], "to": at[3]}) == made({1, 2})
    assert await created(**{"from": at[2], "to": at[2]}) == []  # an empty range, not an error
    # the offset counts: 09:01 UTC is 11:01 at +02:00
    plus_two = at[1].astimezone(timezone(timedelta(hours=2)))
    assert await created(**{"from": plus_two}) == made({1, 2, 3})


async def test_phase_filters_on_the_primary_phase_of_the_result(api: Api) -> None:
    ann = api.account()
    specs = [
        {"name": "a", "business": "One", "created": 0, "updated": 0, "completed": 1,
         "phase": "build"},
        {"name": "b", "business": "Two", "created": 1, "updated": 1, "completed": 2,
         "phase": "grow"},
        {"name": "c", "business": "Three", "created": 2, "updated": 2, "completed": 3,
         "phase": "build", "archived": True},
        {"name": "d", "business": "Four", "created": 3, "updated": 3},
    ]  # fmt: skip
    rows = _seed(api, ann, _base(2024), specs)
    gid = {r.client_business_name: r.gid for r in rows}
    builds, total = await _all_pages(api, ann, {"phase": "BUILD"})
    assert (builds, total) == ([gid["One"]], 1)
    assert (await _all_pages(api, ann, {"phase": "BUILD", "archived": None}))[0] == [
        gid["Three"],
        gid["One"],
    ]
    assert await _all_pages(api, ann, {"phase": "SYSTEMIC"}) == ([], 0)


async def test_the_filters_combine(api: Api) -> None:
    """Status, search, phase, the time range, archived and an order at once, for a
    consultant and for the administrator: exactly the rows every filter lets through, in
    order, with their count."""
    ann = api.account()
    base = _base(2025)
    specs = [
        {"name": f"Client {n}", "business": f"{kind} Bakery {n}", "created": n, "updated": 60 - n,
         "completed": 30 + n if n % 3 else None, "phase": ("build" if n % 2 else "grow")
         if n % 3 else None, "archived": n % 7 == 0 and n % 3 != 0}
        for n in range(24)
        for kind in (("Corner", "Harbour")[n % 2],)
    ]  # fmt: skip
    rows = _seed(api, ann, base, specs)
    variables = {
        "status": "COMPLETED",
        "search": "harbour",
        "phase": "BUILD",
        "from": (base + timedelta(minutes=3)).isoformat(),
        "to": (base + timedelta(minutes=20)).isoformat(),
        "archived": None,
        "order": {"field": "UPDATED_AT", "direction": "ASC"},
    }
    wanted = [
        r
        for r in rows
        if r.status == "completed"
        and "harbour" in r.client_business_name.lower()
        and r.phase == "build"
        and base + timedelta(minutes=3) <= r.created_at < base + timedelta(minutes=20)
    ]
    assert len(wanted) == 6
    assert [r.archived for r in wanted].count(True) == 1
    order = expected(wanted, "UPDATED_AT", "ASC")
    assert await _all_pages(api, ann, variables) == (order, len(order))
    admin = api.account("admin")
    assert await _all_pages(api, admin, variables) == (order, len(order))
    unarchived = [g for g in order if not next(r for r in rows if r.gid == g).archived]
    assert await _all_pages(api, ann, variables | {"archived": False}) == (
        unarchived,
        len(unarchived),
    )


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"from": "2026-01-01T00:00:00"}, "`createdAfter`"),
        ({"to": "2026-01-01T00:00:00"}, "`createdBefore`"),
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "`createdAfter`"),
        ({"search": "bad\u0000search"}, "`search`"),
        ({"first": 0}, "`first`"),
        ({"after": "not a cursor"}, "`after`"),
    ],
    ids=["after-without-offset", "before-without-offset", "range-inverted", "search-nul",
         "first-0", "after-garbage"],
)  # fmt: skip
async def test_arguments_that_cannot_be_used_are_bad_user_input(
    api: Api, variables: dict[str, Any], argument: str
) -> None:
    result = await api(LIST, variables, as_=api.account())
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert argument in error["message"]


@pytest.mark.parametrize(
    "variables",
    [
        {"order": {"field": "SCORE"}},
        {"order": {"direction": "ASC"}},
        {"order": {"field": "CLIENT_NAME", "direction": "SIDEWAYS"}},
        {"from": "yesterday"},
        {"phase": "LAUNCH"},
    ],
)
async def test_values_outside_the_schema_are_refused_before_anything_runs(
    api: Api, variables: dict[str, Any]
) -> None:
    result = await api(LIST, variables, as_=api.account())
    assert "data" not in result or result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]


async def test_a_cursor_belongs_to_its_order(api: Api) -> None:
    """The second page's cursor of each order, sent with every other order (or the other
    direction), is BAD_USER_INPUT; with its own order it reads on."""
    ann = api.account()
    _seed(api, ann, _base(2026), SPECS)
    cursors = {}
    for field, direction in ORDERS:
        order = {"field": field, "direction": direction}
        first = await api(LIST, {"first": 2, "order": order}, as_=ann)
        cursors[field, direction] = first["data"]["assessments"]["pageInfo"]["endCursor"]
    for (made_in, cursor), used_in in itertools.product(cursors.items(), ORDERS):
        order = {"field": used_in[0], "direction": used_in[1]}
        result = await api(LIST, {"first": 2, "after": cursor, "order": order}, as_=ann)
        if used_in == made_in:
            assert len(result["data"]["assessments"]["edges"]) == 2, result
            continue
        [error] = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (made_in, used_in)
        assert "order" in error["message"]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("field", "cursor"),
    [
        ("CLIENT_NAME", _cursor(f"client_name.asc,ann\u0000,{uuid4()}")),
        ("CLIENT_NAME", _cursor(f"client_name.asc,{'a' * 101},{uuid4()}")),
        ("CLIENT_NAME", _cursor(f"client_name.asc,,{uuid4()}")),
        ("CLIENT_NAME", _cursor("client_name.asc,ann,not-a-uuid")),
        ("CLIENT_NAME", _cursor("client_name.asc,ann")),
        ("CLIENT_NAME", "A" * 2000),
        ("BUSINESS_NAME", _cursor(f"client_business_name.asc,{'ł' * 201},{uuid4()}")),
        ("COMPLETED_AT", _cursor(f"completed_at.asc,yesterday,{uuid4()}")),
        ("COMPLETED_AT", _cursor(f"completed_at.asc,2026-01-01T00:00:00,{uuid4()}")),
        ("UPDATED_AT", _cursor(f"updated_at.asc,,{uuid4()}")),
        ("UPDATED_AT", _cursor(f"updated_at.asc,2026-01-01T00:00:00+00:00,,{uuid4()}")),
        ("CREATED_AT", _cursor(f"created_at.asc,2026-01-01T00:00:00+00:00,{uuid4()}\u00e9")),
        ("CREATED_AT", base64.urlsafe_b64encode(b"\xff\xfe,x").decode()),
    ],
)
async def test_a_tampered_cursor_is_bad_user_input(api: Api, field: str, cursor: str) -> None:
    """Cursors changed by hand (a NUL, names too long or empty, no id, times without an
    offset, nulls where the key has none, bytes that are not UTF-8) are refused, never a
    500; one well-formed just reads on from where it points."""
    variables = {"first": 2, "after": cursor, "order": {"field": field, "direction": "ASC"}}
    result = await api(LIST, variables, as_=api.account())
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


async def test_a_well_formed_cursor_reads_on_from_where_it_points(api: Api) -> None:
    ann = api.account()
    rows = _seed(api, ann, _base(2027), SPECS)
    by_name = expected(rows, "CLIENT_NAME", "ASC")
    last_ann = max((r for r in rows if r.client_name.lower() == "ann"), key=lambda r: r.id)
    cursor = _cursor(f"client_name.asc,ANN,{last_ann.id}")  # the key written in any case
    order = {"field": "CLIENT_NAME", "direction": "ASC"}
    result = await api(LIST, {"first": 100, "after": cursor, "order": order}, as_=ann)
    assert [e["node"]["id"] for e in result["data"]["assessments"]["edges"]] == by_name[3:]


async def test_anonymous_callers_and_other_consultants_get_nothing(api: Api) -> None:
    ann, bob = api.account(), api.account()
    _seed(api, ann, _base(2028), SPECS[:2])
    order = {"field": "CLIENT_NAME", "direction": "ASC"}
    anonymous = await api(LIST, {"order": order})
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    variables = {"user": str(to_global_id("User", ann.id)), "order": order, "archived": None}
    theirs = await api(USER_LIST, variables, as_=bob)
    assert [e["extensions"]["code"] for e in theirs["errors"]] == ["NOT_FOUND"]
    assert (await _all_pages(api, bob, {"order": order}))[0] == []
