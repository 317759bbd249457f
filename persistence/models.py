"""The tables of database-design.md, column for column, as SQLAlchemy 2 models.

Decisions that override the design (see its header): every timestamp is `timestamptz` in UTC,
passwords are argon2id hashes, and a `sessions` table holds hashed refresh tokens. Constraint
names come from `NAMING_CONVENTION` so that migrations can refer to them for ever; the named
indexes keep the design's `idx_*` names. Migrations never import this module's tables: each
revision spells out its own DDL, and a test checks that the two agree.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeAlias

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    Select,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, INET, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A SELECT of any columns, as the repositories build them.
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

NOW = text("CURRENT_TIMESTAMP")
PHASES_SQL = "'stabilize', 'organize', 'build', 'grow', 'systemic'"
DISC_SQL = "'D', 'I', 'S', 'C'"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        uuid.UUID: UUID(as_uuid=True),
        dict[str, Any]: JSONB,
    }


def _id() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, server_default=text("gen_random_uuid()"))


def _created_at() -> Mapped[datetime]:
    return mapped_column(server_default=NOW)


def _updated_at() -> Mapped[datetime]:
    return mapped_column(server_default=NOW, onupdate=NOW)


def _deferred_user_reference() -> ForeignKey:
    """A reference to users with no cascade rule (the design's), checked at commit.

    Deleting a consultant cascades through their assessments to the reports and checklist
    items under them, which may name that same consultant as author. Checked immediately,
    the reference would refuse the delete before the cascade reached those rows; deferred to
    commit, it only refuses when the author's rows survive elsewhere (an admin's report on
    another consultant's assessment).
    """
    return ForeignKey("users.id", deferrable=True, initially="DEFERRED")


def _range_check(column: str, low: int, high: int) -> CheckConstraint:
    return CheckConstraint(f"{column} >= {low} AND {column} <= {high}", name=f"{column}_range")


LIVE = text("deleted_at IS NULL")


def _keyset(name: str, *leading: str, key: str = "created_at DESC") -> Index:
    """The index a list's keyset pages read (`persistence.keysets`): its filter columns,
    then its sort key and the id in the key's direction; only live rows where the table
    soft-deletes. Read backwards, it serves the opposite order too."""
    tie = "id DESC" if key.endswith(" DESC") else "id"
    return Index(name, *leading, text(key), text(tie), postgresql_where=LIVE)


# The sort keys of the assessments' orders besides created_at (persistence.listings.ORDERS),
# each indexed over every consultant's assessments and over one consultant's (migration
# 0007). completed_at has one key for each direction, to keep its nulls last in both.
ASSESSMENT_ORDER_KEYS = {
    "updated": "updated_at DESC",
    "completed_asc": "COALESCE(completed_at, 'infinity'::timestamptz)",
    "completed_desc": "COALESCE(completed_at, '-infinity'::timestamptz) DESC",
    "client_name": 'lower(client_name) COLLATE "C"',
    "business_name": 'lower(client_business_name) COLLATE "C"',
}


def _trigram(name: str, column: str, *, live: bool = True) -> Index:
    """A pg_trgm index, which serves `ILIKE '%term%'` searches."""
    return Index(
        name,
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
        postgresql_where=LIVE if live else None,
    )


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('consultant', 'admin')", name="role"),
        Index(
            "idx_users_password_reset_token",
            "password_reset_token",
            postgresql_where=text("password_reset_token IS NOT NULL"),
        ),
        _keyset("idx_users_keyset"),
        _trigram("idx_users_email_trgm", "email"),
        _trigram("idx_users_first_name_trgm", "first_name"),
        _trigram("idx_users_last_name_trgm", "last_name"),
        {"comment": "Consultant and administrator user accounts"},
    )

    id: Mapped[uuid.UUID] = _id()
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(
        String(255), comment="argon2id hash in PHC string format (argon2-cffi)"
    )
    role: Mapped[str] = mapped_column(String(50))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    failed_login_attempts: Mapped[int] = mapped_column(
        server_default=text("0"),
        comment="Count of failed login attempts, reset on successful login",
    )
    account_locked_until: Mapped[datetime | None] = mapped_column(
        comment="Account lock expiration timestamp (set after 5 failed attempts)"
    )
    last_login_at: Mapped[datetime | None]
    password_reset_token: Mapped[str | None] = mapped_column(
        String(255),
        comment="SHA-256 of the token for the password reset flow, "
        "expires after 24 hours or first use",
    )
    password_reset_expires: Mapped[datetime | None]
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    deleted_at: Mapped[datetime | None]


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'in_progress', 'completed')", name="status"),
        _range_check("confidence_before", 1, 10),
        _range_check("confidence_after", 1, 10),
        _range_check("progress_percentage", 0, 100),
        Index("idx_assessments_consultant_id", "consultant_id"),
        Index("idx_assessments_status", "status"),
        Index("idx_assessments_client_email", "client_email"),
        Index("idx_assessments_created_at", text("created_at DESC")),
        _keyset("idx_assessments_keyset"),
        _keyset("idx_assessments_consultant_keyset", "consultant_id"),
        _keyset("idx_assessments_status_keyset", "status"),
        *(
            _keyset(f"idx_assessments_{name}_keyset", key=key)
            for name, key in ASSESSMENT_ORDER_KEYS.items()
        ),
        *(
            _keyset(f"idx_assessments_consultant_{name}_keyset", "consultant_id", key=key)
            for name, key in ASSESSMENT_ORDER_KEYS.items()
        ),
        _trigram("idx_assessments_client_name_trgm", "client_name"),
        _trigram("idx_assessments_business_name_trgm", "client_business_name"),
        _trigram("idx_assessments_client_email_trgm", "client_email"),
        {"comment": "Client assessment records"},
    )

    id: Mapped[uuid.UUID] = _id()
    consultant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_name: Mapped[str] = mapped_column(String(100))
    client_business_name: Mapped[str] = mapped_column(String(200))
    client_email: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(50), server_default=text("'draft'"))
    entity_type: Mapped[str | None] = mapped_column(
        String(100),
        comment="Business entity type: Sole Proprietor, LLC, S-Corp, C-Corp, Partnership, etc.",
    )
    is_s_corp_on_payroll: Mapped[bool | None] = mapped_column(
        comment="For S-Corp entities, tracks if owner is on payroll (compliance check)"
    )
    confidence_before: Mapped[int | None] = mapped_column(
        comment="Client confidence rating before assessment (1-10 scale)"
    )
    confidence_after: Mapped[int | None] = mapped_column(
        comment="Client confidence rating after assessment (1-10 scale)"
    )
    progress_percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default=text("0.00"))
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    deleted_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]


class QuestionRow(Base):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(
            "question_type IN ('single_choice', 'multiple_choice', 'rating', 'text')",
            name="question_type",
        ),
        CheckConstraint(f"section IN ({PHASES_SQL}, 'disc', 'metadata')", name="section"),
        CheckConstraint("mirror IN ('entity_type', 's_corp_on_payroll')", name="mirror"),
        Index("idx_questions_section", "section"),
        Index("idx_questions_order", "order_index"),
        Index("idx_questions_conditional_parent", "conditional_parent_id"),
        {"comment": "Assessment question bank with DISC and phase mapping"},
    )

    id: Mapped[uuid.UUID] = _id()
    key: Mapped[str] = mapped_column(
        String(20), unique=True, comment="Stable key from the bank file, e.g. STAB-003"
    )
    question_text: Mapped[str] = mapped_column(Text)
    question_type: Mapped[str] = mapped_column(String(50))
    section: Mapped[str] = mapped_column(String(100))
    order_index: Mapped[int]
    is_required: Mapped[bool] = mapped_column(server_default=text("true"))
    is_conditional: Mapped[bool] = mapped_column(server_default=text("false"))
    conditional_parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("questions.id"))
    conditional_trigger_value: Mapped[str | None] = mapped_column(
        Text, comment="Answer value that triggers conditional child questions"
    )
    disc_trait_mapping: Mapped[dict[str, Any] | None] = mapped_column(
        comment='JSON mapping of answer options to DISC traits: {"D": 3, "I": 1, "S": 0, "C": 2}'
    )
    phase_weight_mapping: Mapped[dict[str, Any] | None] = mapped_column(
        comment='JSON mapping of answer options to phase weights: {"stabilize": 2, "organize": 1}'
    )
    answer_options: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSONB,
        comment="JSON array of answer options for choice-based questions: "
        '[{"value": "option1", "label": "Option 1"}]',
    )
    help_text: Mapped[str | None] = mapped_column(Text)
    allows_not_applicable: Mapped[bool] = mapped_column(
        server_default=text("false"), comment="Whether N/A is an accepted answer"
    )
    phase_caps: Mapped[dict[str, Any] | None] = mapped_column(
        comment='Multiple choice: maximum points per phase, e.g. {"organize": 5}'
    )
    mirror: Mapped[str | None] = mapped_column(
        String(30), comment="Assessment column this answer is copied to"
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    deleted_at: Mapped[datetime | None]


class ResponseRow(Base):
    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        Index("idx_responses_assessment_id", "assessment_id"),
        Index("idx_responses_question_id", "question_id"),
        {"comment": "Individual assessment question responses"},
    )

    id: Mapped[uuid.UUID] = _id()
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    answer_value: Mapped[str | None] = mapped_column(
        Text, comment="Text response for text questions or selected option value"
    )
    answer_numeric: Mapped[int | None] = mapped_column(
        comment="Numeric response for rating questions"
    )
    is_not_applicable: Mapped[bool] = mapped_column(
        server_default=text("false"), comment="Flag for questions marked as N/A"
    )
    consultant_notes: Mapped[str | None] = mapped_column(
        Text, comment="Private notes added by consultant for this question"
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


def _score(comment: str | None = None) -> Mapped[Decimal]:
    return mapped_column(Numeric(5, 2), comment=comment)


class DiscProfileRow(Base):
    __tablename__ = "disc_profiles"
    __table_args__ = (
        _range_check("dominance_score", 0, 100),
        _range_check("influence_score", 0, 100),
        _range_check("steadiness_score", 0, 100),
        _range_check("compliance_score", 0, 100),
        CheckConstraint(f"primary_type IN ({DISC_SQL})", name="primary_type"),
        CheckConstraint(f"secondary_type IN ({DISC_SQL})", name="secondary_type"),
        Index("idx_disc_profiles_assessment_id", "assessment_id"),
        Index("idx_disc_profiles_primary_type", "primary_type"),
        {"comment": "Calculated DISC personality profiles for assessments"},
    )

    id: Mapped[uuid.UUID] = _id()
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    dominance_score: Mapped[Decimal] = _score("D score (0-100)")
    influence_score: Mapped[Decimal] = _score("I score (0-100)")
    steadiness_score: Mapped[Decimal] = _score("S score (0-100)")
    compliance_score: Mapped[Decimal] = _score("C score (0-100)")
    primary_type: Mapped[str] = mapped_column(String(20))
    secondary_type: Mapped[str | None] = mapped_column(
        String(20), comment="Secondary DISC type if scores are close (optional)"
    )
    calculated_at: Mapped[datetime] = mapped_column(server_default=NOW)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class PhaseResultRow(Base):
    __tablename__ = "phase_results"
    __table_args__ = (
        _range_check("stabilize_score", 0, 100),
        _range_check("organize_score", 0, 100),
        _range_check("build_score", 0, 100),
        _range_check("grow_score", 0, 100),
        _range_check("systemic_score", 0, 100),
        CheckConstraint(f"primary_phase IN ({PHASES_SQL})", name="primary_phase"),
        Index("idx_phase_results_assessment_id", "assessment_id"),
        Index("idx_phase_results_primary_phase", "primary_phase"),
        {"comment": "Calculated financial readiness phase results"},
    )

    id: Mapped[uuid.UUID] = _id()
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    stabilize_score: Mapped[Decimal] = _score()
    organize_score: Mapped[Decimal] = _score()
    build_score: Mapped[Decimal] = _score()
    grow_score: Mapped[Decimal] = _score()
    systemic_score: Mapped[Decimal] = _score()
    primary_phase: Mapped[str] = mapped_column(String(50))
    secondary_phases: Mapped[list[str] | None] = mapped_column(
        ARRAY(Text), comment="Array of secondary phases if client is in transition"
    )
    flags: Mapped[list[str]] = mapped_column(
        ARRAY(Text),
        server_default=text("'{}'::text[]"),
        comment="SCORING §3 flags, e.g. CRITICAL_STABILIZE, SCORP_PAYROLL_RISK",
    )
    calculated_at: Mapped[datetime] = mapped_column(server_default=NOW)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("report_type IN ('consultant', 'client')", name="report_type"),
        Index("idx_reports_assessment_id", "assessment_id"),
        Index("idx_reports_type", "report_type"),
        Index("idx_reports_share_token", "share_token"),
        Index("idx_reports_created_at", text("created_at DESC")),
        {"comment": "Generated report metadata and storage links"},
    )

    id: Mapped[uuid.UUID] = _id()
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    report_type: Mapped[str] = mapped_column(String(50))
    file_url: Mapped[str] = mapped_column(Text, comment="S3 or cloud storage URL for PDF file")
    file_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    page_count: Mapped[int | None]
    generated_by: Mapped[uuid.UUID] = mapped_column(_deferred_user_reference())
    is_shared: Mapped[bool] = mapped_column(server_default=text("false"))
    share_token: Mapped[str | None] = mapped_column(
        String(255), unique=True, comment="Hash of the token of the shareable report link"
    )
    share_expires_at: Mapped[datetime | None]
    view_count: Mapped[int] = mapped_column(
        server_default=text("0"),
        comment="Number of times report has been viewed (for shared links)",
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class ActivityLogRow(Base):
    __tablename__ = "activity_logs"
    __table_args__ = (
        CheckConstraint(
            "event_category IN ('auth', 'assessment', 'report', 'admin', 'system')",
            name="event_category",
        ),
        CheckConstraint("severity IN ('info', 'warning', 'error', 'critical')", name="severity"),
        Index("idx_activity_logs_user_id", "user_id"),
        Index("idx_activity_logs_event_type", "event_type"),
        Index("idx_activity_logs_event_category", "event_category"),
        Index("idx_activity_logs_severity", "severity"),
        Index("idx_activity_logs_created_at", text("created_at DESC")),
        Index("idx_activity_logs_keyset", text("created_at DESC"), text("id DESC")),
        Index("idx_activity_logs_user_keyset", "user_id", text("created_at DESC"), text("id DESC")),
        Index(
            "idx_activity_logs_category_keyset",
            "event_category",
            text("created_at DESC"),
            text("id DESC"),
        ),
        {"comment": "Audit trail of user activities and system events"},
    )

    id: Mapped[uuid.UUID] = _id()
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    event_type: Mapped[str] = mapped_column(String(100))
    event_category: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any] | None] = mapped_column(
        "metadata", comment="Additional event context in JSON format"
    )
    severity: Mapped[str] = mapped_column(String(20), server_default=text("'info'"))
    created_at: Mapped[datetime] = _created_at()


SOURCE_KEY_COMMENT = (
    "What a generated item was generated from, phase:action text, kept through later edits; "
    "null for an item a consultant added"
)


class ChecklistItemRow(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (
        CheckConstraint(f"phase_category IN ({PHASES_SQL})", name="phase_category"),
        CheckConstraint("completed_by IN ('consultant', 'client')", name="completed_by"),
        CheckConstraint("priority IN ('low', 'medium', 'high')", name="priority"),
        Index("idx_checklist_items_assessment_id", "assessment_id"),
        Index("idx_checklist_items_phase", "phase_category"),
        Index("idx_checklist_items_completed", "is_completed"),
        {"comment": "Action item checklists for assessments (Phase 2)"},
    )

    id: Mapped[uuid.UUID] = _id()
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    item_text: Mapped[str] = mapped_column(Text)
    item_order: Mapped[int]
    phase_category: Mapped[str | None] = mapped_column(String(50))
    is_completed: Mapped[bool] = mapped_column(server_default=text("false"))
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(
        String(50), comment="Who marked the item complete: consultant or client"
    )
    priority: Mapped[str | None] = mapped_column(String(20))
    due_date: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID] = mapped_column(_deferred_user_reference())
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    deleted_at: Mapped[datetime | None]
    source_key: Mapped[str | None] = mapped_column(Text, comment=SOURCE_KEY_COMMENT)


class ConsultantSettingsRow(Base):
    __tablename__ = "consultant_settings"
    __table_args__ = (
        Index("idx_consultant_settings_consultant_id", "consultant_id"),
        {"comment": "Consultant-specific settings and branding (Phase 2)"},
    )

    id: Mapped[uuid.UUID] = _id()
    consultant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    company_name: Mapped[str | None] = mapped_column(String(200))
    logo_url: Mapped[str | None] = mapped_column(Text)
    brand_color: Mapped[str | None] = mapped_column(
        String(7), comment="Hex color code for custom branding (e.g., #4B006E)"
    )
    email_signature: Mapped[str | None] = mapped_column(Text)
    email_templates: Mapped[dict[str, Any] | None] = mapped_column(
        comment="JSON storage for custom email templates"
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()


class SchedulerLinkRow(Base):
    __tablename__ = "scheduler_links"
    __table_args__ = (
        Index("idx_scheduler_links_consultant_id", "consultant_id"),
        Index("idx_scheduler_links_active", "is_active"),
        # Not in the design: a consultant's live links in display order (migration 0009).
        Index(
            "idx_scheduler_links_consultant_order",
            "consultant_id",
            "display_order",
            "created_at",
            "id",
            postgresql_where=LIVE,
        ),
        {"comment": "External scheduler integration links (Phase 2)"},
    )

    id: Mapped[uuid.UUID] = _id()
    consultant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    meeting_type_label: Mapped[str] = mapped_column(
        String(100),
        comment="Display label: Initial Consultation, Follow-up Session, Deep Dive Review",
    )
    scheduler_url: Mapped[str] = mapped_column(Text)
    duration_minutes: Mapped[int | None]
    recommended_for_phases: Mapped[list[str] | None] = mapped_column(
        ARRAY(Text), comment="Array of phases this meeting type is recommended for"
    )
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    display_order: Mapped[int] = mapped_column(server_default=text("0"))
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    deleted_at: Mapped[datetime | None]


class SessionRow(Base):
    """Not in the design: refresh-token sessions (API.md "Authentication")."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(
            "revoked_reason IN ('rotated', 'logout', 'reuse_detected', 'password_reset', "
            "'deactivated', 'admin')",
            name="revoked_reason",
        ),
        CheckConstraint(
            "(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_reason_with_time"
        ),
        Index("idx_sessions_user_id", "user_id"),
        Index("idx_sessions_family_id", "family_id"),
        Index("idx_sessions_expires_at", "expires_at"),
        {"comment": "Refresh-token sessions; one row per issued refresh token"},
    )

    id: Mapped[uuid.UUID] = _id()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID] = mapped_column(
        comment="Shared by every token rotated from one login; reuse revokes the whole family"
    )
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True, comment="SHA-256 hex digest of the opaque refresh token"
    )
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(20))
    user_agent: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(INET)


class AssessmentCountRow(Base):
    """Not in the design: how many live (not deleted) assessments each consultant has in each
    status, archived or not, kept exact by triggers on assessments (migrations 0005 and
    0007), so that a list's totalCount is a sum over a few rows instead of a scan of every
    assessment."""

    __tablename__ = "assessment_counts"
    __table_args__ = (
        {"comment": "Live assessments per consultant, status and archived, kept by triggers"},
    )

    consultant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(50), primary_key=True)
    archived: Mapped[bool] = mapped_column(primary_key=True)
    live: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class DataExportRow(Base):
    """Not in the design: an export requested (an account's, or a client's by email), built
    by a job into a ZIP file (`persistence.export_repositories`)."""

    __tablename__ = "data_exports"
    __table_args__ = (
        CheckConstraint("subject IN ('account', 'client')", name="subject"),
        CheckConstraint("status IN ('pending', 'ready', 'failed')", name="status"),
        Index("idx_data_exports_requested_by", "requested_by", "created_at"),
        Index("idx_data_exports_consultant_id", "consultant_id"),
        Index("idx_data_exports_waiting", "status", postgresql_where=text("status = 'pending'")),
        {"comment": "Exports of an account or a client, built by a job"},
    )

    id: Mapped[uuid.UUID] = _id()
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(20))
    client_email: Mapped[str | None] = mapped_column(
        String(255), comment="A client export's address"
    )
    consultant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        comment="A client export's practice; empty: every consultant's",
    )
    status: Mapped[str] = mapped_column(String(20), server_default=text("'pending'"))
    file_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()
    ready_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class SealingKeyRow(Base):
    """A key that has sealed stored values (persistence/sealing.py), with a probe it sealed."""

    __tablename__ = "sealing_keys"
    __table_args__ = ({"comment": "The encryption keys that have sealed stored values"},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    probe: Mapped[str] = mapped_column(Text, comment="A known text sealed with this key")
    created_at: Mapped[datetime] = _created_at()


class RateLimitWindowRow(Base):
    """Not in the design: the moving windows of the rate limits (API.md "Limits"), shared by
    every process of a deployment; counted and swept by `persistence.rate_windows`. Unlogged
    (migration 0006): a crash empties it, which only gives clients a fresh allowance."""

    __tablename__ = "rate_limit_windows"
    __table_args__ = (
        Index("idx_rate_limit_windows_expires_at", "expires_at"),
        {"comment": "Moving rate-limit windows, one per counted key", "prefixes": ["UNLOGGED"]},
    )

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    hits: Mapped[list[datetime]] = mapped_column(
        ARRAY(DateTime(timezone=True)),
        comment="When each attempt still inside the window was counted",
    )
    expires_at: Mapped[datetime] = mapped_column(
        comment="When the last counted attempt leaves the window"
    )


# The trigram indexes need pg_trgm, which ships with PostgreSQL (a trusted extension: the
# database's owner may create it).
event.listen(
    Base.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm"),  # type: ignore[no-untyped-call]
)


class EmailMessageRow(Base):
    """Not in the design: the outbox. Each message is a row first, committed with the change
    that caused it; a job delivers it and records the outcome (`persistence.email_outbox`)."""

    __tablename__ = "email_messages"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('REPORT_READY', 'PASSWORD_RESET', 'PASSWORD_CHANGED', "
            "'ASSESSMENT_INVITATION')",
            name="kind",
        ),
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts_range"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_with_time"),
        Index("idx_email_messages_assessment_id", "assessment_id", "created_at"),
        Index("idx_email_messages_user_id", "user_id"),
        Index(
            "idx_email_messages_due",
            "next_attempt_at",
            postgresql_where=text("status = 'queued'"),
        ),
        {"comment": "Outgoing email, one row per message, delivered by the job queue"},
    )

    id: Mapped[uuid.UUID] = _id()
    kind: Mapped[str] = mapped_column(String(50))
    recipient: Mapped[str] = mapped_column(String(255))
    reply_to: Mapped[str | None] = mapped_column(
        String(255), comment="Where replies go: the consultant who sent it"
    )
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str | None] = mapped_column(
        Text, comment="Plain-text part; cleared once the message is sent or has failed"
    )
    html_body: Mapped[str | None] = mapped_column(
        Text, comment="HTML part, if any; cleared with the plain-text part"
    )
    status: Mapped[str] = mapped_column(String(20), server_default=text("'queued'"))
    attempts: Mapped[int] = mapped_column(
        server_default=text("0"), comment="Delivery attempts made so far"
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(
        server_default=NOW, comment="When a queued message is next due to be tried"
    )
    sent_at: Mapped[datetime | None]
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"),
        comment="The account it was sent for: the consultant who sent it, or the recipient",
    )
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
