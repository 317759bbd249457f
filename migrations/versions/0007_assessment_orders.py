"""Indexes for every order of the assessment lists, and archived assessments in the tally.

- Orders: assessments are listed by created_at, updated_at, completed_at, client name or
  business name, either way, then by id (`persistence.keysets`). created_at has its indexes
  since 0005; each other key gets one over every consultant's live assessments and one
  leading with consultant_id, read forwards for one direction and backwards for the other.
  completed_at is null until an assessment is completed, and those sort last either way, so
  it has a key for each direction: COALESCE(completed_at, 'infinity') ascending and
  COALESCE(completed_at, '-infinity') descending. Names sort case-insensitively by code
  point, lower(name) COLLATE "C", the same on every server.
- The tally: lists leave archived assessments out unless asked, so `assessment_counts`
  counts them apart (a new key column, `archived`), and its triggers follow archived_at
  too. It is filled again from the rows, with writes to assessments held off meanwhile.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
ORDER_KEYS = {
    "updated": "updated_at DESC",
    "completed_asc": "COALESCE(completed_at, 'infinity'::timestamptz)",
    "completed_desc": "COALESCE(completed_at, '-infinity'::timestamptz) DESC",
    "client_name": 'lower(client_name) COLLATE "C"',
    "business_name": 'lower(client_business_name) COLLATE "C"',
}


def _indexes() -> list[tuple[str, list[str]]]:
    """Each index's name and columns: the key, then the id in the key's direction."""
    found = []
    for name, key in ORDER_KEYS.items():
        keyed = [key, "id DESC" if key.endswith(" DESC") else "id"]
        found.append((f"idx_assessments_{name}_keyset", keyed))
        found.append((f"idx_assessments_consultant_{name}_keyset", ["consultant_id", *keyed]))
    return found


COUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION count_live_assessments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.deleted_at IS NULL THEN
        UPDATE assessment_counts SET live = live - 1
        WHERE consultant_id = OLD.consultant_id AND status = OLD.status
          AND archived = (OLD.archived_at IS NOT NULL);
        DELETE FROM assessment_counts
        WHERE consultant_id = OLD.consultant_id AND status = OLD.status
          AND archived = (OLD.archived_at IS NOT NULL) AND live = 0;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.deleted_at IS NULL THEN
        INSERT INTO assessment_counts (consultant_id, status, archived, live)
        VALUES (NEW.consultant_id, NEW.status, NEW.archived_at IS NOT NULL, 1)
        ON CONFLICT (consultant_id, status, archived)
        DO UPDATE SET live = assessment_counts.live + 1;
    END IF;
    RETURN NULL;
END
$$
"""
# 0005's function, for the downgrade.
PREVIOUS_COUNT_FUNCTION = """
CREATE OR REPLACE FUNCTION count_live_assessments() RETURNS trigger LANGUAGE plpgsql AS $$
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
# Only when what is counted changes: autosaves and other edits pay nothing.
UPDATE_TRIGGER = (
    "CREATE TRIGGER assessments_counted_on_update"
    " AFTER UPDATE OF consultant_id, status, deleted_at, archived_at ON assessments FOR EACH ROW"
    " WHEN (OLD.consultant_id IS DISTINCT FROM NEW.consultant_id"
    " OR OLD.status IS DISTINCT FROM NEW.status"
    " OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)"
    " OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))"
    " EXECUTE FUNCTION count_live_assessments()"
)
PREVIOUS_UPDATE_TRIGGER = (
    "CREATE TRIGGER assessments_counted_on_update"
    " AFTER UPDATE OF consultant_id, status, deleted_at ON assessments FOR EACH ROW"
    " WHEN (OLD.consultant_id IS DISTINCT FROM NEW.consultant_id"
    " OR OLD.status IS DISTINCT FROM NEW.status"
    " OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))"
    " EXECUTE FUNCTION count_live_assessments()"
)
TABLE_COMMENT = "Live assessments per consultant, status and archived, kept by triggers"
PREVIOUS_TABLE_COMMENT = "Live assessments per consultant and status, kept by triggers"


def upgrade() -> None:
    for name, columns in _indexes():
        op.create_index(name, "assessments", [sa.text(c) for c in columns], postgresql_where=LIVE)
    # No assessment changes until the tally is counted again and its triggers are in place.
    op.execute("LOCK TABLE assessments IN SHARE MODE")
    op.execute("DELETE FROM assessment_counts")
    op.drop_constraint("pk_assessment_counts", "assessment_counts", type_="primary")
    op.add_column("assessment_counts", sa.Column("archived", sa.Boolean(), nullable=False))
    op.create_primary_key(
        "pk_assessment_counts", "assessment_counts", ["consultant_id", "status", "archived"]
    )
    op.create_table_comment("assessment_counts", TABLE_COMMENT)
    op.execute(COUNT_FUNCTION)
    op.execute("DROP TRIGGER assessments_counted_on_update ON assessments")
    op.execute(UPDATE_TRIGGER)
    op.execute(
        "INSERT INTO assessment_counts (consultant_id, status, archived, live)"
        " SELECT consultant_id, status, archived_at IS NOT NULL, count(*) FROM assessments"
        " WHERE deleted_at IS NULL GROUP BY consultant_id, status, archived_at IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("LOCK TABLE assessments IN SHARE MODE")
    op.execute("DELETE FROM assessment_counts")
    op.execute("DROP TRIGGER assessments_counted_on_update ON assessments")
    op.execute(PREVIOUS_UPDATE_TRIGGER)
    op.drop_constraint("pk_assessment_counts", "assessment_counts", type_="primary")
    op.drop_column("assessment_counts", "archived")
    op.create_primary_key("pk_assessment_counts", "assessment_counts", ["consultant_id", "status"])
    op.create_table_comment("assessment_counts", PREVIOUS_TABLE_COMMENT)
    op.execute(PREVIOUS_COUNT_FUNCTION)
    op.execute(
        "INSERT INTO assessment_counts (consultant_id, status, live)"
        " SELECT consultant_id, status, count(*) FROM assessments"
        " WHERE deleted_at IS NULL GROUP BY consultant_id, status"
    )
    for name, _ in reversed(_indexes()):
        op.drop_index(name, table_name="assessments")
