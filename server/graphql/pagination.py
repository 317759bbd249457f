"""Relay connections, one way for every list (API.md "Pagination").

`Connection[T]` and `Edge[T]` are generic: strawberry names them after their node type
(`AssessmentConnection`, `AssessmentEdge`). `connection()` reads one keyset page of a
`persistence.listings.Listing` and wraps it; `totalCount` is counted only when a client
selects it. A list's arguments that are not right are BAD_USER_INPUT naming the argument.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry

from domain.text import text_problem
from persistence.keysets import InvalidCursor, Listing
from server.graphql.context import Context
from server.graphql.errors import ApiError

T = TypeVar("T")
D = TypeVar("D")

MAX_PAGE = 100


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    counted: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        return await self.counted()


def page_size(first: int | None, default: int) -> int:
    """The page size asked for (an explicit null means the default); 1-100 or BAD_USER_INPUT."""
    size = default if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise ApiError(f"`first` must be from 1 to {MAX_PAGE}, not {size}")
    return size


def search_term(search: str | None) -> str | None:
    """The `search` argument if it is text the service accepts (`domain.text`);
    BAD_USER_INPUT otherwise."""
    problem = None if search is None else text_problem(search)
    if problem is not None:
        raise ApiError(f"`search` {problem}")
    return search


async def connection(
    context: Context,
    listing: Listing[D],
    node: Callable[[D], T],
    *,
    first: int | None,
    after: str | None,
    default: int,
) -> Connection[T]:
    """One page of `listing` after the `after` cursor, its items made nodes by `node`."""
    size = page_size(first, default)
    async with context.db.reading() as db:
        try:
            page = await listing.page(db, first=size, after=after)
        except InvalidCursor as exc:
            raise ApiError(str(exc)) from exc

    async def counted() -> int:
        async with context.db.reading() as db:
            return await listing.count(db)

    cursors = page.cursors
    return Connection(
        edges=[
            Edge(cursor=c, node=node(item)) for c, item in zip(cursors, page.items, strict=True)
        ],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        counted=counted,
    )
