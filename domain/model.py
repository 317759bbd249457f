"""Domain model: the enumerations shared by every layer and the account entity.

The string values of the enumerations are the values stored in the database and checked by
its CHECK constraints (database-design.md), so they never change without a migration.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


class Role(enum.StrEnum):
    CONSULTANT = "consultant"
    ADMIN = "admin"


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class QuestionType(enum.StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    RATING = "rating"
    TEXT = "text"


class Section(enum.StrEnum):
    STABILIZE = "stabilize"
    ORGANIZE = "organize"
    BUILD = "build"
    GROW = "grow"
    SYSTEMIC = "systemic"
    DISC = "disc"
    METADATA = "metadata"


class Phase(enum.StrEnum):
    """The five readiness phases, in their sequence (SCORING §3)."""

    STABILIZE = "stabilize"
    ORGANIZE = "organize"
    BUILD = "build"
    GROW = "grow"
    SYSTEMIC = "systemic"


class DiscType(enum.StrEnum):
    D = "D"
    I = "I"  # noqa: E741 - the trait's own letter
    S = "S"
    C = "C"


class ReportType(enum.StrEnum):
    CONSULTANT = "consultant"
    CLIENT = "client"


class EventCategory(enum.StrEnum):
    AUTH = "auth"
    ASSESSMENT = "assessment"
    REPORT = "report"
    ADMIN = "admin"
    SYSTEM = "system"


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class CompletedBy(enum.StrEnum):
    CONSULTANT = "consultant"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class User:
    """A consultant or administrator account (without its password hash)."""

    id: UUID
    email: str
    role: Role
    first_name: str
    last_name: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewUser:
    """What the use case hands to the repository to create an account."""

    email: str
    password_hash: str
    role: Role
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    """One audit-trail row, written in the same transaction as the change it records."""

    event_type: str
    category: EventCategory
    description: str
    user_id: UUID | None = None
    severity: Severity = Severity.INFO
    metadata: dict[str, object] | None = None
    ip_address: str | None = None
    user_agent: str | None = None
