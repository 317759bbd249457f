"""An index on users.password_reset_token, so that redeeming a reset token finds its account
without reading the whole users table. Partial: only accounts with a reset pending.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "idx_users_password_reset_token",
        "users",
        ["password_reset_token"],
        postgresql_where=sa.text("password_reset_token IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("idx_users_password_reset_token", table_name="users")
