"""The cost budget of an operation (API.md "Limits"): at most 10,000 nodes, counted the way
GitHub's GraphQL API counts them.

Every connection field asks for up to `first` nodes for each node of the connections around
it, so it costs the product of its own page size and those of the connections it is nested
in; the operation costs the sum over its connection fields. `first` comes from the literal,
the variable, or the argument's default. An operation over budget is refused before anything
runs, with QUERY_TOO_COMPLEX (`server.graphql.documents` asks, for every request, since
the variables decide the page sizes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    visit,
)
from graphql.execution.values import get_variable_values

from server.graphql.errors import QUERY_TOO_COMPLEX

MAX_NODES = 10_000
PAGE_ARGUMENT = "first"

Fields = GraphQLObjectType | GraphQLInterfaceType


def operation_cost(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The number of nodes the operation may return from its connections."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    # The values execution will use: declared defaults filled in, 100.0 read as 100. When
    # they cannot be coerced, nothing runs (the request fails with BAD_USER_INPUT), so there
    # is nothing to count.
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables))
    if isinstance(coerced, list):
        return 0
    scope = _Scope(schema, fragments, coerced.coerced)
    return _selection_cost(scope, root, operation.selection_set, 1, frozenset())


@dataclass(frozen=True)
class _Scope:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]


def _selection_cost(
    scope: _Scope,
    parent: Fields,
    selections: SelectionSetNode | None,
    multiplier: int,
    seen: frozenset[str],
) -> int:
    if selections is None:
        return 0
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(scope, parent, selection, multiplier, seen)
        elif isinstance(selection, InlineFragmentNode):
            within = parent
            if selection.type_condition is not None:
                named = scope.schema.get_type(selection.type_condition.name.value)
                if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                    within = named
            total += _selection_cost(scope, within, selection.selection_set, multiplier, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = scope.fragments.get(name)
            if fragment is None or name in seen:  # unknown or cyclic: validation reports it
                continue
            named = scope.schema.get_type(fragment.type_condition.name.value)
            within = (
                named if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) else parent
            )
            total += _selection_cost(
                scope, within, fragment.selection_set, multiplier, seen | {name}
            )
    return total


def _field_cost(
    scope: _Scope, parent: Fields, node: FieldNode, multiplier: int, seen: frozenset[str]
) -> int:
    definition = parent.fields.get(node.name.value)
    if definition is None:  # an unknown field: validation reports it
        return 0
    child = get_named_type(definition.type)
    own = 0
    page_argument = definition.args.get(PAGE_ARGUMENT)
    if page_argument is not None and child.name.endswith("Connection"):
        size = _page_size(node, page_argument.default_value, scope.variables)
        multiplier *= size
        own = multiplier
    if not isinstance(child, GraphQLObjectType | GraphQLInterfaceType):
        return own
    return own + _selection_cost(scope, child, node.selection_set, multiplier, seen)


def _page_size(node: FieldNode, default: Any, variables: Mapping[str, Any]) -> int:
    value: Any = default
    for argument in node.arguments or ():
        if argument.name.value != PAGE_ARGUMENT:
            continue
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value, default)
    # A missing, null or malformed size costs the default page; sizes out of range are
    # refused by the resolver with BAD_USER_INPUT.
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 1)
    return default if isinstance(default, int) else 1


def over_budget(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], limit: int
) -> GraphQLError | None:
    """QUERY_TOO_COMPLEX for the first operation of the document over `limit` nodes."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        cost = operation_cost(schema, fragments, operation, variables)
        if cost > limit:
            name = f" '{operation.name.value}'" if operation.name else ""
            return GraphQLError(
                f"Operation{name} may return {cost:,} nodes; the limit is {limit:,}."
                " Ask for smaller pages.",
                operation,
                extensions={"code": QUERY_TOO_COMPLEX, "cost": cost, "limit": limit},
            )
    return None


def page_variables(document: DocumentNode) -> tuple[str, ...]:
    """The names of the variables the document passes as a page size (`first: $n`): the
    only ones its cost depends on."""
    found: set[str] = set()

    class Collect(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.name.value == PAGE_ARGUMENT and isinstance(node.value, VariableNode):
                found.add(node.value.name.value)

    visit(document, Collect())
    return tuple(sorted(found))
