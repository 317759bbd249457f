"""Phase result flags (SCORING §3): CRITICAL_STABILIZE, SCORP_PAYROLL_RISK, FOUNDATION_GAP,
INSUFFICIENT_DATA and DISC_UNDETERMINED, stored with the result they describe.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "phase_results",
        sa.Column(
            "flags",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
            comment="SCORING §3 flags, e.g. CRITICAL_STABILIZE, SCORP_PAYROLL_RISK",
        ),
    )


def downgrade() -> None:
    op.drop_column("phase_results", "flags")
