"""The GraphQL schema served at /graphql and exported to schema.graphql."""

from __future__ import annotations

import strawberry

from server.version import service_version as _service_version


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
