"""A consultant's live booking links in display order, read by an index.

Every read of booking links (the User.schedulerLinks list, the client report, and each
change, which reads the consultant's list first) asks for one consultant's links that are not
deleted, ordered by (display_order, created_at, id): this partial index serves exactly that.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEX = "idx_scheduler_links_consultant_order"


def upgrade() -> None:
    op.create_index(
        INDEX,
        "scheduler_links",
        ["consultant_id", "display_order", "created_at", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="scheduler_links")
