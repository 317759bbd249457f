"""What each generated checklist item was generated from, so that re-scoring an assessment
adds only the actions its checklist lacks (domain.recommendations.checklist_additions).

`source_key` is the phase and the action's text as generated ("stabilize:Record ..."). It is
written once, when the item is generated, and never changed: an item the consultant edits
or deletes keeps it, so a re-score neither adds the action again nor brings a deleted item
back. Items a consultant adds have none.

The existing generated items get theirs from what they hold: they are the items inserted
by the completion that stored the assessment's phase result, in the same transaction, so
they share that row's created_at (now() is the transaction's start); any other item is left
without one.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COMMENT = (
    "What a generated item was generated from, phase:action text, kept through later edits; "
    "null for an item a consultant added"
)
BACKFILL = """
UPDATE checklist_items AS item
SET source_key = item.phase_category || ':' || item.item_text
FROM phase_results AS result
WHERE result.assessment_id = item.assessment_id
  AND result.created_at = item.created_at
  AND item.phase_category IS NOT NULL
"""


def upgrade() -> None:
    op.add_column("checklist_items", sa.Column("source_key", sa.Text(), comment=COMMENT))
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_column("checklist_items", "source_key")
