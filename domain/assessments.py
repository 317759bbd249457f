"""Assessments: the record of one client's questionnaire, and the rules for its fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from domain.accounts import clean_name, normalize_email
from domain.errors import ValidationError
from domain.model import AssessmentStatus

CLIENT_NAME_MAX = 100  # assessments.client_name VARCHAR(100)
BUSINESS_NAME_MAX = 200  # assessments.client_business_name VARCHAR(200)
CONFIDENCE_MIN, CONFIDENCE_MAX = 1, 10


@dataclass(frozen=True, slots=True)
class Assessment:
    id: UUID
    consultant_id: UUID
    client_name: str
    client_business_name: str
    client_email: str
    status: AssessmentStatus
    progress: Decimal
    created_at: datetime
    updated_at: datetime
    entity_type: str | None = None
    is_s_corp_on_payroll: bool | None = None
    confidence_before: int | None = None
    confidence_after: int | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    archived_at: datetime | None = None

    @property
    def archived(self) -> bool:
        """Archived assessments are completed ones put away: left out of lists unless asked
        for, and read-only until unarchived."""
        return self.archived_at is not None


@dataclass(frozen=True, slots=True)
class ClientDetails:
    """Checked client fields; None where an update leaves a field as it is."""

    client_name: str | None = None
    client_business_name: str | None = None
    client_email: str | None = None
    confidence_before: int | None = None
    confidence_after: int | None = None


def check_client_details(
    *,
    client_name: str | None = None,
    client_business_name: str | None = None,
    client_email: str | None = None,
    confidence_before: int | None = None,
    confidence_after: int | None = None,
) -> ClientDetails:
    """Validates whichever fields are given; raises ValidationError naming the first bad one."""
    return ClientDetails(
        client_name=None
        if client_name is None
        else clean_name(client_name, field="client_name", max_length=CLIENT_NAME_MAX),
        client_business_name=None
        if client_business_name is None
        else clean_name(
            client_business_name, field="client_business_name", max_length=BUSINESS_NAME_MAX
        ),
        client_email=None
        if client_email is None
        else normalize_email(client_email, field="client_email"),
        confidence_before=_confidence(confidence_before, "confidence_before"),
        confidence_after=_confidence(confidence_after, "confidence_after"),
    )


def _confidence(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, f"{field.replace('_', ' ')} is a whole number from 1 to 10")
    if not CONFIDENCE_MIN <= value <= CONFIDENCE_MAX:
        raise ValidationError(field, f"{field.replace('_', ' ')} is from 1 to 10, not {value}")
    return value
