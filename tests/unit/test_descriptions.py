"""The schema describes itself, from one catalogue (`server.graphql.descriptions`): every
type, field, argument, input field and enum value has a description, every entry of the
catalogue names something of the schema, and no description comes from anywhere else.
Introspection (what GraphiQL reads) and schema.graphql show the same descriptions."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import cast

import graphql
import pytest
import strawberry
from graphql import (
    GraphQLSchema,
    IntrospectionQuery,
    build_client_schema,
    get_introspection_query,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

from server.graphql.descriptions import DESCRIPTIONS, coordinates, describe
from server.graphql.schema import build_schema

OUR_PACKAGES = {"domain", "persistence", "server"}


def undescribed(schema: GraphQLSchema) -> list[str]:
    """The coordinates of `schema` without a description."""
    return sorted(
        c for c, element in coordinates(schema) if not (element.description or "").strip()
    )


def stale(schema: GraphQLSchema, catalogue: Mapping[str, str]) -> list[str]:
    """The catalogue's entries that name nothing in `schema`."""
    return sorted(set(catalogue) - {c for c, _ in coordinates(schema)})


def given_in_code(definition: object) -> str | None:
    """The description a Strawberry definition of ours carries itself (`description=` on a
    type, field, argument or enum value). A library's scalar (Date, DateTime) comes with its
    own words, which the catalogue replaces: those are not ours to remove."""
    if isinstance(definition, ScalarDefinition):
        module = getattr(definition.origin, "__module__", None) or ""
        if module.partition(".")[0] not in OUR_PACKAGES:
            return None
    description = getattr(definition, "description", None)
    return description if isinstance(description, str) else None


def described_elsewhere(schema: GraphQLSchema, catalogue: Mapping[str, str]) -> list[str]:
    """The coordinates whose description does not come from the catalogue: given in the
    code, or shown different from the catalogue's words."""
    found = []
    for coordinate, element in coordinates(schema):
        definition = element.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        shown, wanted = element.description, catalogue.get(coordinate)
        if given_in_code(definition) is not None or (shown is not None and shown != wanted):
            found.append(coordinate)
    return sorted(found)


@pytest.fixture(scope="module")
def served() -> GraphQLSchema:
    return build_schema()._schema


def test_every_coordinate_has_a_description(served: GraphQLSchema) -> None:
    missing = undescribed(served)
    assert missing == [], f"describe these in server/graphql/descriptions.py: {missing}"


def test_every_entry_names_a_coordinate(served: GraphQLSchema) -> None:
    unknown = stale(served, DESCRIPTIONS)
    assert unknown == [], f"remove these from server/graphql/descriptions.py: {unknown}"


def test_descriptions_come_from_the_catalogue_alone(served: GraphQLSchema) -> None:
    elsewhere = described_elsewhere(served, DESCRIPTIONS)
    assert elsewhere == [], (
        f"move these descriptions to server/graphql/descriptions.py: {elsewhere}"
    )


def test_every_way_of_building_the_schema_describes_it() -> None:
    production = build_schema(production=True, introspection=False)._schema
    assert undescribed(production) == []
    assert described_elsewhere(production, DESCRIPTIONS) == []


def test_introspection_and_the_exported_schema_show_the_descriptions() -> None:
    """What GraphiQL's documentation reads (introspection), and the SDL that
    `rise export-schema` writes to schema.graphql."""
    schema = build_schema()
    result = schema.execute_sync(get_introspection_query(descriptions=True))
    assert result.errors is None
    assert result.data is not None
    for read_back in (
        build_client_schema(cast("IntrospectionQuery", result.data)),
        graphql.build_schema(schema.as_str()),
    ):
        shown = {c: element.description for c, element in coordinates(read_back)}
        assert shown == DESCRIPTIONS


def test_built_in_scalars_keep_their_own_descriptions(served: GraphQLSchema) -> None:
    names = {c for c, _ in coordinates(served)}
    assert names.isdisjoint({"String", "Int", "Float", "Boolean", "ID"})
    assert served.type_map["String"].description == graphql.GraphQLString.description


# -- the checks themselves, on a toy schema with a gap of each kind ----------------------------


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"


@strawberry.input
class Paint:
    colour: Colour


@strawberry.type
class Toy:
    name: str
    size: int = strawberry.field(description="given in code")


@strawberry.type
class ToyQuery:
    @strawberry.field
    def toy(self, paint: Paint | None = None) -> Toy:
        return Toy(name="ball", size=1)


TOY_COORDINATES = [
    "Colour",
    "Colour.RED",
    "Paint",
    "Paint.colour",
    "Toy",
    "Toy.name",
    "Toy.size",
    "ToyQuery",
    "ToyQuery.toy",
    "ToyQuery.toy(paint:)",
]


def toy_schema() -> GraphQLSchema:
    return strawberry.Schema(query=ToyQuery)._schema


def test_coordinates_are_written_as_the_specification_writes_them() -> None:
    assert [c for c, _ in coordinates(toy_schema())] == TOY_COORDINATES


def test_the_checks_find_a_missing_a_stale_and_a_second_description() -> None:
    schema = toy_schema()
    catalogue = {c: f"words for {c}" for c in TOY_COORDINATES if c != "Toy.name"}
    catalogue["Toy.colour"] = "a field the toy does not have"
    describe(schema, catalogue)
    assert undescribed(schema) == ["Toy.name"]
    assert stale(schema, catalogue) == ["Toy.colour"]
    assert described_elsewhere(schema, catalogue) == ["Toy.size"]


def test_a_description_set_after_the_catalogue_is_found() -> None:
    schema = toy_schema()
    catalogue = {c: f"words for {c}" for c in TOY_COORDINATES}
    describe(schema, catalogue)
    paint = schema.type_map["Paint"]
    assert isinstance(paint, graphql.GraphQLInputObjectType)
    paint.fields["colour"].description = "other words"
    assert described_elsewhere(schema, catalogue) == ["Paint.colour", "Toy.size"]


def test_a_scalar_of_ours_with_its_own_description_is_found() -> None:
    """Date and DateTime are strawberry's, with strawberry's words; a scalar declared in our
    packages takes its words from the catalogue like everything else."""
    assert given_in_code(DateTimeDefinition) is None
    mine = type("Mine", (), {"__module__": "server.graphql.types.common"})
    ours = ScalarDefinition("Mine", "words", None, None, None, None, origin=mine)
    assert given_in_code(ours) == "words"
