"""The fast executor gives graphql-core's results and errors, byte for byte, and takes its
fast path where it should. Each test runs a document with both executors (`toy_graph.both`)
and compares data (key order included), errors (message, path, locations), the resolvers
called and their order."""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

import graphql
import pytest
import strawberry
from graphql import get_introspection_query
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from server.graphql.execution import FastPathExecutionContext
from server.graphql.schema import build_schema
from tests.unit.toy_graph import (
    DEFAULT,
    FAST,
    Cat,
    Eventually,
    LooksLikeDog,
    StoredError,
    Tag,
    both,
    build,
    errors_of,
    item,
    root,
    run,
    soon,
)

ITEM_FIELDS = """
  id title note count price flag mood maybeMood when day odd words grid
  tags { label weight } looseTags { label weight } dog { __typename name barks age }
"""


async def test_plain_data_is_completed_identically() -> None:
    outcome = await both(f"{{ items {{ {ITEM_FIELDS} }} }}", lambda: root(item(1), item(2)))
    assert outcome.errors == []
    assert json.loads(outcome.data)["items"][1]["mood"] == "GRUMPY"


async def test_aliases_merged_fields_fragments_and_typename() -> None:
    document = """
    query Q {
      items {
        __typename
        first: title
        again: title
        child { id }
        child { title tags { label } }
        ...Bits
        ... on Item { count label: id }
        pet { __typename name ... on Dog { barks } ... on Cat { lives purr } ...CatBits }
        pets { name ...CatBits }
      }
    }
    fragment Bits on Item { id words tags { weight } child { tags { weight } } }
    fragment CatBits on Cat { lives }
    """
    outcome = await both(document, lambda: root(item(1, child=item(2)), item(3)))
    assert outcome.errors == []
    first = json.loads(outcome.data)["items"][0]
    assert " ".join(first) == "__typename first again child id words tags count label pet pets"
    assert first["child"] == {"id": "i2", "title": "Item 2", "tags": [
        {"label": "t2", "weight": 0.5}, {"label": "x", "weight": None}
    ]}  # fmt: skip


@pytest.mark.parametrize(("yes", "no"), [(True, False), (False, True), (True, True)])
async def test_include_and_skip_with_variables(yes: bool, no: bool) -> None:
    document = """
    query Q($yes: Boolean!, $no: Boolean!) {
      items { id title @include(if: $yes) note @skip(if: $no) tags @include(if: $yes) { label }
              ... on Item @skip(if: $no) { count } }
    }
    """
    await both(document, lambda: root(item(1)), {"yes": yes, "no": no})


IRREGULAR = [
    pytest.param({"title": None}, id="null for a non-null leaf"),
    pytest.param({"count": "seven"}, id="value of the wrong type for Int"),
    pytest.param({"count": 2**40}, id="Int out of range"),
    pytest.param({"price": float("nan")}, id="NaN for Float"),
    pytest.param({"title": ["a"]}, id="list for String"),
    pytest.param({"mood": "HAPPY"}, id="string for enum"),
    pytest.param({"when": "yesterday"}, id="string for DateTime"),
    pytest.param({"day": 5}, id="int for Date"),
    pytest.param({"odd": 2}, id="scalar coerced to None"),
    pytest.param({"words": "abc"}, id="string for a list"),
    pytest.param({"words": ("a", None)}, id="null inside a non-null list"),
    pytest.param({"grid": [[1], None]}, id="null list inside a nullable list"),
    pytest.param({"tags": [Tag(label="a", weight=1.0), None]}, id="null object in list"),
    pytest.param({"tags": [Tag(label=None, weight=1.0)]}, id="null propagates two levels"),  # type: ignore[arg-type]
    pytest.param({"loose_tags": [Tag(label=None, weight=1.0)]}, id="null into list item"),  # type: ignore[arg-type]
    pytest.param({"dog": Cat(name="Tom", lives=1)}, id="wrong object type"),
    pytest.param({"dog": LooksLikeDog()}, id="wrong type with the right attributes"),
    pytest.param({"dog": "Rex"}, id="string for an object"),
    pytest.param({"child": ValueError("stored")}, id="exception as an object"),
    pytest.param({"tags": [StoredError("stored")]}, id="exception with an object's attributes"),
    pytest.param({"note": ValueError("stored")}, id="exception as a leaf"),
    pytest.param({"note": StoredError("stored")}, id="exception that has a str"),
    pytest.param({"pet": Tag(label="x", weight=None)}, id="wrong type for an interface"),
]
COERCED = [
    pytest.param({"count": True}, id="bool for Int"),
    pytest.param({"price": 3}, id="int for Float"),
    pytest.param({"title": 12}, id="int for String"),
    pytest.param({"words": iter(["a", "b"])}, id="an iterator for a list"),
    pytest.param({"note": Eventually("later")}, id="awaitable that has a str"),
    pytest.param({"tags": [Eventually(Tag(label="t", weight=1.0))]}, id="awaitable object"),
]
DOCUMENT = f"{{ items {{ {ITEM_FIELDS} shout pet {{ name }} child {{ id }} }} }}"


@pytest.mark.parametrize("overrides", IRREGULAR)
async def test_irregular_values_give_graphql_coreserrors_of(overrides: dict[str, Any]) -> None:
    # A fresh copy for each run: an iterator, for one, is spent by the first.
    outcome = await both(DOCUMENT, lambda: root(item(1, **copy.deepcopy(overrides)), item(2)))
    assert outcome.errors != []


@pytest.mark.parametrize("overrides", COERCED)
async def test_values_graphql_core_accepts_are_completed_alike(overrides: dict[str, Any]) -> None:
    outcome = await both(DOCUMENT, lambda: root(item(1, **copy.deepcopy(overrides)), item(2)))
    assert outcome.errors == []


async def test_awaitables_in_plain_data_are_awaited() -> None:
    document = "{ items { id note tags { label } child { id } } }"

    def make_root() -> Any:
        return root(item(1, note=soon("later"), tags=[soon(Tag(label="soon", weight=None))]))

    outcome = await both(document, make_root)
    assert json.loads(outcome.data)["items"][0]["note"] == "later"


async def test_resolvers_sync_async_raising_and_with_arguments() -> None:
    document = """
    { items { id shout later boom t3: times(n: 3) times asyncChild { id title later }
              lazyTags { label } pets { name ... on Cat { purr } } }
      item { id strictBoom }
      strictItems { id strictBoom } }
    """
    outcome = await both(
        document,
        lambda: root(item(1, child=item(2)), None, item(3), strict=[item(4)], single=item(5)),
    )
    data = json.loads(outcome.data)
    assert data["item"] is None
    assert data["strictItems"] is None
    assert data["items"][0]["t3"] == 3
    assert [e[1] for e in outcome.errors] == [
        ["items", 0, "boom"],
        ["items", 2, "boom"],
        ["item", "strictBoom"],
        ["strictItems", 0, "strictBoom"],
    ]


async def test_a_failing_resolver_leaves_its_started_siblings_to_settle() -> None:
    outcome = await both(
        "{ items { id later asyncChild { id } title fail } }", lambda: root(item(1))
    )
    assert outcome.errors[0][1] == ["items", 0, "fail"]


async def test_an_irregular_field_falls_back_before_any_resolver_runs() -> None:
    """The object falls back to graphql-core as a whole; its resolvers still run once."""
    document = "{ items { id shout title later count } }"
    outcome = await both(document, lambda: root(item(1, count="x"), item(2, title=None)))
    assert outcome.calls.count(("shout", "i1")) == outcome.calls.count(("shout", "i2")) == 1


async def test_mutations_run_serially_and_identically() -> None:
    document = """
    mutation { one: addTag(label: "a") { label weight }
               item: replaceItem(title: "new") { id title tags { label } }
               two: addTag(label: "b") { __typename label } }
    """
    outcome = await both(document, lambda: None)
    assert outcome.store == ["a", "new", "b"]
    assert json.loads(outcome.data)["two"] == {"__typename": "Tag", "label": "b"}


async def test_subscription_events_are_completed_identically() -> None:
    document = 'subscription { tags(labels: ["a", null, "c"]) { __typename label weight } }'
    events = []
    for schema in (DEFAULT, FAST):
        stream = await schema.subscribe(document)
        assert not isinstance(stream, graphql.ExecutionResult)
        events.append([(json.dumps(e.data), errors_of(e.errors)) async for e in stream])
    assert events[0] == events[1]
    message = "Cannot return null for non-nullable field Tag.label."
    assert events[1][1] == ("null", [(message, ["tags", "label"], [(1, 60)])])


@pytest.mark.parametrize(
    "document",
    [
        """{ items { id ... @defer(label: "more") { title tags { label } later }
                     lazyTags @stream(initialCount: 1) { label }
                     words @stream(initialCount: 0) } }""",
        # `child` is selected outside and inside the deferred fragment: its `title` must wait.
        "{ item { child { id } ... @defer { child { title tags { label } } } } }",
        "{ items { id words @stream(initialCount: 1) tags @stream(initialCount: 0) { label } } }",
    ],
)
async def test_defer_and_stream_take_graphql_cores_path(document: str) -> None:
    await both(document, lambda: root(item(1), item(2), single=item(3, child=item(4))))


class Shouting(SchemaExtension):
    """Middleware: every string a resolver returns, basic fields' included, is upper-cased."""

    def resolve(self, _next: Any, root: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        value = _next(root, info, **kwargs)
        return value.upper() if isinstance(value, str) else value


async def test_fields_under_middleware_are_resolved_through_it() -> None:
    schemas = [build(executor, [Shouting]) for executor in (None, FastPathExecutionContext)]
    document = f"{{ items {{ {ITEM_FIELDS} }} }}"
    default, fast = [await run(schema, document, root(item(1))) for schema in schemas]
    assert fast == default
    assert json.loads(fast.data)["items"][0]["title"] == "ITEM 1"


SDL = """
type Query { things: [Thing] first: Thing! }
type Thing {
  name: String! size: Int sized(by: Int!): Int shout: String label: String other: Thing
}
"""


class Labeller:
    """A callable value, which graphql-core calls, though its str would do for a String."""

    def __call__(self, _info: Any) -> str:
        return "called"

    def __str__(self) -> str:
        return "not called"


class Thing:
    """A source for graphql-core's default resolver: attributes, and methods it calls."""

    def __init__(self, name: Any, size: Any = 1, other: Any = None) -> None:
        self.name, self.size, self.other = name, size, other
        self.label = Labeller()

    def sized(self, _info: Any, by: int) -> int:
        return int(self.size) * by

    def shout(self, _info: Any) -> str:
        return str(self.name).upper()


@pytest.mark.parametrize(
    "things",
    [
        pytest.param([Thing("a", other={"name": "b", "size": 2}), None], id="objects and dicts"),
        pytest.param([Thing(None), Thing("c", size="big")], id="irregular values"),
    ],
)
def test_graphql_cores_default_resolver_is_followed(things: list[Any]) -> None:
    schema = graphql.build_schema(SDL)
    # Not validated, as `graphql.execute` does not: graphql-core leaves out `unknown`.
    document = graphql.parse(
        "{ things { name size sized(by: 3) shout other { name size shout } } "
        "first { __typename name unknown } labels: things { label } }"
    )
    data = {"things": things, "first": {"name": "f"}}
    default, fast = (
        graphql.execute(schema, document, data, executor_class=executor)
        for executor in (StrawberryGraphQLCoreExecutionContext, FastPathExecutionContext)
    )
    assert isinstance(default, graphql.ExecutionResult)
    assert isinstance(fast, graphql.ExecutionResult)
    assert json.dumps(fast.data) == json.dumps(default.data)
    assert [e.formatted for e in fast.errors or ()] == [e.formatted for e in default.errors or ()]


class _Counting:
    def __init__(self) -> None:
        self.calls = 0


@pytest.fixture
def resolve_infos(monkeypatch: pytest.MonkeyPatch) -> _Counting:
    """Counts the ResolveInfo objects either executor builds: one per field it resolves the
    standard way."""
    counter = _Counting()
    original = StrawberryGraphQLCoreExecutionContext.build_resolve_info

    def counting(self: Any, *args: Any) -> Any:
        counter.calls += 1
        return original(self, *args)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "build_resolve_info", counting)
    return counter


async def test_plain_subtrees_take_the_fast_path(resolve_infos: _Counting) -> None:
    document = f"{{ items {{ {ITEM_FIELDS} child {{ {ITEM_FIELDS} }} }} }}"
    data = root(item(1, child=item(2)), item(3))
    await run(DEFAULT, document, data)
    standard = resolve_infos.calls
    resolve_infos.calls = 0
    await run(FAST, document, data)
    assert standard > 50
    assert resolve_infos.calls == 1  # the root field alone


async def test_only_resolver_fields_and_what_they_return_need_a_resolve_info(
    resolve_infos: _Counting,
) -> None:
    await run(FAST, "{ items { id title shout pet { name } tags { label } } }", root(item(1)))
    assert resolve_infos.calls == 3  # items, shout and pet; not pet's name


async def test_the_service_schema_answers_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    default_schema = build_schema()
    with monkeypatch.context() as patched:
        fast = functools.partial(
            strawberry.Schema, execution_context_class=FastPathExecutionContext
        )
        patched.setattr(strawberry, "Schema", fast)
        fast_schema = build_schema()
    assert fast_schema.execution_context_class is FastPathExecutionContext
    for document in ("{ serviceVersion }", get_introspection_query(descriptions=True)):
        fast_result = await fast_schema.execute(document)
        default_result = await default_schema.execute(document)
        assert default_result.errors is None
        assert fast_result.errors is None
        assert json.dumps(fast_result.data) == json.dumps(default_result.data)
