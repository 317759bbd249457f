"""Operation documents: parsed and validated once, then reused, with API.md's limits.

Clients send the same few documents over and over (a dashboard, an autosave), so a
document's parse and its validation (the spec's rules and our limits: depth 10, 15 aliases,
2,000 tokens, no introspection when it is off) are kept by the document's text, for the
most recently used documents of a bounded size. The cost of 10,000 nodes depends on the
page sizes the variables ask for: its verdict is kept by those values.

Which operation of a document runs is chosen here too, as GraphQL's GetOperation says: the
one `operationName` names, or the only one when no name is given; a document with several
operations and no name, or a name that names none of them, is a request error. A kept
document keeps its operations by name, so the choice is a dictionary look-up.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    specified_rules,
    validate,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from server.graphql.cost import MAX_NODES, over_budget, page_variables
from server.graphql.errors import OPERATION_RESOLUTION_FAILURE

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2_000
MAX_BATCH = 5
CACHED_DOCUMENTS = 256
CACHED_LENGTH = 16_384
VERDICTS_KEPT = 16  # characters; longer documents are parsed and validated every time


@dataclass(frozen=True)
class _Operations:
    """A document's operations: by name, and the one run when no name is given."""

    named: dict[str, OperationDefinitionNode]
    unnamed: OperationDefinitionNode | GraphQLError

    @classmethod
    def of(cls, document: DocumentNode) -> _Operations:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        unnamed: OperationDefinitionNode | GraphQLError
        if len(operations) == 1:
            unnamed = operations[0]
        else:
            unnamed = _unresolved(
                "the document has several operations: name the one to run in operationName"
                if operations
                else "the document has no operation to run"
            )
        named = {o.name.value: o for o in operations if o.name is not None}
        return cls(named=named, unnamed=unnamed)

    def chosen(self, name: str | None) -> OperationDefinitionNode | GraphQLError:
        if name is None:
            return self.unnamed
        found = self.named.get(name)
        if found is None:
            return _unresolved(f'the document has no operation named "{name}"')
        return found


def _unresolved(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": OPERATION_RESOLUTION_FAILURE})


@dataclass
class _Known:
    document: DocumentNode
    operations: _Operations
    errors: list[GraphQLError] | None = None  # None until validated
    page_variables: tuple[str, ...] = ()  # the variables that give page sizes
    # The cost check's verdict by those variables' values (a few of the latest).
    verdicts: OrderedDict[tuple[Any, ...], GraphQLError | None] = field(default_factory=OrderedDict)


@dataclass
class Documents:
    """The validation rules in force, and the documents seen lately (LRU, by text)."""

    introspection: bool
    rules: Sequence[type[ASTValidationRule]] = field(init=False)
    _known: OrderedDict[str, _Known] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self.rules = (
            *specified_rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
            depth_rule(MAX_DEPTH, None),
            aliases_rule(MAX_ALIASES),
            *(() if self.introspection else (NoSchemaIntrospectionCustomRule,)),
        )

    def parsed(self, query: str) -> DocumentNode | None:
        known = self._known.get(query)
        if known is None:
            return None
        self._known.move_to_end(query)
        return known.document

    def keep(self, query: str, document: DocumentNode) -> None:
        if len(query) > CACHED_LENGTH or query in self._known:
            return
        self._known[query] = _Known(
            document, _Operations.of(document), page_variables=page_variables(document)
        )
        while len(self._known) > CACHED_DOCUMENTS:
            self._known.popitem(last=False)

    def operation(
        self, query: str, document: DocumentNode, name: str | None
    ) -> OperationDefinitionNode | GraphQLError:
        """The operation of the document to run, or the request error saying why none is."""
        known = self._known.get(query)
        if known is None or known.document is not document:
            return _Operations.of(document).chosen(name)
        return known.operations.chosen(name)

    def errors(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        variables: Mapping[str, Any],
    ) -> list[GraphQLError]:
        """The document's validation errors or, when it is valid, the cost check's: both
        remembered for a document kept here, the cost by the page sizes asked for."""
        known = self._known.get(query)
        if known is None or known.document is not document:
            errors = validate(schema, document, self.rules)
            if errors:
                return errors
            too_costly = over_budget(schema, document, variables, MAX_NODES)
            return [too_costly] if too_costly else []
        if known.errors is None:
            known.errors = validate(schema, document, self.rules)
        if known.errors:
            return known.errors
        sizes = tuple(repr(variables.get(name)) for name in known.page_variables)
        if sizes not in known.verdicts:
            known.verdicts[sizes] = over_budget(schema, document, variables, MAX_NODES)
            if len(known.verdicts) > VERDICTS_KEPT:
                known.verdicts.popitem(last=False)
        verdict = known.verdicts[sizes]
        return [verdict] if verdict else []
