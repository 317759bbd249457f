"""`field` and `mutation`: strawberry's, with options (permissions, an explicit GraphQL type),
typed for mypy --strict. Strawberry's own decorators are typed `Any` when given options,
which would make every resolver they decorate untyped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(**options: Any) -> Callable[[F], F]:
    def declare(resolver: F) -> F:
        return cast("F", strawberry.field(resolver, **options))

    return declare


def mutation(**options: Any) -> Callable[[F], F]:
    def declare(resolver: F) -> F:
        return cast("F", strawberry.mutation(resolver, **options))

    return declare
