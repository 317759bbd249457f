"""The initial schema: the eleven tables of database-design.md plus refresh-token sessions.

Timestamps are timestamptz (design decision 2); password, reset and share tokens are stored
as hashes (decisions 1 and 3). The two author references without a cascade rule
(reports.generated_by, checklist_items.created_by) are checked at commit, so that deleting a
user can cascade through their assessments to the rows they authored.

Constraint names follow persistence.models.NAMING_CONVENTION but are written out here
(wrapped in op.f, so that no convention is applied to them again), so this revision never
changes when the models do.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PHASES = "'stabilize', 'organize', 'build', 'grow', 'systemic'"
DISC = "'D', 'I', 'S', 'C'"
NOW = sa.text("CURRENT_TIMESTAMP")

# Creation order respects foreign keys; downgrade drops in reverse.
TABLES = [
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
    "sessions",
]


def _id(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _timestamps(*, updated: bool = True, deleted: bool = False) -> list[sa.Column[object]]:
    columns = [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False)
    ]
    if updated:
        columns.append(
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False)
        )
    if deleted:
        columns.append(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    return columns


def _when(name: str, comment: str | None = None) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True, comment=comment)


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None, *, deferred: bool = False
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
        deferrable=True if deferred else None,
        initially="DEFERRED" if deferred else None,
    )


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _range(table: str, column: str, low: int, high: int) -> sa.CheckConstraint:
    return _check(table, f"{column}_range", f"{column} >= {low} AND {column} <= {high}")


def _score(name: str, comment: str | None = None) -> sa.Column[object]:
    return sa.Column(name, sa.Numeric(5, 2), nullable=False, comment=comment)


def _indexes(table: str, *specs: tuple[str, str]) -> None:
    for name, column in specs:
        expression = sa.text(column) if " " in column else column
        op.create_index(name, table, [expression])


def upgrade() -> None:
    op.create_table(
        "users",
        *_id("users"),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column(
            "password_hash",
            sa.String(255),
            nullable=False,
            comment="argon2id hash in PHC string format (argon2-cffi)",
        ),
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "failed_login_attempts",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Count of failed login attempts, reset on successful login",
        ),
        _when(
            "account_locked_until",
            "Account lock expiration timestamp (set after 5 failed attempts)",
        ),
        _when("last_login_at"),
        sa.Column(
            "password_reset_token",
            sa.String(255),
            nullable=True,
            comment="SHA-256 of the token for the password reset flow, "
            "expires after 24 hours or first use",
        ),
        _when("password_reset_expires"),
        *_timestamps(deleted=True),
        _check("users", "role", "role IN ('consultant', 'admin')"),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        comment="Consultant and administrator user accounts",
    )

    op.create_table(
        "assessments",
        *_id("assessments"),
        sa.Column("consultant_id", sa.UUID(), nullable=False),
        sa.Column("client_name", sa.String(100), nullable=False),
        sa.Column("client_business_name", sa.String(200), nullable=False),
        sa.Column("client_email", sa.String(255), nullable=False),
        sa.Column("status", sa.String(50), server_default=sa.text("'draft'"), nullable=False),
        sa.Column(
            "entity_type",
            sa.String(100),
            nullable=True,
            comment="Business entity type: Sole Proprietor, LLC, S-Corp, C-Corp, Partnership, etc.",
        ),
        sa.Column(
            "is_s_corp_on_payroll",
            sa.Boolean(),
            nullable=True,
            comment="For S-Corp entities, tracks if owner is on payroll (compliance check)",
        ),
        sa.Column(
            "confidence_before",
            sa.Integer(),
            nullable=True,
            comment="Client confidence rating before assessment (1-10 scale)",
        ),
        sa.Column(
            "confidence_after",
            sa.Integer(),
            nullable=True,
            comment="Client confidence rating after assessment (1-10 scale)",
        ),
        sa.Column(
            "progress_percentage",
            sa.Numeric(5, 2),
            server_default=sa.text("0.00"),
            nullable=False,
        ),
        _when("started_at"),
        _when("completed_at"),
        *_timestamps(deleted=True),
        _when("archived_at"),
        _fk("assessments", "consultant_id", "users", ondelete="CASCADE"),
        _check("assessments", "status", "status IN ('draft', 'in_progress', 'completed')"),
        _range("assessments", "confidence_before", 1, 10),
        _range("assessments", "confidence_after", 1, 10),
        _range("assessments", "progress_percentage", 0, 100),
        comment="Client assessment records",
    )
    _indexes(
        "assessments",
        ("idx_assessments_consultant_id", "consultant_id"),
        ("idx_assessments_status", "status"),
        ("idx_assessments_client_email", "client_email"),
        ("idx_assessments_created_at", "created_at DESC"),
    )

    op.create_table(
        "questions",
        *_id("questions"),
        sa.Column("question_text", sa.Text(), nullable=False),
        sa.Column("question_type", sa.String(50), nullable=False),
        sa.Column("section", sa.String(100), nullable=False),
        sa.Column("order_index", sa.Integer(), nullable=False),
        sa.Column("is_required", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("is_conditional", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("conditional_parent_id", sa.UUID(), nullable=True),
        sa.Column(
            "conditional_trigger_value",
            sa.Text(),
            nullable=True,
            comment="Answer value that triggers conditional child questions",
        ),
        sa.Column(
            "disc_trait_mapping",
            postgresql.JSONB(),
            nullable=True,
            comment="JSON mapping of answer options to DISC traits: "
            '{"D": 3, "I": 1, "S": 0, "C": 2}',
        ),
        sa.Column(
            "phase_weight_mapping",
            postgresql.JSONB(),
            nullable=True,
            comment="JSON mapping of answer options to phase weights: "
            '{"stabilize": 2, "organize": 1}',
        ),
        sa.Column(
            "answer_options",
            postgresql.JSONB(),
            nullable=True,
            comment="JSON array of answer options for choice-based questions: "
            '[{"value": "option1", "label": "Option 1"}]',
        ),
        sa.Column("help_text", sa.Text(), nullable=True),
        *_timestamps(deleted=True),
        _fk("questions", "conditional_parent_id", "questions"),
        _check(
            "questions",
            "question_type",
            "question_type IN ('single_choice', 'multiple_choice', 'rating', 'text')",
        ),
        _check("questions", "section", f"section IN ({PHASES}, 'disc', 'metadata')"),
        comment="Assessment question bank with DISC and phase mapping",
    )
    _indexes(
        "questions",
        ("idx_questions_section", "section"),
        ("idx_questions_order", "order_index"),
        ("idx_questions_conditional_parent", "conditional_parent_id"),
    )

    op.create_table(
        "responses",
        *_id("responses"),
        sa.Column("assessment_id", sa.UUID(), nullable=False),
        sa.Column("question_id", sa.UUID(), nullable=False),
        sa.Column(
            "answer_value",
            sa.Text(),
            nullable=True,
            comment="Text response for text questions or selected option value",
        ),
        sa.Column(
            "answer_numeric",
            sa.Integer(),
            nullable=True,
            comment="Numeric response for rating questions",
        ),
        sa.Column(
            "is_not_applicable",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
            comment="Flag for questions marked as N/A",
        ),
        sa.Column(
            "consultant_notes",
            sa.Text(),
            nullable=True,
            comment="Private notes added by consultant for this question",
        ),
        *_timestamps(),
        _fk("responses", "assessment_id", "assessments", ondelete="CASCADE"),
        _fk("responses", "question_id", "questions", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "assessment_id", "question_id", name=op.f("uq_responses_assessment_id_question_id")
        ),
        comment="Individual assessment question responses",
    )
    _indexes(
        "responses",
        ("idx_responses_assessment_id", "assessment_id"),
        ("idx_responses_question_id", "question_id"),
    )

    op.create_table(
        "disc_profiles",
        *_id("disc_profiles"),
        sa.Column("assessment_id", sa.UUID(), nullable=False),
        _score("dominance_score", "D score (0-100)"),
        _score("influence_score", "I score (0-100)"),
        _score("steadiness_score", "S score (0-100)"),
        _score("compliance_score", "C score (0-100)"),
        sa.Column("primary_type", sa.String(20), nullable=False),
        sa.Column(
            "secondary_type",
            sa.String(20),
            nullable=True,
            comment="Secondary DISC type if scores are close (optional)",
        ),
        sa.Column("calculated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        *_timestamps(),
        _fk("disc_profiles", "assessment_id", "assessments", ondelete="CASCADE"),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_disc_profiles_assessment_id")),
        _range("disc_profiles", "dominance_score", 0, 100),
        _range("disc_profiles", "influence_score", 0, 100),
        _range("disc_profiles", "steadiness_score", 0, 100),
        _range("disc_profiles", "compliance_score", 0, 100),
        _check("disc_profiles", "primary_type", f"primary_type IN ({DISC})"),
        _check("disc_profiles", "secondary_type", f"secondary_type IN ({DISC})"),
        comment="Calculated DISC personality profiles for assessments",
    )
    _indexes(
        "disc_profiles",
        ("idx_disc_profiles_assessment_id", "assessment_id"),
        ("idx_disc_profiles_primary_type", "primary_type"),
    )

    op.create_table(
        "phase_results",
        *_id("phase_results"),
        sa.Column("assessment_id", sa.UUID(), nullable=False),
        _score("stabilize_score"),
        _score("organize_score"),
        _score("build_score"),
        _score("grow_score"),
        _score("systemic_score"),
        sa.Column("primary_phase", sa.String(50), nullable=False),
        sa.Column(
            "secondary_phases",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Array of secondary phases if client is in transition",
        ),
        sa.Column("calculated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        *_timestamps(),
        _fk("phase_results", "assessment_id", "assessments", ondelete="CASCADE"),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_phase_results_assessment_id")),
        *[
            _range("phase_results", f"{phase}_score", 0, 100)
            for phase in ("stabilize", "organize", "build", "grow", "systemic")
        ],
        _check("phase_results", "primary_phase", f"primary_phase IN ({PHASES})"),
        comment="Calculated financial readiness phase results",
    )
    _indexes(
        "phase_results",
        ("idx_phase_results_assessment_id", "assessment_id"),
        ("idx_phase_results_primary_phase", "primary_phase"),
    )

    op.create_table(
        "reports",
        *_id("reports"),
        sa.Column("assessment_id", sa.UUID(), nullable=False),
        sa.Column("report_type", sa.String(50), nullable=False),
        sa.Column(
            "file_url", sa.Text(), nullable=False, comment="S3 or cloud storage URL for PDF file"
        ),
        sa.Column("file_size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("generated_by", sa.UUID(), nullable=False),
        sa.Column("is_shared", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "share_token",
            sa.String(255),
            nullable=True,
            comment="Hash of the token of the shareable report link",
        ),
        _when("share_expires_at"),
        sa.Column(
            "view_count",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
            comment="Number of times report has been viewed (for shared links)",
        ),
        *_timestamps(),
        _fk("reports", "assessment_id", "assessments", ondelete="CASCADE"),
        _fk("reports", "generated_by", "users", deferred=True),
        sa.UniqueConstraint("share_token", name=op.f("uq_reports_share_token")),
        _check("reports", "report_type", "report_type IN ('consultant', 'client')"),
        comment="Generated report metadata and storage links",
    )
    _indexes(
        "reports",
        ("idx_reports_assessment_id", "assessment_id"),
        ("idx_reports_type", "report_type"),
        ("idx_reports_share_token", "share_token"),
        ("idx_reports_created_at", "created_at DESC"),
    )

    op.create_table(
        "activity_logs",
        *_id("activity_logs"),
        sa.Column("user_id", sa.UUID(), nullable=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("event_category", sa.String(50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column(
            "metadata",
            postgresql.JSONB(),
            nullable=True,
            comment="Additional event context in JSON format",
        ),
        sa.Column("severity", sa.String(20), server_default=sa.text("'info'"), nullable=False),
        *_timestamps(updated=False),
        _fk("activity_logs", "user_id", "users", ondelete="SET NULL"),
        _check(
            "activity_logs",
            "event_category",
            "event_category IN ('auth', 'assessment', 'report', 'admin', 'system')",
        ),
        _check("activity_logs", "severity", "severity IN ('info', 'warning', 'error', 'critical')"),
        comment="Audit trail of user activities and system events",
    )
    _indexes(
        "activity_logs",
        ("idx_activity_logs_user_id", "user_id"),
        ("idx_activity_logs_event_type", "event_type"),
        ("idx_activity_logs_event_category", "event_category"),
        ("idx_activity_logs_severity", "severity"),
        ("idx_activity_logs_created_at", "created_at DESC"),
    )

    op.create_table(
        "checklist_items",
        *_id("checklist_items"),
        sa.Column("assessment_id", sa.UUID(), nullable=False),
        sa.Column("item_text", sa.Text(), nullable=False),
        sa.Column("item_order", sa.Integer(), nullable=False),
        sa.Column("phase_category", sa.String(50), nullable=True),
        sa.Column("is_completed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        _when("completed_at"),
        sa.Column(
            "completed_by",
            sa.String(50),
            nullable=True,
            comment="Who marked the item complete: consultant or client",
        ),
        sa.Column("priority", sa.String(20), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("created_by", sa.UUID(), nullable=False),
        *_timestamps(deleted=True),
        _fk("checklist_items", "assessment_id", "assessments", ondelete="CASCADE"),
        _fk("checklist_items", "created_by", "users", deferred=True),
        _check("checklist_items", "phase_category", f"phase_category IN ({PHASES})"),
        _check("checklist_items", "completed_by", "completed_by IN ('consultant', 'client')"),
        _check("checklist_items", "priority", "priority IN ('low', 'medium', 'high')"),
        comment="Action item checklists for assessments (Phase 2)",
    )
    _indexes(
        "checklist_items",
        ("idx_checklist_items_assessment_id", "assessment_id"),
        ("idx_checklist_items_phase", "phase_category"),
        ("idx_checklist_items_completed", "is_completed"),
    )

    op.create_table(
        "consultant_settings",
        *_id("consultant_settings"),
        sa.Column("consultant_id", sa.UUID(), nullable=False),
        sa.Column("company_name", sa.String(200), nullable=True),
        sa.Column("logo_url", sa.Text(), nullable=True),
        sa.Column(
            "brand_color",
            sa.String(7),
            nullable=True,
            comment="Hex color code for custom branding (e.g., #4B006E)",
        ),
        sa.Column("email_signature", sa.Text(), nullable=True),
        sa.Column(
            "email_templates",
            postgresql.JSONB(),
            nullable=True,
            comment="JSON storage for custom email templates",
        ),
        *_timestamps(),
        _fk("consultant_settings", "consultant_id", "users", ondelete="CASCADE"),
        sa.UniqueConstraint("consultant_id", name=op.f("uq_consultant_settings_consultant_id")),
        comment="Consultant-specific settings and branding (Phase 2)",
    )
    _indexes(
        "consultant_settings",
        ("idx_consultant_settings_consultant_id", "consultant_id"),
    )

    op.create_table(
        "scheduler_links",
        *_id("scheduler_links"),
        sa.Column("consultant_id", sa.UUID(), nullable=False),
        sa.Column(
            "meeting_type_label",
            sa.String(100),
            nullable=False,
            comment="Display label: Initial Consultation, Follow-up Session, Deep Dive Review",
        ),
        sa.Column("scheduler_url", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "recommended_for_phases",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Array of phases this meeting type is recommended for",
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("display_order", sa.Integer(), server_default=sa.text("0"), nullable=False),
        *_timestamps(deleted=True),
        _fk("scheduler_links", "consultant_id", "users", ondelete="CASCADE"),
        comment="External scheduler integration links (Phase 2)",
    )
    _indexes(
        "scheduler_links",
        ("idx_scheduler_links_consultant_id", "consultant_id"),
        ("idx_scheduler_links_active", "is_active"),
    )

    op.create_table(
        "sessions",
        *_id("sessions"),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column(
            "family_id",
            sa.UUID(),
            nullable=False,
            comment="Shared by every token rotated from one login; reuse revokes the whole family",
        ),
        sa.Column(
            "token_hash",
            sa.String(64),
            nullable=False,
            comment="SHA-256 hex digest of the opaque refresh token",
        ),
        *_timestamps(updated=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _when("last_used_at"),
        _when("revoked_at"),
        sa.Column("revoked_reason", sa.String(20), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        _fk("sessions", "user_id", "users", ondelete="CASCADE"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
        _check(
            "sessions",
            "revoked_reason",
            "revoked_reason IN ('rotated', 'logout', 'reuse_detected', 'password_reset', "
            "'deactivated', 'admin')",
        ),
        _check(
            "sessions",
            "revoked_reason_with_time",
            "(revoked_at IS NULL) = (revoked_reason IS NULL)",
        ),
        comment="Refresh-token sessions; one row per issued refresh token",
    )
    _indexes(
        "sessions",
        ("idx_sessions_user_id", "user_id"),
        ("idx_sessions_family_id", "family_id"),
        ("idx_sessions_expires_at", "expires_at"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    for table in reversed(TABLES):
        op.drop_table(table)
