"""The outbox of email: one row per message, written in the transaction of the change that
caused it and delivered by a job (`server.jobs`), which records each attempt's outcome.

The bodies are kept only until the message is sent or has failed for good: a password-reset
message carries a token, and nothing needs a body afterwards.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.create_table(
        "email_messages",
        sa.Column("id", postgresql.UUID(), server_default=sa.text("gen_random_uuid()")),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("recipient", sa.String(255), nullable=False),
        sa.Column(
            "reply_to", sa.String(255), comment="Where replies go: the consultant who sent it"
        ),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column(
            "text_body",
            sa.Text(),
            comment="Plain-text part; cleared once the message is sent or has failed",
        ),
        sa.Column(
            "html_body", sa.Text(), comment="HTML part, if any; cleared with the plain-text part"
        ),
        sa.Column("status", sa.String(20), server_default=sa.text("'queued'"), nullable=False),
        sa.Column(
            "attempts",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Delivery attempts made so far",
        ),
        sa.Column("last_error", sa.Text()),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=NOW,
            nullable=False,
            comment="When a queued message is next due to be tried",
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("assessment_id", postgresql.UUID()),
        sa.Column(
            "user_id",
            postgresql.UUID(),
            comment="The account it was sent for: the consultant who sent it, or the recipient",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint(
            "kind IN ('REPORT_READY', 'PASSWORD_RESET', 'PASSWORD_CHANGED', "
            "'ASSESSMENT_INVITATION')",
            name="kind",
        ),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),
        sa.CheckConstraint("attempts >= 0", name="attempts_range"),
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_with_time"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_email_messages_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_email_messages_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_email_messages"),
        comment="Outgoing email, one row per message, delivered by the job queue",
    )
    op.create_index(
        "idx_email_messages_assessment_id", "email_messages", ["assessment_id", "created_at"]
    )
    op.create_index("idx_email_messages_user_id", "email_messages", ["user_id"])
    op.create_index(
        "idx_email_messages_due",
        "email_messages",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'queued'"),
    )


def downgrade() -> None:
    op.drop_table("email_messages")
