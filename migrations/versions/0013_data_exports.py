"""Data exports: one row per export requested (an account's, or a client's by email), built
into a ZIP file by a job and kept until it expires.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.create_table(
        "data_exports",
        sa.Column("id", postgresql.UUID(), server_default=sa.text("gen_random_uuid()")),
        sa.Column("requested_by", postgresql.UUID(), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("client_email", sa.String(255), comment="A client export's address"),
        sa.Column(
            "consultant_id",
            postgresql.UUID(),
            comment="A client export's practice; empty: every consultant's",
        ),
        sa.Column("status", sa.String(20), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("file_size_bytes", sa.BigInteger()),
        sa.Column("error", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_data_exports"),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name="fk_data_exports_requested_by_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultant_id"],
            ["users.id"],
            name="fk_data_exports_consultant_id_users",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("subject IN ('account', 'client')", name="subject"),
        sa.CheckConstraint("status IN ('pending', 'ready', 'failed')", name="status"),
        comment="Exports of an account or a client, built by a job",
    )
    op.create_index("idx_data_exports_requested_by", "data_exports", ["requested_by", "created_at"])
    op.create_index("idx_data_exports_consultant_id", "data_exports", ["consultant_id"])
    op.create_index(
        "idx_data_exports_waiting",
        "data_exports",
        ["status"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table("data_exports")
