"""What a client selected below a field, for resolvers that load a page's relations ahead.

`requested` over-approximates: it follows fragments whatever their type condition and does
not evaluate @include or @skip. Loading ahead is only ever an optimisation (every relation
field loads for itself when nothing was loaded for it), so asking for too much costs a
statement at worst and never changes an answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from server.graphql.context import Info


def _fields(selections: Iterable[Selection]) -> list[SelectedField]:
    found: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.append(selection)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            found.extend(_fields(selection.selections))
    return found


def requested(info: Info, *path: str) -> set[str]:
    """The names of the fields selected at `path` below the current field: `("edges",
    "node")` for the nodes of a connection, `()` for the field's own object."""
    level = _fields(info.selected_fields)
    level = [child for field in level for child in _fields(field.selections)]
    for name in path:
        level = [child for f in level if f.name == name for child in _fields(f.selections)]
    return {field.name for field in level}
