"""GraphQL types, one module per aggregate; built from domain objects, never from rows."""
