"""Answers and consultant notes encrypted at rest (persistence/sealing.py).

The registry of encryption keys: one row per key that has sealed data, with a probe value
sealed by it, so that a start with a missing or different key under a known id stops with
an error instead of reading garbage.

A response's answer, its rating included, is kept sealed in `answer_value`, and its notes
in `consultant_notes`; `answer_numeric` is no longer written (a rating in plain would show
the answer). A migration has no keys: the values already stored are marked as not yet
sealed (`:<plain>`), and `rise keys rotate` seals them while the service runs.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealing_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("probe", sa.Text(), nullable=False, comment="A known text sealed with this key"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        comment="The encryption keys that have sealed stored values",
    )
    op.execute(
        """
        UPDATE responses SET
            answer_value = ':' || COALESCE(answer_numeric::text, answer_value),
            answer_numeric = NULL
        WHERE answer_value IS NOT NULL OR answer_numeric IS NOT NULL
        """
    )
    op.execute(
        "UPDATE responses SET consultant_notes = ':' || consultant_notes"
        " WHERE consultant_notes IS NOT NULL"
    )


def downgrade() -> None:
    sealed = op.get_bind().scalar(
        sa.text(
            "SELECT count(*) FROM responses WHERE answer_value NOT LIKE ':%'"
            " OR consultant_notes NOT LIKE ':%'"
        )
    )
    if sealed:
        raise RuntimeError(
            f"{sealed} responses hold encrypted values, which a downgrade cannot decrypt"
        )
    op.execute(
        """
        UPDATE responses r SET
            answer_numeric = CASE WHEN q.question_type = 'rating'
                THEN substr(r.answer_value, 2)::integer END,
            answer_value = CASE WHEN q.question_type = 'rating'
                THEN NULL ELSE substr(r.answer_value, 2) END
        FROM questions q
        WHERE q.id = r.question_id AND r.answer_value IS NOT NULL
        """
    )
    op.execute(
        "UPDATE responses SET consultant_notes = substr(consultant_notes, 2)"
        " WHERE consultant_notes IS NOT NULL"
    )
    op.drop_table("sealing_keys")
