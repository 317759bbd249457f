"""PostgreSQL adapters for the domain: tables, migrations runner, repositories, unit of work,
and the embedded PostgreSQL cluster used when no `DATABASE_URL` is given.

Imports `domain`, SQLAlchemy, alembic and psycopg; never `server`.
"""
