"""Migrations against an empty database: the round trip, agreement with the models, and the
design's indexes, cascade rules and column types as the server reports them."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Connection, create_engine, text
from sqlalchemy.pool import NullPool

from persistence import schema
from persistence.models import Base
from tests.conftest import REPO
from tests.database import execute, query

DESIGN_TABLES = {
    "users",
    "assessments",
    "questions",
    "responses",
    "disc_profiles",
    "phase_results",
    "reports",
    "activity_logs",
    "checklist_items",
    "consultant_settings",
    "scheduler_links",
}
ADDED_TABLES = {
    "sessions", "assessment_counts", "rate_limit_windows", "email_messages", "sealing_keys",
    "data_exports"
}  # fmt: skip

# database-design.md, "Indexes" inline with each table.
DESIGN_INDEXES = {
    "idx_assessments_consultant_id": "(consultant_id)",
    "idx_assessments_status": "(status)",
    "idx_assessments_client_email": "(client_email)",
    "idx_assessments_created_at": "(created_at DESC)",
    "idx_questions_section": "(section)",
    "idx_questions_order": "(order_index)",
    "idx_questions_conditional_parent": "(conditional_parent_id)",
    "idx_responses_assessment_id": "(assessment_id)",
    "idx_responses_question_id": "(question_id)",
    "idx_disc_profiles_assessment_id": "(assessment_id)",
    "idx_disc_profiles_primary_type": "(primary_type)",
    "idx_phase_results_assessment_id": "(assessment_id)",
    "idx_phase_results_primary_phase": "(primary_phase)",
    "idx_reports_assessment_id": "(assessment_id)",
    "idx_reports_type": "(report_type)",
    "idx_reports_share_token": "(share_token)",
    "idx_reports_created_at": "(created_at DESC)",
    "idx_activity_logs_user_id": "(user_id)",
    "idx_activity_logs_event_type": "(event_type)",
    "idx_activity_logs_event_category": "(event_category)",
    "idx_activity_logs_severity": "(severity)",
    "idx_activity_logs_created_at": "(created_at DESC)",
    "idx_checklist_items_assessment_id": "(assessment_id)",
    "idx_checklist_items_phase": "(phase_category)",
    "idx_checklist_items_completed": "(is_completed)",
    "idx_consultant_settings_consultant_id": "(consultant_id)",
    "idx_scheduler_links_consultant_id": "(consultant_id)",
    "idx_scheduler_links_active": "(is_active)",
}

# database-design.md, "Foreign Key Cascade Rules"; the others have none (NO ACTION).
DESIGN_DELETE_RULES = {
    ("assessments", "consultant_id"): "CASCADE",
    ("responses", "assessment_id"): "CASCADE",
    ("responses", "question_id"): "CASCADE",
    ("disc_profiles", "assessment_id"): "CASCADE",
    ("phase_results", "assessment_id"): "CASCADE",
    ("reports", "assessment_id"): "CASCADE",
    ("reports", "generated_by"): "NO ACTION",
    ("activity_logs", "user_id"): "SET NULL",
    ("checklist_items", "assessment_id"): "CASCADE",
    ("checklist_items", "created_by"): "NO ACTION",
    ("consultant_settings", "consultant_id"): "CASCADE",
    ("scheduler_links", "consultant_id"): "CASCADE",
    ("questions", "conditional_parent_id"): "NO ACTION",
    ("sessions", "user_id"): "CASCADE",
    ("email_messages", "assessment_id"): "CASCADE",
    ("email_messages", "user_id"): "CASCADE",
    ("data_exports", "requested_by"): "CASCADE",
    ("data_exports", "consultant_id"): "CASCADE",
}


def _tables(url: str, schema_name: str = "public") -> set[str]:
    rows = query(url, "SELECT tablename FROM pg_tables WHERE schemaname = :name", name=schema_name)
    return {row[0] for row in rows}


# Indexes on an expression with a collation (the assessments' name orders): reflection
# drops the collation, so autogenerate always sees them differ. The catalog comparison below
# checks them to the letter, collation and all.
COLLATED_INDEXES = {
    str(index.name)
    for table in Base.metadata.tables.values()
    for index in table.indexes
    if any("COLLATE" in str(element) for element in index.expressions)
}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return [
        diff
        for diff in compare_metadata(context, Base.metadata)
        if not (
            isinstance(diff, tuple)
            and diff[0] in ("add_index", "remove_index")
            and diff[1].name in COLLATED_INDEXES
        )
    ]


def test_upgrade_downgrade_upgrade_round_trip(empty_database: str) -> None:
    assert _tables(empty_database) == set()
    schema.upgrade(empty_database)
    assert _tables(empty_database) == DESIGN_TABLES | ADDED_TABLES | {"alembic_version"}
    assert schema.current_revision(empty_database) == schema.head_revision()

    assert "procrastinate_jobs" in _tables(empty_database, "procrastinate")

    schema.downgrade(empty_database, "base")
    assert _tables(empty_database) == set()
    assert _tables(empty_database, "procrastinate") == set()
    assert schema.current_revision(empty_database) is None

    schema.upgrade(empty_database)
    assert _tables(empty_database) == DESIGN_TABLES | ADDED_TABLES | {"alembic_version"}


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            assert _differences(connection) == []
    finally:
        engine.dispose()


def test_model_comparison_notices_a_drifted_schema(empty_database: str) -> None:
    """The comparison above can fail: on a schema missing an index, a comment and a default,
    it reports each of them."""
    schema.upgrade(empty_database)
    engine = create_engine(empty_database, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP INDEX idx_reports_created_at"))
            connection.execute(text("COMMENT ON COLUMN reports.view_count IS NULL"))
            connection.execute(text("ALTER TABLE users ALTER COLUMN is_active DROP DEFAULT"))
        with engine.connect() as connection:
            kinds = {
                str(diff[0][0] if isinstance(diff, list) else diff[0])
                for diff in _differences(connection)
            }
    finally:
        engine.dispose()
    assert {"add_index", "modify_comment", "modify_default"} <= kinds


def test_check_constraints_match_the_models(database_url: str) -> None:
    expected = {
        (table.name, str(constraint.name))
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    rows = query(
        database_url,
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
    )
    assert {(row[0], row[1]) for row in rows} == expected
    assert len(expected) >= 28  # the design's 25, two on sessions, one on questions


def test_every_design_index_exists(database_url: str) -> None:
    rows = query(
        database_url,
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    )
    found = {row[0]: row[1] for row in rows}
    for name, columns in DESIGN_INDEXES.items():
        assert name in found, name
        assert found[name].endswith(f"USING btree {columns}"), found[name]


def test_cascade_rules_are_the_designs(database_url: str) -> None:
    rows = query(
        database_url,
        """
        SELECT tc.table_name, kcu.column_name, rc.delete_rule
        FROM information_schema.referential_constraints rc
        JOIN information_schema.table_constraints tc
          ON tc.constraint_name = rc.constraint_name AND tc.table_schema = 'public'
        JOIN information_schema.key_column_usage kcu
          ON kcu.constraint_name = rc.constraint_name AND kcu.table_schema = 'public'
        """,
    )
    assert {(row[0], row[1]): row[2] for row in rows} == DESIGN_DELETE_RULES


def test_every_timestamp_has_a_time_zone(database_url: str) -> None:
    rows = query(
        database_url,
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type LIKE 'timestamp%'",
    )
    assert rows
    naive = [(r[0], r[1]) for r in rows if r[2] != "timestamp with time zone"]
    assert naive == []


def test_concurrent_upgrades_take_turns(empty_database: str) -> None:
    """Two processes starting at once (two replicas, serve beside db upgrade) both succeed."""
    script = "import sys; from persistence import schema; schema.upgrade(sys.argv[1])"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, empty_database],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert schema.current_revision(empty_database) == schema.head_revision()
    assert _tables(empty_database) == DESIGN_TABLES | ADDED_TABLES | {"alembic_version"}


CATALOG_QUERIES = {
    "constraints": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    """,
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "columns": """
        SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length,
               c.numeric_precision, c.numeric_scale, c.is_nullable, c.column_default,
               col_description(format('%I', c.table_name)::regclass, c.ordinal_position)
        FROM information_schema.columns c WHERE c.table_schema = 'public'
    """,
    "tables": """
        SELECT relname, obj_description(oid) FROM pg_class
        WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
    """,
}


def _catalog(url: str) -> dict[str, set[tuple[Any, ...]]]:
    return {
        name: {tuple(row) for row in query(url, sql) if row[0] != "alembic_version"}
        for name, sql in CATALOG_QUERIES.items()
    }


def test_migration_and_models_build_the_same_catalog(
    database_url: str, empty_database: str
) -> None:
    """Stricter than autogenerate, which ignores CHECK expressions and deferrability: the
    server's own description of every constraint, index, column and comment is identical."""
    engine = create_engine(empty_database, poolclass=NullPool)
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    from_models, from_migration = _catalog(empty_database), _catalog(database_url)
    for part in CATALOG_QUERIES:
        assert from_models[part] == from_migration[part], part


# database-design.md's COMMENT ON COLUMN lines, except the three its header overrides
# (password_hash is argon2id; the reset and share tokens are stored as hashes).
DESIGN_COLUMN_COMMENTS = {
    ("users", "failed_login_attempts"): "Count of failed login attempts, reset on successful login",
    ("users", "account_locked_until"): (
        "Account lock expiration timestamp (set after 5 failed attempts)"
    ),
    ("assessments", "entity_type"): (
        "Business entity type: Sole Proprietor, LLC, S-Corp, C-Corp, Partnership, etc."
    ),
    ("assessments", "is_s_corp_on_payroll"): (
        "For S-Corp entities, tracks if owner is on payroll (compliance check)"
    ),
    ("assessments", "confidence_before"): "Client confidence rating before assessment (1-10 scale)",
    ("assessments", "confidence_after"): "Client confidence rating after assessment (1-10 scale)",
    ("questions", "disc_trait_mapping"): (
        'JSON mapping of answer options to DISC traits: {"D": 3, "I": 1, "S": 0, "C": 2}'
    ),
    ("questions", "phase_weight_mapping"): (
        'JSON mapping of answer options to phase weights: {"stabilize": 2, "organize": 1}'
    ),
    ("questions", "answer_options"): (
        "JSON array of answer options for choice-based questions: "
        '[{"value": "option1", "label": "Option 1"}]'
    ),
    ("questions", "conditional_trigger_value"): (
        "Answer value that triggers conditional child questions"
    ),
    ("responses", "answer_value"): "Text response for text questions or selected option value",
    ("responses", "answer_numeric"): "Numeric response for rating questions",
    ("responses", "is_not_applicable"): "Flag for questions marked as N/A",
    ("responses", "consultant_notes"): "Private notes added by consultant for this question",
    ("disc_profiles", "dominance_score"): "D score (0-100)",
    ("disc_profiles", "influence_score"): "I score (0-100)",
    ("disc_profiles", "steadiness_score"): "S score (0-100)",
    ("disc_profiles", "compliance_score"): "C score (0-100)",
    ("disc_profiles", "secondary_type"): "Secondary DISC type if scores are close (optional)",
    ("phase_results", "secondary_phases"): "Array of secondary phases if client is in transition",
    ("reports", "file_url"): "S3 or cloud storage URL for PDF file",
    ("reports", "view_count"): "Number of times report has been viewed (for shared links)",
    ("activity_logs", "metadata"): "Additional event context in JSON format",
    ("checklist_items", "completed_by"): "Who marked the item complete: consultant or client",
    ("consultant_settings", "brand_color"): "Hex color code for custom branding (e.g., #4B006E)",
    ("consultant_settings", "email_templates"): "JSON storage for custom email templates",
    ("scheduler_links", "meeting_type_label"): (
        "Display label: Initial Consultation, Follow-up Session, Deep Dive Review"
    ),
    ("scheduler_links", "recommended_for_phases"): (
        "Array of phases this meeting type is recommended for"
    ),
}

DESIGN_TABLE_COMMENTS = {
    "users": "Consultant and administrator user accounts",
    "assessments": "Client assessment records",
    "questions": "Assessment question bank with DISC and phase mapping",
    "responses": "Individual assessment question responses",
    "disc_profiles": "Calculated DISC personality profiles for assessments",
    "phase_results": "Calculated financial readiness phase results",
    "reports": "Generated report metadata and storage links",
    "activity_logs": "Audit trail of user activities and system events",
    "checklist_items": "Action item checklists for assessments (Phase 2)",
    "consultant_settings": "Consultant-specific settings and branding (Phase 2)",
    "scheduler_links": "External scheduler integration links (Phase 2)",
}


def test_comments_are_the_designs(database_url: str) -> None:
    catalog = _catalog(database_url)
    tables = {row[0]: row[1] for row in catalog["tables"]}
    columns = {(row[0], row[1]): row[8] for row in catalog["columns"]}
    assert {t: tables[t] for t in DESIGN_TABLE_COMMENTS} == DESIGN_TABLE_COMMENTS
    assert {c: columns[c] for c in DESIGN_COLUMN_COMMENTS} == DESIGN_COLUMN_COMMENTS


# The tally as kept, and as counted from the rows, after 0007 (archived apart) and before.
APART = (
    "SELECT consultant_id, status, archived, live FROM assessment_counts",
    "SELECT consultant_id, status, archived_at IS NOT NULL, count(*) FROM assessments"
    " WHERE deleted_at IS NULL GROUP BY consultant_id, status, archived_at IS NOT NULL",
)
TOGETHER = (
    "SELECT consultant_id, status, live FROM assessment_counts",
    "SELECT consultant_id, status, count(*) FROM assessments"
    " WHERE deleted_at IS NULL GROUP BY consultant_id, status",
)


def test_the_order_migration_counts_existing_rows_again_both_ways(empty_database: str) -> None:
    """0007 on a database with assessments, archived and deleted ones among them: the tally
    is filled again with the archived apart, and going back to 0006 counts them together;
    the triggers of each revision keep it exact after that."""
    schema.upgrade(empty_database, "0006")
    execute(
        empty_database,
        "INSERT INTO users (email, password_hash, role, first_name, last_name)"
        " VALUES ('a@example.com', 'x', 'consultant', 'A', 'B')",
    )
    execute(
        empty_database,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name,"
        " client_email, status, archived_at, deleted_at)"
        " SELECT u.id, 'C', 'B', 'c@example.com', s, CASE WHEN n % 3 = 0 THEN now() END,"
        " CASE WHEN n % 5 = 0 THEN now() END FROM users u, generate_series(1, 30) n,"
        " LATERAL (SELECT (ARRAY['draft', 'in_progress', 'completed'])[1 + n % 3] AS s) st",
    )

    def agree(statements: tuple[str, str]) -> None:
        kept, counted = (set(query(empty_database, sql)) for sql in statements)
        assert kept == counted
        assert kept

    agree(TOGETHER)
    schema.upgrade(empty_database)
    agree(APART)
    execute(empty_database, "UPDATE assessments SET archived_at = now() WHERE archived_at IS NULL")
    agree(APART)
    schema.downgrade(empty_database, "0006")
    agree(TOGETHER)
    execute(empty_database, "UPDATE assessments SET status = 'completed'")
    agree(TOGETHER)


def test_the_source_key_migration_keys_the_items_completion_generated(
    empty_database: str,
) -> None:
    """0009 on a checklist made before it: the items inserted with the phase result (one
    transaction, one created_at) get their phase and text as source_key; an item added
    later, or one without a phase, gets none. Going back to 0008 drops the column."""
    schema.upgrade(empty_database, "0008")
    [(assessment, owner, generated_at)] = execute(
        empty_database,
        "WITH u AS (INSERT INTO users (email, password_hash, role, first_name, last_name)"
        " VALUES ('a@example.com', 'x', 'consultant', 'A', 'B') RETURNING id),"
        " a AS (INSERT INTO assessments (consultant_id, client_name, client_business_name,"
        " client_email, status) SELECT id, 'C', 'B', 'c@example.com', 'completed' FROM u"
        " RETURNING id, consultant_id)"
        " INSERT INTO phase_results (assessment_id, stabilize_score, organize_score,"
        " build_score, grow_score, systemic_score, primary_phase)"
        " SELECT id, 50, 50, 50, 50, 50, 'stabilize' FROM a"
        " RETURNING assessment_id, (SELECT consultant_id FROM a), created_at",
    )
    execute(
        empty_database,
        "INSERT INTO checklist_items (assessment_id, created_by, item_text, item_order,"
        " phase_category, created_at) VALUES"
        " (:a, :u, 'Generated', 1, 'stabilize', :at),"
        " (:a, :u, 'No phase', 2, NULL, :at),"
        " (:a, :u, 'Added later', 3, 'stabilize', :at + interval '1 day')",
        a=assessment,
        u=owner,
        at=generated_at,
    )
    schema.upgrade(empty_database)
    keys = query(
        empty_database, "SELECT item_text, source_key FROM checklist_items ORDER BY item_order"
    )
    assert [tuple(row) for row in keys] == [
        ("Generated", "stabilize:Generated"),
        ("No phase", None),
        ("Added later", None),
    ]
    schema.downgrade(empty_database, "0008")
    columns = query(
        empty_database,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'checklist_items'",
    )
    assert "source_key" not in {row.column_name for row in columns}
