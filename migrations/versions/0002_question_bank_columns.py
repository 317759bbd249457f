"""Question bank columns: a stable key, N/A, multiple-choice caps and answer mirrors.

The bank file (domain/bank/bank.json) is loaded into `questions` after every upgrade; these
columns hold what it says beyond the design's: each question's stable key (its id is derived
from it), whether N/A is accepted, the per-phase caps of multiple-choice questions, and which
assessment column copies the answer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The table is empty at this point: the bank is first loaded after this revision.
    op.add_column(
        "questions",
        sa.Column(
            "key",
            sa.String(20),
            nullable=False,
            comment="Stable key from the bank file, e.g. STAB-003",
        ),
    )
    op.create_unique_constraint(op.f("uq_questions_key"), "questions", ["key"])
    op.add_column(
        "questions",
        sa.Column(
            "allows_not_applicable",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
            comment="Whether N/A is an accepted answer",
        ),
    )
    op.add_column(
        "questions",
        sa.Column(
            "phase_caps",
            postgresql.JSONB(),
            nullable=True,
            comment='Multiple choice: maximum points per phase, e.g. {"organize": 5}',
        ),
    )
    op.add_column(
        "questions",
        sa.Column(
            "mirror",
            sa.String(30),
            nullable=True,
            comment="Assessment column this answer is copied to",
        ),
    )
    op.create_check_constraint(
        op.f("ck_questions_mirror"), "questions", "mirror IN ('entity_type', 's_corp_on_payroll')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_questions_mirror"), "questions", type_="check")
    op.drop_column("questions", "mirror")
    op.drop_column("questions", "phase_caps")
    op.drop_column("questions", "allows_not_applicable")
    op.drop_constraint(op.f("uq_questions_key"), "questions", type_="unique")
    op.drop_column("questions", "key")
