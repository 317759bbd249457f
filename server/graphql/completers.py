"""The small functions a plan is made of (see `plans`): readers take a source object and
return a field's completed value; completers take a raw value and return it completed.

Each does what graphql-core's `complete_value` would do for a value that is regular, and
raises `Irregular` for anything else (an exception or an awaitable as the value, a null
where the type forbids it, a value its scalar cannot represent, a list that is not a list or
tuple): graphql-core then completes the object itself and reports the problem its own way.
Lists must be lists or tuples because any other iterable might be consumed by the attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLOutputType,
    GraphQLString,
    is_non_null_type,
)
from graphql.pyutils import Undefined
from graphql.type.scalars import GRAPHQL_MAX_INT as MAX
from graphql.type.scalars import GRAPHQL_MIN_INT as MIN
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE

Reader = Callable[[Any], Any]
Completer = Callable[[Any], Any]
IsAwaitable = Callable[[Any], bool]

# graphql-core's scalars return values of these exact types unchanged.
UNCHANGED: dict[object, type] = {
    GraphQLString.coerce_output_value: str,
    GraphQLID.coerce_output_value: str,
    GraphQLBoolean.coerce_output_value: bool,
}
INT = GraphQLInt.coerce_output_value
FLOAT = GraphQLFloat.coerce_output_value
# Exact types that are neither exceptions nor awaitable, so need neither check.
INERT = frozenset({str, int, float, bool, datetime, date, time, Decimal, UUID})


class Irregular(Exception):
    """The value needs graphql-core's own completion (which may well report an error)."""


def field_reader(get: Reader, complete: Completer, type_: GraphQLOutputType) -> Reader:
    """Read and complete one field. A leaf whose value its scalar returns unchanged, the
    common case by far, is returned at once, saving a call (the checks are those of
    `leaf_completer`)."""
    leaf = type_.of_type if is_non_null_type(type_) else type_
    coerce = getattr(leaf, "coerce_output_value", None)
    unchanged = UNCHANGED.get(coerce)
    if unchanged is not None:

        def read(source: Any) -> Any:
            value = get(source)
            return value if type(value) is unchanged else complete(value)

        if not is_non_null_type(type_):
            # A nullable field's None, the next most common case, saves a call too.
            def read(source: Any) -> Any:
                value = get(source)
                if type(value) is unchanged or value is None:
                    return value
                return complete(value)

    elif coerce is INT:

        def read(source: Any) -> Any:
            value = get(source)
            if type(value) is int and MIN <= value <= MAX:
                return value
            return complete(value)

    elif coerce is FLOAT:

        def read(source: Any) -> Any:
            value = get(source)
            return value if type(value) is float and value - value == 0.0 else complete(value)

    else:
        return lambda source: complete(get(source))
    return read


def list_completer(item: Completer, *, nullable: bool) -> Completer:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            if nullable:
                return None
            raise Irregular
        if type(value) is not list and type(value) is not tuple:
            raise Irregular
        return [item(entry) for entry in value]

    return complete


def leaf_completer(
    type_: GraphQLLeafType, *, nullable: bool, is_awaitable: IsAwaitable
) -> Completer:
    """A scalar or enum value, completed by a function made for its type: the check for the
    values its type returns as they are comes first, the general case last."""
    coerce = type_.coerce_output_value

    def general(value: Any) -> Any:
        if value is None or value is Undefined:
            if nullable:
                return None
            raise Irregular
        if type(value) not in INERT and (isinstance(value, Exception) or is_awaitable(value)):
            raise Irregular
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Irregular
        if type(coerced) not in INERT and is_awaitable(coerced):
            raise Irregular
        return coerced

    unchanged = UNCHANGED.get(coerce)
    if unchanged is not None:
        return lambda value: value if type(value) is unchanged else general(value)
    if coerce is INT:
        return lambda value: value if type(value) is int and MIN <= value <= MAX else general(value)
    if coerce is FLOAT:
        # Only finite floats give 0.0: infinities and NaN give NaN.
        return lambda value: (
            value if type(value) is float and value - value == 0.0 else general(value)
        )
    if isinstance(type_, GraphQLEnumType):
        return _memoised(general)
    return general


def _memoised(general: Completer) -> Completer:
    """Enum members are singletons: each is coerced once, if its value cannot change. Keyed
    by identity, as members of different enums can be equal; the entry keeps the member
    alive, so that no other object can come to have its id."""
    members: dict[int, tuple[Any, Any]] = {}

    def complete(value: Any) -> Any:
        known = members.get(id(value))
        if known is not None:
            return known[1]
        coerced = general(value)
        if isinstance(value, Enum) and type(value.value) in INERT:
            members[id(value)] = (value, coerced)
        return coerced

    return complete


def object_completer(
    readers: tuple[tuple[str, Reader], ...],
    is_type_of: Callable[[Any, Any], Any] | None,
    *,
    nullable: bool,
    is_awaitable: IsAwaitable,
    exact: type | None = None,
) -> Completer:
    """Complete an object whose fields are all direct; `is_type_of` must ignore its info.
    A value of the class `exact` (the type's own, which `is_type_of` accepts unless the
    value was cast to another type) is complete without asking it."""

    def complete(value: Any) -> Any:
        if type(value) is not exact or getattr(value, TYPE_CAST_ATTRIBUTE, None) is not None:
            if value is None or value is Undefined:
                if nullable:
                    return None
                raise Irregular
            if isinstance(value, Exception) or is_awaitable(value):
                raise Irregular
            if is_type_of is not None and is_type_of(value, None) is not True:
                raise Irregular
        return {key: read(value) for key, read in readers}

    return complete
