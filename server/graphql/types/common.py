"""Shared pieces of the schema: the Node interface, enums and user errors."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import TypeVar

import strawberry

from domain import model
from domain.errors import DomainError
from server.graphql.errors import user_error_fields

log = logging.getLogger("rise.graphql")

E = TypeVar("E", bound=enum.StrEnum)

# The domain's enumerations are the schema's: their member names are the GraphQL values.
for _kind in (
    model.Role,
    model.AssessmentStatus,
    model.QuestionType,
    model.Section,
    model.Phase,
    model.DiscType,
    model.ReportType,
    model.Priority,
    model.EventCategory,
    model.Severity,
):
    strawberry.enum(_kind)


def described_enum(
    kind: type[E], *, name: str | None = None, description: str, values: Mapping[E, str]
) -> type[E]:
    """`kind` as a GraphQL enum, its member names the values, with a description of itself
    and of each value. (Strawberry's `enum_value` would make members unequal to their
    values, and the sorted schema's enum types serialize a member by its value.)"""
    strawberry.enum(kind, name=name, description=description)
    definition = kind.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values[kind[value.name]]
    return kind


@strawberry.interface(description="An object with an opaque global id, fetchable with node(id:).")
class Node:
    id: strawberry.ID


@strawberry.type(description="An expected failure of a mutation; never a top-level error.")
class UserError:
    field: list[str] | None
    message: str
    code: str

    def __post_init__(self) -> None:
        # One line for each user error made: its code and input path (names and positions
        # only), never the message, which may quote what was sent.
        where = ".".join(self.field) if self.field else "the input"
        log.info("user error %s at %s", self.code, where)

    @classmethod
    def of(
        cls, error: DomainError, *, id_field: str = "id", renames: dict[str, str] | None = None
    ) -> UserError:
        """The user error for a domain error (codes in `server.graphql.errors`)."""
        field, code = user_error_fields(error, id_field=id_field, renames=renames)
        return cls(field=field, message=error.message, code=code)


@strawberry.type
class OkPayload:
    ok: bool
    user_errors: list[UserError]
