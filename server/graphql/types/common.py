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


def page_info(cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
    """A forward page's info: its edges' cursors, whether more follow, and whether it started
    after a cursor."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type(description="An expected failure of a mutation; never a top-level error.")
class UserError:
    field: list[str] | None
    message: str
    code: str


@strawberry.type
class OkPayload:
    ok: bool
    user_errors: list[UserError]
