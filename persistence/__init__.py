"""PostgreSQL adapters for the domain: tables, migrations runner, the connection pool and
statement runner, list queries, repositories, unit of work, and the embedded PostgreSQL
cluster used when no `DATABASE_URL` is given.

Imports `domain`, SQLAlchemy (to build and compile statements), alembic, psycopg and
psycopg_pool; never `server`.
"""
