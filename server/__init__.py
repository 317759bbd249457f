"""The composition root: settings, the `rise` command line, the Starlette app, the GraphQL
schema, and the adapters that need a framework (argon2 hashing, mail, storage, PDFs).

Imports `domain` and `persistence` and wires them together; nothing imports `server`.
"""
