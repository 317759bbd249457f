"""The rate-limit windows, shared by every process and instance of a deployment.

One row per counted key (an action, what is counted, and whose: `login/account/ann@…`): the
times of the attempts still inside the moving window, at most the rule's allowance of them,
and when the last of them leaves it. `persistence.rate_windows` counts an attempt in one
statement and sweeps the rows whose window has emptied.

UNLOGGED: the counters are worth less than the write-ahead log they would cost on every sign-in.
After a crash PostgreSQL empties the table (and a standby does not have it), so the worst a
crash does is give every client a fresh allowance.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_windows",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column(
            "hits",
            postgresql.ARRAY(sa.DateTime(timezone=True)),
            nullable=False,
            comment="When each attempt still inside the window was counted",
        ),
        sa.Column(
            "expires_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When the last counted attempt leaves the window",
        ),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limit_windows"),
        comment="Moving rate-limit windows, one per counted key",
        prefixes=["UNLOGGED"],
    )
    op.create_index("idx_rate_limit_windows_expires_at", "rate_limit_windows", ["expires_at"])


def downgrade() -> None:
    op.drop_index("idx_rate_limit_windows_expires_at", table_name="rate_limit_windows")
    op.drop_table("rate_limit_windows")
