"""Domain model: the enumerations shared by every layer, accounts, and the question bank's
questions and answers.

The string values of the enumerations are the values stored in the database and checked by
its CHECK constraints (database-design.md), so they never change without a migration.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    """A consultant or administrator account (without its password hash).

    `failed_login_attempts` counts the wrong passwords since the last successful login or
    password change; `locked_until` is when the lock those failures set ends (it may have
    passed: see `lock_end`).
    """

    id: UUID
    email: str
    role: Role
    first_name: str
    last_name: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None = None
    failed_login_attempts: int = 0
    locked_until: datetime | None = None

    def lock_end(self, now: datetime) -> datetime | None:
        """When the account's lock ends, or None when it is not locked at `now`."""
        until = self.locked_until
        return until if until is not None and until > now else None


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


# -- the question bank (SCORING §1) ------------------------------------------------------------

# Question ids are derived from their keys, so every install gives a question the same id.
QUESTION_NAMESPACE = uuid.UUID("6f1e3c52-8d0b-5a7e-9c4f-2b1d7e9a0c31")

PHASE_SEQUENCE: tuple[Phase, ...] = (
    Phase.STABILIZE,
    Phase.ORGANIZE,
    Phase.BUILD,
    Phase.GROW,
    Phase.SYSTEMIC,
)


def question_id(key: str) -> uuid.UUID:
    """The id of the question with `key`, the same on every install."""
    return uuid.uuid5(QUESTION_NAMESPACE, key)


class Mirror(enum.StrEnum):
    """Assessment columns that copy an answer (SCORING §1 "Mirrors")."""

    ENTITY_TYPE = "entity_type"
    S_CORP_ON_PAYROLL = "s_corp_on_payroll"


@dataclass(frozen=True, slots=True)
class AnswerOption:
    value: str
    label: str
    phase_points: Mapping[Phase, int] = field(default_factory=dict)
    disc_points: Mapping[DiscType, int] = field(default_factory=dict)
    # Only on the payroll follow-up: True paid through payroll, False not, None unsure.
    mirror: bool | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """Shown only while the parent's answer is (multiple choice: contains) `value`."""

    parent_key: str
    value: str


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    section: Section
    type: QuestionType
    text: str
    order: int
    options: tuple[AnswerOption, ...] = ()
    help: str | None = None
    required: bool = True
    allows_na: bool = False
    caps: Mapping[Phase, int] = field(default_factory=dict)  # multiple choice
    rating_weights: Mapping[Phase, int] = field(default_factory=dict)  # rating
    scale: tuple[str, ...] = ()  # rating: labels of 1..5
    condition: Condition | None = None
    mirror: Mirror | None = None
    # Derived from the key once, not on every read: answers are matched to questions by it.
    id: uuid.UUID = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", question_id(self.key))

    def option(self, value: str) -> AnswerOption | None:
        return next((option for option in self.options if option.value == value), None)

    @property
    def is_disc(self) -> bool:
        return any(option.disc_points for option in self.options)


@dataclass(frozen=True, slots=True)
class Answer:
    """One response. `value` is the single-choice option or the text; `values` the
    multiple-choice options; `rating` 1-5. With none of them and no N/A the question is
    unanswered (a consultant may save notes before the client has decided)."""

    question_key: str
    value: str | None = None
    values: tuple[str, ...] = ()
    rating: int | None = None
    not_applicable: bool = False
    notes: str | None = None

    @property
    def is_answered(self) -> bool:
        return (
            self.not_applicable
            or self.value is not None
            or bool(self.values)
            or self.rating is not None
        )


Answers = Mapping[str, Answer]  # by question key
