"""Indexes for the lists as they are queried, and a tally of assessments for their counts.

- Keyset pages: every list reads newest first on (created_at DESC, id DESC) after a cursor,
  behind its filters: for assessments (all, one consultant's, one status), users and the
  audit trail. The assessment and user indexes cover live rows only, as the lists do.
- Search: `ILIKE '%term%'` over client name, business name and email (and a user's email
  and names) is served by pg_trgm GIN indexes, instead of reading every row.
- Counts: `assessment_counts` holds how many live assessments each consultant has in each
  status. Triggers on assessments keep it exact in the same transaction as the change, so an
  administrator's totalCount sums a few rows instead of counting every assessment. It is
  filled from the existing rows here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
KEYSET = (sa.text("created_at DESC"), sa.text("id DESC"))

KEYSETS = (
    ("idx_assessments_keyset", "assessments", (), True),
    ("idx_assessments_consultant_keyset", "assessments", ("consultant_id",), True),
    ("idx_assessments_status_keyset", "assessments", ("status",), True),
    ("idx_users_keyset", "users", (), True),
    ("idx_activity_logs_keyset", "activity_logs", (), False),
    ("idx_activity_logs_user_keyset", "activity_logs", ("user_id",), False),
    ("idx_activity_logs_category_keyset", "activity_logs", ("event_category",), False),
)
TRIGRAMS = (
    ("idx_assessments_client_name_trgm", "assessments", "client_name"),
    ("idx_assessments_business_name_trgm", "assessments", "client_business_name"),
    ("idx_assessments_client_email_trgm", "assessments", "client_email"),
    ("idx_users_email_trgm", "users", "email"),
    ("idx_users_first_name_trgm", "users", "first_name"),
    ("idx_users_last_name_trgm", "users", "last_name"),
)

COUNT_FUNCTION = """
CREATE FUNCTION count_live_assessments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
        UPDATE assessment_counts SET live = live - 1
        WHERE consultant_id = OLD.consultant_id AND status = OLD.status;
        DELETE FROM assessment_counts
        WHERE consultant_id = OLD.consultant_id AND status = OLD.status AND live = 0;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
        INSERT INTO assessment_counts (consultant_id, status, live)
        VALUES (NEW.consultant_id, NEW.status, 1)
        ON CONFLICT (consultant_id, status) DO UPDATE SET live = assessment_counts.live + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, leading, live in KEYSETS:
        op.create_index(name, table, [*leading, *KEYSET], postgresql_where=LIVE if live else None)
    for name, table, column in TRIGRAMS:
        op.create_index(
            name,
            table,
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
            postgresql_where=LIVE,
        )
    op.create_table(
        "assessment_counts",
        sa.Column("consultant_id", sa.UUID(), nullable=False),
        sa.Column("status", sa.String(50), nullable=False),
        sa.Column("live", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("consultant_id", "status", name="pk_assessment_counts"),
        comment="Live assessments per consultant and status, kept by triggers",
    )
    op.execute(COUNT_FUNCTION)
    op.execute(
        "CREATE TRIGGER assessments_counted_on_insert_or_delete"
        " AFTER INSERT OR DELETE ON assessments"
        " FOR EACH ROW EXECUTE FUNCTION count_live_assessments()"
    )
    # Only when what is counted changes: autosaves and other edits pay nothing.
    op.execute(
        "CREATE TRIGGER assessments_counted_on_update"
        " AFTER UPDATE OF consultant_id, status, deleted_at ON assessments FOR EACH ROW"
        " WHEN (OLD.consultant_id IS DISTINCT FROM NEW.consultant_id"
        " OR OLD.status IS DISTINCT FROM NEW.status"
        " OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))"
        " EXECUTE FUNCTION count_live_assessments()"
    )
    op.execute(
        "INSERT INTO assessment_counts (consultant_id, status, live)"
        " SELECT consultant_id, status, count(*) FROM assessments"
        " WHERE deleted_at IS NULL GROUP BY consultant_id, status"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER assessments_counted_on_update ON assessments")
    op.execute("DROP TRIGGER assessments_counted_on_insert_or_delete ON assessments")
    op.execute("DROP FUNCTION count_live_assessments()")
    op.drop_table("assessment_counts")
    for name, table, _ in TRIGRAMS:
        op.drop_index(name, table_name=table)
    for name, table, _, _ in KEYSETS:
        op.drop_index(name, table_name=table)
    # pg_trgm stays: other databases objects may use it, and it holds no data.
