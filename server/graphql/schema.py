"""The GraphQL schema served at /graphql and exported to schema.graphql."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import strawberry


def _service_version() -> str:
    try:
        return version("financial-rise")
    except PackageNotFoundError:
        return "unknown"


@strawberry.type
class Query:
    service_version: str = strawberry.field(
        resolver=_service_version,
        description="The version of the Financial RISE service answering.",
    )


schema = strawberry.Schema(query=Query)


def export_sdl() -> str:
    """The schema in SDL, as checked in at schema.graphql."""
    return schema.as_str().rstrip("\n") + "\n"
