"""The job queue's tables and functions (procrastinate's), in a schema of their own,
`procrastinate`, so that they stay apart from the service's tables. The queue's connections
set their search_path to it (`server.jobs`).

This installs the schema of the procrastinate release the service pins. A later release that
changes it comes with a migration of ours that applies that release's own migration files.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SCHEMA = "procrastinate"


def upgrade() -> None:
    connection = op.get_bind()
    connection.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    previous = connection.exec_driver_sql("SELECT current_setting('search_path')").scalar_one()
    connection.exec_driver_sql(f"SET search_path TO {SCHEMA}")
    # Sent as one script with no parameters: a literal % must reach the server as it is.
    connection.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))
    connection.exec_driver_sql("SELECT set_config('search_path', %s, false)", (previous,))


def downgrade() -> None:
    op.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
