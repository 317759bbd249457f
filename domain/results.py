"""What completion stored: the phase result and the DISC profile as read back, the other
records an assessment gathers (checklist items, reports), and the dashboard's figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from domain.model import (
    AssessmentStatus,
    CompletedBy,
    DiscType,
    EventCategory,
    Phase,
    Priority,
    ReportType,
    Severity,
)


@dataclass(frozen=True, slots=True)
class StoredPhaseResult:
    assessment_id: UUID
    readiness: Mapping[Phase, Decimal]
    primary: Phase
    secondary: tuple[Phase, ...]
    flags: tuple[str, ...]
    calculated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredDiscProfile:
    assessment_id: UUID
    scores: Mapping[DiscType, Decimal]
    primary: DiscType
    secondary: DiscType | None
    calculated_at: datetime


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    id: UUID
    assessment_id: UUID
    text: str
    order: int
    phase: Phase | None
    priority: Priority | None
    is_completed: bool
    completed_at: datetime | None
    completed_by: CompletedBy | None
    due_date: date | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PhaseProgress:
    """How many of an assessment's live items in one phase (None: items without one) are done."""

    phase: Phase | None
    total: int
    completed: int


@dataclass(frozen=True, slots=True)
class ChecklistProgress:
    """How far through its live checklist an assessment is: counts, the percentage done
    (0-100, two decimals; 0 with no items) and the same counts per phase, in phase order with
    the items without a phase last."""

    total: int
    completed: int
    percentage: Decimal
    by_phase: tuple[PhaseProgress, ...]


NO_CHECKLIST = ChecklistProgress(total=0, completed=0, percentage=Decimal("0.00"), by_phase=())


@dataclass(frozen=True, slots=True)
class ReportRecord:
    id: UUID
    assessment_id: UUID
    report_type: ReportType
    file_url: str
    file_size_bytes: int | None
    page_count: int | None
    generated_by: UUID
    is_shared: bool
    share_expires_at: datetime | None
    view_count: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    id: UUID
    user_id: UUID | None
    event_type: str
    category: EventCategory
    description: str
    severity: Severity
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AssessmentStats:
    """A practice in figures: its live assessments (archived ones too, deleted ones never)
    by status, by the primary phase and the communication style of their results, how many
    were completed since a given time, and how long completing took on average."""

    total: int
    by_status: Mapping[AssessmentStatus, int]  # every status, 0 where there are none
    by_primary_phase: Mapping[Phase, int]  # every phase
    by_disc_type: Mapping[DiscType, int]  # every style
    completed_since: int
    average_completion_minutes: Decimal | None  # started to completed; None when none
