"""The cost budget of an operation (API.md "Limits"): at most 10,000 nodes, counted the way
GitHub's GraphQL API counts them.

Every connection field asks for up to `first` nodes for each node of the connections around
it, so it costs the product of its own page size and those of the connections it is nested
in; the operation costs the sum over its connection fields. `first` comes from the literal,
the variable, or the argument's default. An operation over budget is refused before anything
runs, with QUERY_TOO_COMPLEX.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension

from server.graphql.errors import QUERY_TOO_COMPLEX

MAX_NODES = 10_000
PAGE_ARGUMENT = "first"

Fields = GraphQLObjectType | GraphQLInterfaceType


def operation_cost(
    context: ValidationContext,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    """The number of nodes the operation may return from its connections."""
    root = context.schema.get_root_type(operation.operation)
    if root is None:
        return 0
    # The values execution will use: declared defaults filled in, 100.0 read as 100. When
    # they cannot be coerced, nothing runs (the request fails with BAD_USER_INPUT), so there
    # is nothing to count.
    coerced = get_variable_values(
        context.schema, operation.variable_definitions or (), dict(variables)
    )
    if isinstance(coerced, list):
        return 0
    values = coerced.coerced
    return _selection_cost(context, root, operation.selection_set, 1, values, frozenset())


def _selection_cost(
    context: ValidationContext,
    parent: Fields,
    selections: SelectionSetNode | None,
    multiplier: int,
    variables: Mapping[str, Any],
    seen: frozenset[str],
) -> int:
    if selections is None:
        return 0
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(context, parent, selection, multiplier, variables, seen)
        elif isinstance(selection, InlineFragmentNode):
            scope = parent
            if selection.type_condition is not None:
                named = context.schema.get_type(selection.type_condition.name.value)
                if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                    scope = named
            total += _selection_cost(
                context, scope, selection.selection_set, multiplier, variables, seen
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is None or name in seen:  # unknown or cyclic: validation reports it
                continue
            named = context.schema.get_type(fragment.type_condition.name.value)
            scope = named if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) else parent
            total += _selection_cost(
                context, scope, fragment.selection_set, multiplier, variables, seen | {name}
            )
    return total


def _field_cost(
    context: ValidationContext,
    parent: Fields,
    node: FieldNode,
    multiplier: int,
    variables: Mapping[str, Any],
    seen: frozenset[str],
) -> int:
    definition = parent.fields.get(node.name.value)
    if definition is None:  # an unknown field: validation reports it
        return 0
    child = get_named_type(definition.type)
    own = 0
    page_argument = definition.args.get(PAGE_ARGUMENT)
    if page_argument is not None and child.name.endswith("Connection"):
        size = _page_size(node, page_argument.default_value, variables)
        multiplier *= size
        own = multiplier
    if not isinstance(child, GraphQLObjectType | GraphQLInterfaceType):
        return own
    return own + _selection_cost(context, child, node.selection_set, multiplier, variables, seen)


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


def cost_rule(variables: Mapping[str, Any], limit: int = MAX_NODES) -> type[ValidationRule]:
    """A validation rule refusing operations over `limit` nodes, given the request's variables."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = operation_cost(self.context, node, variables)
            if cost > limit:
                name = f" '{node.name.value}'" if node.name else ""
                self.report_error(
                    GraphQLError(
                        f"Operation{name} may return {cost:,} nodes; the limit is {limit:,}."
                        " Ask for smaller pages.",
                        node,
                        extensions={"code": QUERY_TOO_COMPLEX, "cost": cost, "limit": limit},
                    )
                )

    return CostLimit


class CostLimiter(SchemaExtension):
    """Adds the cost rule, bound to this request's variables, to the validation rules."""

    def __init__(self, *, limit: int = MAX_NODES) -> None:
        self.limit = limit

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables or {}
        context.validation_rules = (*context.validation_rules, cost_rule(variables, self.limit))
        yield
