"""The public GraphQL API (Strawberry): the schema, one module per aggregate under `types/`,
the request context, loaders, permissions and error mapping. Imports `domain` and the rest of
`server`; reaches the database only through use cases and loaders.
"""
