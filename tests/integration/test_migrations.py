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
from tests.database import query

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
ADDED_TABLES = {"sessions"}

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
}


def _tables(url: str) -> set[str]:
    rows = query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {row[0] for row in rows}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


def test_upgrade_downgrade_upgrade_round_trip(empty_database: str) -> None:
    assert _tables(empty_database) == set()
    schema.upgrade(empty_database)
    assert _tables(empty_database) == DESIGN_TABLES | ADDED_TABLES | {"alembic_version"}
    assert schema.current_revision(empty_database) == schema.head_revision()

    schema.downgrade(empty_database, "base")
    assert _tables(empty_database) == set()
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
    assert len(expected) >= 27  # the design's 25 plus the two on sessions


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


def test_design_comments_are_present(database_url: str) -> None:
    rows = query(
        database_url,
        "SELECT c.relname, obj_description(c.oid) FROM pg_class c "
        "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace",
    )
    comments = {row[0]: row[1] for row in rows}
    assert comments["users"] == "Consultant and administrator user accounts"
    assert comments["checklist_items"] == "Action item checklists for assessments (Phase 2)"
    assert all(comments[table] for table in DESIGN_TABLES | ADDED_TABLES)


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
