"""What a client selected below a field, for resolvers that load a page's relations ahead.

`requested` reads the operation's syntax tree and over-approximates: it follows fragments
whatever their type condition and does not evaluate @include or @skip. Loading ahead is only
ever an optimisation (every relation field loads for itself when nothing was loaded for it),
so asking for too much costs a statement at worst and never changes an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)

from server.graphql.context import Info


def _fields(
    selections: Iterable[SelectionNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set.selections, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                found.extend(_fields(fragment.selection_set.selections, fragments))
    return found


def _children(
    fields: Iterable[FieldNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    return [
        child
        for field in fields
        if field.selection_set is not None
        for child in _fields(field.selection_set.selections, fragments)
    ]


def requested(info: Info, *path: str) -> set[str]:
    """The names of the fields selected at `path` below the current field: `("edges",
    "node")` for the nodes of a connection, `()` for the field's own object."""
    raw = info._raw_info
    fragments = raw.fragments
    level = _children(raw.field_nodes, fragments)
    for name in path:
        level = _children([f for f in level if f.name.value == name], fragments)
    return {field.name.value for field in level}
