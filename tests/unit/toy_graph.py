"""A small Strawberry schema with every shape the fast executor must complete exactly as
graphql-core does, and the harness that runs a document through it twice: once with
Strawberry's own executor and once with `FastPathExecutionContext`."""

from __future__ import annotations

import asyncio
import enum
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NewType

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig

from server.graphql.execution import FastPathExecutionContext


class Mood(enum.Enum):
    HAPPY = "happy"
    GRUMPY = "grumpy"


strawberry.enum(Mood)


def _record(info: strawberry.Info, name: str, source: Any) -> None:
    """Each executor must call resolvers exactly as often, and in the same order."""
    info.context["calls"].append((name, getattr(source, "id", None)))


@strawberry.interface
class Pet:
    name: str


@strawberry.type
class Dog(Pet):
    barks: bool
    age: int | None


@dataclass
class LooksLikeDog:
    """Has a Dog's attributes but is no Dog: Dog's type check must refuse it."""

    name: str = "Imposter"
    barks: bool = True
    age: int | None = None


class StoredError(Exception):
    """An exception returned as a value, which graphql-core raises for the field; it has a
    Tag's attributes and a str, so that only the check for exceptions tells it apart."""

    label = "stored"
    weight = None


class Eventually:
    """An awaitable that is not a coroutine, with a Tag's attributes and a str; graphql-core
    awaits it."""

    label = "now"
    weight = None

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return soon(self.value).__await__()

    def __str__(self) -> str:
        return "not yet"


# Odd numbers; an even one is coerced to None, which graphql-core refuses.
Odd = NewType("Odd", int)
ODD = strawberry.scalar(
    name="Odd", serialize=lambda value: value if value % 2 else None, parse_value=int
)


@strawberry.type
class Cat(Pet):
    lives: int

    @strawberry.field
    def purr(self, info: strawberry.Info) -> str:
        _record(info, "purr", self)
        return "r" * self.lives


@strawberry.type
class Tag:
    label: str
    weight: float | None


@strawberry.type
class Item:
    id: strawberry.ID
    title: str
    note: str | None
    count: int
    price: float | None
    flag: bool
    mood: Mood
    maybe_mood: Mood | None
    when: datetime
    day: date | None
    odd: Odd | None
    words: list[str]
    grid: list[list[int | None]] | None
    tags: list[Tag]
    loose_tags: list[Tag | None] | None
    child: Item | None
    dog: Dog | None
    pet: Pet | None
    pets: list[Pet]

    @strawberry.field
    def shout(self, info: strawberry.Info) -> str:
        _record(info, "shout", self)
        return str(self.title).upper()

    @strawberry.field
    async def later(self, info: strawberry.Info) -> int | None:
        _record(info, "later", self)
        await asyncio.sleep(0)
        return self.count

    @strawberry.field
    def boom(self, info: strawberry.Info) -> str | None:
        _record(info, "boom", self)
        raise ValueError(f"boom on {self.id}")

    @strawberry.field
    async def strict_boom(self, info: strawberry.Info) -> str:
        _record(info, "strict_boom", self)
        raise ValueError(f"strict boom on {self.id}")

    @strawberry.field
    def fail(self, info: strawberry.Info) -> str:
        """Raises synchronously while siblings may be under way."""
        _record(info, "fail", self)
        raise ValueError(f"fail on {self.id}")

    @strawberry.field
    def times(self, info: strawberry.Info, n: int = 2) -> int:
        _record(info, "times", self)
        return int(self.count) * n

    @strawberry.field
    async def async_child(self, info: strawberry.Info) -> Item | None:
        _record(info, "async_child", self)
        await asyncio.sleep(0)
        return self.child

    @strawberry.field
    def lazy_tags(self, info: strawberry.Info) -> list[Tag]:
        """A list whose items are awaitables."""
        _record(info, "lazy_tags", self)
        return [soon(tag) for tag in self.tags]  # type: ignore[misc]


async def soon(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


@strawberry.type
class Query:
    items: list[Item | None]
    strict_items: list[Item] | None
    item: Item | None


@strawberry.type
class Mutation:
    @strawberry.mutation
    def add_tag(self, info: strawberry.Info, label: str) -> Tag:
        info.context["store"].append(label)
        return Tag(label=label, weight=float(len(info.context["store"])))

    @strawberry.mutation
    async def replace_item(self, info: strawberry.Info, title: str) -> Item:
        await asyncio.sleep(0)
        info.context["store"].append(title)
        return item(1, title=title)


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def tags(self, labels: list[str | None]) -> AsyncGenerator[Tag, None]:
        for label in labels:
            yield Tag(label=label, weight=None)  # type: ignore[arg-type]


def build(executor: type | None, extensions: list[Any] | None = None) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Dog, Cat],
        extensions=extensions or [],
        execution_context_class=executor,
        config=StrawberryConfig(
            enable_experimental_incremental_execution=True, scalar_map={Odd: ODD}
        ),
    )


DEFAULT = build(None)
FAST = build(FastPathExecutionContext)
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def item(n: int, **overrides: Any) -> Item:
    """A regular item, with `overrides` set as they are, however wrong their type."""
    values: dict[str, Any] = {
        "id": f"i{n}",
        "title": f"Item {n}",
        "note": None if n % 2 else f"note {n}",
        "count": n,
        "price": n * 1.5,
        "flag": n % 3 == 0,
        "mood": Mood.HAPPY if n % 2 else Mood.GRUMPY,
        "maybe_mood": None,
        "when": WHEN,
        "day": WHEN.date(),
        "odd": 1,
        "words": ["a", f"w{n}"],
        "grid": [[1, None], [n]],
        "tags": [Tag(label=f"t{n}", weight=0.5), Tag(label="x", weight=None)],
        "loose_tags": [None, Tag(label="loose", weight=2.0)],
        "child": None,
        "dog": Dog(name="Rex", barks=True, age=None),
        "pet": Cat(name="Tom", lives=3) if n % 2 else Dog(name="Fido", barks=False, age=4),
        "pets": [Dog(name="Rex", barks=True, age=2), Cat(name="Kit", lives=1)],
    }
    values.update(overrides)
    return Item(**values)


def root(*items: Any, strict: list[Any] | None = None, single: Any = None) -> Query:
    return Query(items=list(items), strict_items=strict, item=single)


@dataclass
class Outcome:
    """What a client sees of one execution, and what the resolvers did to get it."""

    data: str
    errors: list[tuple[str, Any, Any]]
    calls: list[tuple[str, Any]] = field(default_factory=list)
    store: list[str] = field(default_factory=list)


def errors_of(errors: list[GraphQLError] | None) -> list[tuple[str, Any, Any]]:
    return [
        (e.message, e.path, [(loc.line, loc.column) for loc in e.locations or ()])
        for e in errors or ()
    ]


async def run(
    schema: strawberry.Schema,
    document: str,
    root_value: Any,
    variables: dict[str, Any] | None = None,
) -> Outcome:
    context: dict[str, Any] = {"calls": [], "store": []}
    result = await schema.execute(
        document, variable_values=variables, root_value=root_value, context_value=context
    )
    if hasattr(result, "initial_result"):  # @defer or @stream: every payload, in order
        payloads = [result.initial_result.formatted]
        payloads += [payload.formatted async for payload in result.subsequent_results]
        data, errors = json.dumps(payloads), []
    else:
        data, errors = json.dumps(result.data), errors_of(result.errors)
    # What ran before the response; work left in the background (siblings of a failed field)
    # is let finish now, so that it cannot run into the next execution.
    outcome = Outcome(data, errors, list(context["calls"]), list(context["store"]))
    await _settle_background()
    return outcome


async def _settle_background() -> None:
    for _ in range(100):
        if len(asyncio.all_tasks()) <= 1:
            return
        await asyncio.sleep(0)


async def both(document: str, make_root: Any, variables: dict[str, Any] | None = None) -> Outcome:
    """Runs the document with each executor over fresh data from `make_root()`, checks that
    the outcomes are identical and returns it."""
    default = await run(DEFAULT, document, make_root(), variables)
    fast = await run(FAST, document, make_root(), variables)
    assert fast.data == default.data
    assert fast.errors == default.errors
    assert fast.calls == default.calls, (fast.calls, default.calls)
    assert fast.store == default.store
    return fast
