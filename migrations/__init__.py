"""Alembic migrations: `env.py` and the reviewed, reversible revisions in `versions/`.

Revisions spell out their own DDL and never import `persistence.models`, whose tables move
on; `env.py` imports it only to let autogenerate compare. Imports alembic, SQLAlchemy and
`persistence`.
"""
