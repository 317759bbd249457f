"""Plans for completing an object's fields straight from its source (see `execution`).

A plan lists, for one object type and one selection, every response key in the document's
order, each either *direct* (a reader: source in, completed value out) or left to
graphql-core. A reader raises as soon as anything is irregular; the executor then hands the
whole object back to graphql-core, which reports the error as it always does. So a reader
never needs to know graphql-core's error messages, only when to give up.

A field is direct when graphql-core would call, with no middleware in between and no
arguments, either Strawberry's resolver for a plain attribute or graphql-core's default
resolver, and its type is a leaf, a list or non-null wrapper of something direct, or an object
type whose selection is direct throughout and whose type check needs no ResolveInfo.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from graphql import (
    DirectiveNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    VariableNode,
    Visitor,
    default_field_resolver,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetails, FieldDetailsList, FragmentDetails
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from server.graphql.completers import (
    Completer,
    Irregular,
    Reader,
    field_reader,
    leaf_completer,
    list_completer,
    object_completer,
)

if TYPE_CHECKING:
    from graphql.execution import Executor

BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
# Directives that graphql-core applies while collecting fields; any other, @stream included,
# leaves the field to graphql-core.
COLLECTION_DIRECTIVES = frozenset({"include", "skip"})


class Plan:
    """One object type's selection: the direct readers, and every key in order, paired with
    its field details when graphql-core executes it (None when a reader computes it)."""

    __slots__ = ("is_pure", "readers", "steps")

    def __init__(
        self,
        readers: tuple[tuple[str, Reader], ...],
        steps: tuple[tuple[str, FieldDetailsList | None], ...],
    ) -> None:
        self.readers = readers
        self.steps = steps
        self.is_pure = len(readers) == len(steps)

    def complete_direct(self, source: Any) -> dict[str, Any] | None:
        """The direct fields of `source`, or None if any of them needs graphql-core."""
        try:
            return {key: read(source) for key, read in self.readers}
        except Exception:  # any failure means: let graphql-core do it
            return None


class Planner:
    """Builds and memoises the plans of one executor, as graphql-core memoises collected
    subfields: by object type and the identity of the field details list."""

    def __init__(self, executor: Executor[Any]) -> None:
        self._executor = executor
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Plan | None]]
        self._plans = {}
        self._completers: dict[
            tuple[GraphQLOutputType, int], tuple[FieldDetailsList, Completer | None]
        ] = {}
        self._shared = _SHARED if _is_static(executor.operation, executor.fragments) else None

    def _remembered(self, kind: str, type_: Any, details: FieldDetailsList, make: Any) -> Any:
        """`make()`, or what it gave for the same field nodes of an earlier request (see
        `_SHARED`)."""
        if self._shared is None:
            return make()
        key = (kind, type_, tuple(id(detail.node) for detail in details))
        known = self._shared.get(key)
        if known is None:
            known = self._shared[key] = (details, make())
            if len(self._shared) > SHARED_PLANS:
                self._shared.popitem(last=False)
        else:
            self._shared.move_to_end(key)
        return known[1]

    def completer(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Completer | None:
        """How to complete a value of `type_` for this selection directly (a resolver's
        result, say a list of plain objects); None when graphql-core must. Memoised as plans
        are."""
        key = (type_, id(details))
        cached = self._completers.get(key)
        if cached is None:

            def make() -> Completer | None:
                try:
                    # @stream on the field itself is graphql-core's to honour.
                    streamed = not all(_is_collected(detail) for detail in details)
                    return None if streamed else self._completer(type_, details)
                except Exception:  # whatever the planner cannot plan, graphql-core completes
                    return None

            complete = self._remembered("completer", type_, details, make)
            cached = self._completers[key] = (details, complete)
        return cached[1]

    def plan(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> Plan | None:
        """The plan for this selection on this type; None when no field of it is direct or
        it starts a deferred fragment."""
        key = (parent_type, id(details))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]

        def make() -> Plan | None:
            grouped, new_defer_usages, _ = self._executor.collect_subfields(parent_type, details)
            try:
                return None if new_defer_usages else self._build(parent_type, grouped)
            except Exception:  # whatever the planner cannot plan, graphql-core executes
                return None

        plan: Plan | None = self._remembered("plan", parent_type, details, make)
        # Keep the list alive with the plan, so that its id cannot be reused meanwhile.
        self._plans[key] = (details, plan)
        return plan

    def _build(
        self, parent_type: GraphQLObjectType, grouped: dict[str, FieldDetailsList]
    ) -> Plan | None:
        readers: list[tuple[str, Reader]] = []
        steps: list[tuple[str, FieldDetailsList | None]] = []
        for response_name, details in grouped.items():
            read = self._reader(parent_type, details)
            if read is None:
                steps.append((response_name, details))
            else:
                readers.append((response_name, read))
                steps.append((response_name, None))
        return Plan(tuple(readers), tuple(steps)) if readers else None

    def _reader(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> Reader | None:
        if not all(_is_plain(detail) for detail in details):
            return None
        name = details[0].node.name.value
        field = self._executor.schema.get_field(parent_type, name)
        if field is None or field.args:
            return None
        resolve = field.resolve or self._executor.field_resolver
        middleware = self._executor.middleware_manager
        if middleware is not None and middleware.get_field_resolver(resolve) is not resolve:
            return None
        get = _getter(parent_type, name, field, resolve)
        complete = self._completer(field.type, details)
        if get is None or complete is None:
            return None
        return field_reader(get, complete, field.type)

    def _completer(
        self, type_: GraphQLOutputType, details: FieldDetailsList, *, nullable: bool = True
    ) -> Completer | None:
        is_awaitable = self._executor.is_awaitable
        if is_non_null_type(type_):
            return self._completer(type_.of_type, details, nullable=False)
        if is_list_type(type_):
            item = self._completer(type_.of_type, details)
            return None if item is None else list_completer(item, nullable=nullable)
        if is_leaf_type(type_):
            return leaf_completer(type_, nullable=nullable, is_awaitable=is_awaitable)
        if is_object_type(type_) and _type_check_is_info_free(type_):
            try:
                plan = self.plan(type_, details)
            except Exception:  # graphql-core will raise it where it belongs
                return None
            if plan is not None and plan.is_pure:
                definition = type_.extensions.get(BACKREF)
                return object_completer(
                    plan.readers,
                    type_.is_type_of,
                    nullable=nullable,
                    is_awaitable=is_awaitable,
                    exact=_exact_class(definition),
                )
        # Interfaces and unions, and objects that are not direct all the way down.
        return None


# Plans and completers by the identity of the field nodes they were built from, shared by
# every request (a client sends the same few documents, whose syntax trees are reused, see
# `server.graphql.documents`). What gets collected from the nodes depends on the variables only
# through directives: operations whose directives take none share; the others plan alone.
# An entry keeps its nodes alive, so that no other node can come to have their ids.
_SHARED: OrderedDict[tuple[Any, ...], tuple[FieldDetailsList, Any]] = OrderedDict()
SHARED_PLANS = 4096
_STATIC: OrderedDict[int, tuple[OperationDefinitionNode, bool]] = OrderedDict()


def _is_static(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDetails]
) -> bool:
    """Whether no directive of the operation, or of a fragment it has, takes a variable
    (and no fragment takes arguments)."""
    known = _STATIC.get(id(operation))
    if known is not None and known[0] is operation:
        return known[1]
    found = [False]

    class Look(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if any(isinstance(a.value, VariableNode) for a in node.arguments or ()):
                found[0] = True

    if any(fragment.variable_signatures for fragment in fragments.values()):
        found[0] = True
    for node in (operation, *(fragment.definition for fragment in fragments.values())):
        visit(node, Look())
    _STATIC[id(operation)] = (operation, not found[0])
    if len(_STATIC) > SHARED_PLANS:
        _STATIC.popitem(last=False)
    return not found[0]


def _is_plain(detail: FieldDetails) -> bool:
    """A field node that reads nothing beyond its name: no arguments, no directive other than
    those already applied, outside deferred fragments and fragment arguments."""
    return (
        detail.fragment_variable_values is None
        and not detail.node.arguments
        and _is_collected(detail)
    )


def _is_collected(detail: FieldDetails) -> bool:
    """Outside deferred fragments, with no directive but those collection applied."""
    directives = detail.node.directives or ()
    return detail.defer_usage is None and all(
        directive.name.value in COLLECTION_DIRECTIVES for directive in directives
    )


def _getter(
    parent_type: GraphQLObjectType, name: str, field: GraphQLField, resolve: Callable[..., Any]
) -> Reader | None:
    """How to read the field's raw value from the source without a ResolveInfo, if it can be."""
    if name == "__typename":
        type_name = parent_type.name
        return lambda _source: type_name
    if resolve is default_field_resolver:
        return _default_getter(name)
    definition = field.extensions.get(BACKREF)
    if (
        getattr(resolve, "_is_default", False)
        and resolve.__name__ == "_get_basic_result"
        and isinstance(definition, StrawberryField)
        and definition.base_resolver is None
        and type(definition).get_result is StrawberryField.get_result
        and definition.default_resolver is getattr
    ):
        # Strawberry's resolver for a plain attribute: `getattr(source, python_name)` in the
        # end, with two calls on the way.
        return operator.attrgetter(definition.python_name)
    return None


def _default_getter(name: str) -> Reader:
    """graphql-core's default resolver, short of calling a callable value (which needs the
    ResolveInfo: graphql-core does that)."""

    def get(source: Any) -> Any:
        value = source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)
        if callable(value):
            raise Irregular
        return value

    return get


def _exact_class(definition: Any) -> type | None:
    """The Python class whose instances Strawberry's own `is_type_of` always accepts: the
    type's origin (an object that is exactly of it is of the type, whatever else it
    checks); None when there is no such class to rely on."""
    if isinstance(definition, StrawberryObjectDefinition) and definition.is_type_of is None:
        origin = definition.origin
        return origin if isinstance(origin, type) else None
    return None


def _type_check_is_info_free(type_: GraphQLObjectType) -> bool:
    """Whether the type's `is_type_of`, if any, can be called without a ResolveInfo: none, or
    the one Strawberry generates for implementations of interfaces, which ignores it."""
    if type_.is_type_of is None:
        return True
    definition = type_.extensions.get(BACKREF)
    return isinstance(definition, StrawberryObjectDefinition) and definition.is_type_of is None
