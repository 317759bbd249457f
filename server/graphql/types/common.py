"""Shared pieces of the schema: the Node interface, enums and user errors."""

from __future__ import annotations

import logging

import strawberry

from domain import model
from domain.errors import DomainError
from server.graphql.errors import user_error_fields

log = logging.getLogger("rise.graphql")

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
    model.CompletedBy,
    model.EventCategory,
    model.Severity,
):
    strawberry.enum(_kind)


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
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
