"""Operation documents: parsed and validated once, then reused, with API.md's limits.

Clients send the same few documents over and over (a dashboard, an autosave), so a
document's parse and its validation (the spec's rules and our limits: depth 10, 15 aliases,
2,000 tokens, no introspection when it is off) are kept by the document's text, for the
most recently used documents of a bounded size. What depends on the request is still checked
for every one: the cost of 10,000 nodes, which the variables' page sizes decide.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    specified_rules,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from server.graphql.cost import MAX_NODES, over_budget

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2_000
MAX_BATCH = 5
CACHED_DOCUMENTS = 256
CACHED_LENGTH = 16_384  # characters; longer documents are parsed and validated every time


@dataclass
class _Known:
    document: DocumentNode
    errors: list[GraphQLError] | None = None  # None until validated


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
        self._known[query] = _Known(document)
        while len(self._known) > CACHED_DOCUMENTS:
            self._known.popitem(last=False)

    def errors(
        self, schema: GraphQLSchema, query: str, document: DocumentNode
    ) -> list[GraphQLError]:
        """The document's validation errors, remembered for a document kept here."""
        known = self._known.get(query)
        if known is not None and known.document is document and known.errors is not None:
            return known.errors
        errors = validate(schema, document, self.rules)
        if known is not None and known.document is document:
            known.errors = errors
        return errors


class DocumentCache(SchemaExtension):
    """The parse and validate steps of an operation, through `Documents`."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        context.graphql_document = self.documents.parsed(query)
        context.parse_options["max_tokens"] = MAX_TOKENS
        yield
        if context.graphql_document is not None:
            self.documents.keep(query, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            schema = context.schema._schema
            errors = list(self.documents.errors(schema, context.query or "", document))
            if not errors:
                too_costly = over_budget(schema, document, context.variables or {}, MAX_NODES)
                errors = [too_costly] if too_costly else []
            # Set, so strawberry runs no validation of its own.
            context.pre_execution_errors = errors
        yield
