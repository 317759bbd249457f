"""Shared pieces of the schema: the Node interface, page info, enums and user errors."""

from __future__ import annotations

import strawberry

from domain import model

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


@strawberry.interface(description="An object with an opaque global id, fetchable with node(id:).")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="An expected failure of a mutation; never a top-level error.")
class UserError:
    field: list[str] | None
    message: str
    code: str


@strawberry.type
class OkPayload:
    ok: bool
    user_errors: list[UserError]
