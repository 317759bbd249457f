"""Over random selections of the toy schema (subsets of fields, aliases, merged fields,
fragments, directives) and random data (Nones, values of the wrong type, the wrong object
types), the fast executor's outcome is graphql-core's: same data, errors and resolver calls,
and neither leaves a resolver's coroutine unawaited."""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

from graphql import parse, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.toy_graph import (
    DEFAULT,
    WHEN,
    Cat,
    Dog,
    Item,
    LooksLikeDog,
    Mood,
    Tag,
    both,
    root,
)

FRAGMENTS = {
    "ItemBits": "fragment ItemBits on Item { id tags { label } child { title } }",
    "DogBits": "fragment DogBits on Dog { barks age name }",
    "PetBits": "fragment PetBits on Pet { name ... on Cat { lives } }",
}
# Each type's fields: leaves as written in a document, objects with the type they select.
LEAVES = {
    "item": ["id", "title", "note", "count", "price", "flag", "mood", "maybeMood", "when", "day",
             "odd", "words", "grid", "shout", "later", "boom", "strictBoom", "fail",
             "times",
             "t3: times(n: 3)", "__typename", "...ItemBits"],
    "tag": ["label", "weight", "__typename"],
    "dog": ["name", "barks", "age", "__typename", "...DogBits"],
    "pet": ["name", "__typename", "...PetBits", "... on Dog { barks }", "... on Cat { lives purr }",
            "...DogBits"],
}  # fmt: skip
OBJECTS = {
    "item": {"tags": "tag", "looseTags": "tag", "lazyTags": "tag", "child": "item",
             "asyncChild": "item", "dog": "dog", "pet": "pet", "pets": "pet"},
    "tag": {},
    "dog": {},
    "pet": {},
}  # fmt: skip
TYPE_NAMES = {"item": "Item", "tag": "Tag", "dog": "Dog", "pet": "Pet"}


def _field(draw: st.DrawFn, name: str) -> str:
    if name.startswith(("...", "t3:", "__")) or not draw(st.booleans()):
        text = name
    else:  # the alias always names the field, so that two uses can be merged
        text = f"{draw(st.sampled_from(['a', 'b']))}_{name}: {name}"
    if not name.startswith("...") and draw(st.integers(0, 5)) == 0:
        text += draw(st.sampled_from([" @include(if: $yes)", " @skip(if: $no)"]))
    return text


@st.composite
def selections(draw: st.DrawFn, kind: str, depth: int = 2) -> str:
    objects = OBJECTS[kind] if depth > 0 else {}
    names = draw(st.lists(st.sampled_from(LEAVES[kind] + list(objects)), min_size=1, max_size=5))
    parts = []
    for name in names:
        text = _field(draw, name)
        if name in objects:
            text += " { " + draw(selections(objects[name], depth - 1)) + " }"
        parts.append(text)
    if draw(st.integers(0, 3)) == 0:  # an inline fragment on the type itself
        inner = draw(selections(kind, depth - 1)) if depth > 0 else LEAVES[kind][0]
        parts.append(f"... on {TYPE_NAMES[kind]} {{ {inner} }}")
    return " ".join(parts)


@st.composite
def documents(draw: st.DrawFn) -> str:
    roots = draw(
        st.lists(st.sampled_from(["items", "strictItems", "item"]), min_size=1, max_size=3)
    )
    body = " ".join(f"{name} {{ {draw(selections('item'))} }}" for name in roots)
    used = "".join(f" {FRAGMENTS[name]}" for name in FRAGMENTS if f"...{name}" in body)
    # The variables are used at the root too, so that they are never unused.
    return (
        "query Q($yes: Boolean!, $no: Boolean!) { "
        "y: __typename @include(if: $yes) n: __typename @skip(if: $no) "
        f"{body} }}{used}"
    )


def mostly(regular: st.SearchStrategy[Any], *odd: Any) -> st.SearchStrategy[Any]:
    """Regular values seven times in ten, else None or one of the odd ones."""
    irregular = st.sampled_from([None, *odd])
    return st.integers(0, 9).flatmap(lambda n: regular if n < 7 else irregular)


tags = st.builds(Tag, label=mostly(st.text(max_size=3), 5), weight=mostly(st.floats(), "w"))
dogs = st.builds(Dog, name=mostly(st.just("Rex")), barks=mostly(st.booleans(), 2), age=st.none())
cats = st.builds(Cat, name=mostly(st.just("Tom")), lives=mostly(st.integers(0, 3), 2.5))
pets = st.one_of(dogs, cats)
moods = mostly(st.sampled_from(Mood), "HAPPY")


def items(depth: int) -> st.SearchStrategy[Item]:
    return st.builds(
        Item,
        id=mostly(st.text(max_size=2), 7, 1.5),
        title=mostly(st.text(max_size=4), 12, ["x"]),
        note=mostly(st.text(max_size=3)),
        count=mostly(st.integers(-3, 3), 2**40, "x", True),
        price=mostly(st.floats(allow_nan=False), float("nan"), float("inf"), 3),
        flag=mostly(st.booleans(), 2),
        mood=moods,
        maybe_mood=moods,
        when=mostly(st.just(WHEN), "yesterday"),
        day=mostly(st.just(WHEN.date()), 5),
        odd=mostly(st.integers(-3, 3)),
        words=mostly(st.lists(mostly(st.text(max_size=2)), max_size=3), "abc", ("a", "b")),
        grid=mostly(st.lists(mostly(st.lists(mostly(st.integers(-2, 2)), max_size=2)), max_size=2)),
        tags=mostly(st.lists(mostly(tags), max_size=3)),
        loose_tags=mostly(st.lists(mostly(tags), max_size=2)),
        child=items(depth - 1) if depth > 0 else st.none(),
        dog=mostly(dogs, Cat(name="Tom", lives=1), LooksLikeDog(), "Rex"),
        pet=mostly(pets, Tag(label="t", weight=None)),
        pets=mostly(st.lists(mostly(pets), max_size=2)),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=documents(),
    data=st.lists(mostly(items(2)), max_size=3),
    single=mostly(items(1)),
    variables=st.fixed_dictionaries({"yes": st.booleans(), "no": st.booleans()}),
)
def test_random_selections_over_random_data(
    document: str, data: list[Any], single: Any, variables: dict[str, bool]
) -> None:
    assert validate(DEFAULT._schema, parse(document)) == []  # the generator writes valid ones
    strict = [value for value in data if value is not None]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(both(document, lambda: root(*data, strict=strict, single=single), variables))
        gc.collect(1)  # a resolver's coroutine left unawaited warns when it is collected
    unawaited = [str(w.message) for w in caught if "never awaited" in str(w.message)]
    assert unawaited == [], (document, unawaited)
