"""Small typed builders for rows. Every builder makes a valid row with unique values; a test
overrides only the columns its behaviour is about."""

from __future__ import annotations

import ipaddress
import socket
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import (
    ActivityLogRow,
    AssessmentRow,
    Base,
    ChecklistItemRow,
    ConsultantSettingsRow,
    DiscProfileRow,
    PhaseResultRow,
    QuestionRow,
    ReportRow,
    ResponseRow,
    SchedulerLinkRow,
    SessionRow,
    UserRow,
)

RowT = TypeVar("RowT", bound=Base)


def unique(prefix: str = "x") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def unique_email() -> str:
    return f"{unique('user')}@example.com"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique_address() -> str:
    """A client address no other test uses (IPv6's documentation range, 2001:db8::/32)."""
    return str(ipaddress.IPv6Address((0x20010DB8 << 96) | uuid.uuid4().int >> 32))


def user(**overrides: Any) -> UserRow:
    values: dict[str, Any] = {
        "email": unique_email(),
        "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
        "role": "consultant",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    return UserRow(**(values | overrides))


def assessment(consultant: UserRow, **overrides: Any) -> AssessmentRow:
    values: dict[str, Any] = {
        "consultant_id": consultant.id,
        "client_name": "Grace Hopper",
        "client_business_name": unique("Hopper Consulting"),
        "client_email": unique_email(),
    }
    return AssessmentRow(**(values | overrides))


def question(**overrides: Any) -> QuestionRow:
    values: dict[str, Any] = {
        "key": f"T-{uuid.uuid4().hex[:12]}",
        "question_text": "How current is your bookkeeping?",
        "question_type": "single_choice",
        "section": "stabilize",
        "order_index": 1,
        "answer_options": [{"value": "current", "label": "Up to date"}],
    }
    return QuestionRow(**(values | overrides))


def response(of: AssessmentRow, to: QuestionRow, **overrides: Any) -> ResponseRow:
    values: dict[str, Any] = {
        "assessment_id": of.id,
        "question_id": to.id,
        "answer_value": ":current",  # kept as not yet sealed
    }
    return ResponseRow(**(values | overrides))


def disc_profile(of: AssessmentRow, **overrides: Any) -> DiscProfileRow:
    values: dict[str, Any] = {
        "assessment_id": of.id,
        "dominance_score": Decimal("40"),
        "influence_score": Decimal("30"),
        "steadiness_score": Decimal("20"),
        "compliance_score": Decimal("10"),
        "primary_type": "D",
    }
    return DiscProfileRow(**(values | overrides))


def phase_result(of: AssessmentRow, **overrides: Any) -> PhaseResultRow:
    values: dict[str, Any] = {
        "assessment_id": of.id,
        "stabilize_score": Decimal("55"),
        "organize_score": Decimal("60"),
        "build_score": Decimal("40"),
        "grow_score": Decimal("30"),
        "systemic_score": Decimal("20"),
        "primary_phase": "stabilize",
    }
    return PhaseResultRow(**(values | overrides))


def report(of: AssessmentRow, by: UserRow, **overrides: Any) -> ReportRow:
    values: dict[str, Any] = {
        "assessment_id": of.id,
        "report_type": "client",
        "file_url": f"reports/{uuid.uuid4()}.pdf",
        "generated_by": by.id,
    }
    return ReportRow(**(values | overrides))


def activity(by: UserRow | None, **overrides: Any) -> ActivityLogRow:
    values: dict[str, Any] = {
        "user_id": by.id if by else None,
        "event_type": "auth.login",
        "event_category": "auth",
        "description": "signed in",
    }
    return ActivityLogRow(**(values | overrides))


def checklist_item(of: AssessmentRow, by: UserRow, **overrides: Any) -> ChecklistItemRow:
    values: dict[str, Any] = {
        "assessment_id": of.id,
        "item_text": "Reconcile the business bank account",
        "item_order": 1,
        "created_by": by.id,
    }
    return ChecklistItemRow(**(values | overrides))


def consultant_settings(of: UserRow, **overrides: Any) -> ConsultantSettingsRow:
    values: dict[str, Any] = {"consultant_id": of.id, "company_name": "Ledger & Co"}
    return ConsultantSettingsRow(**(values | overrides))


def scheduler_link(of: UserRow, **overrides: Any) -> SchedulerLinkRow:
    values: dict[str, Any] = {
        "consultant_id": of.id,
        "meeting_type_label": "Initial Consultation",
        "scheduler_url": "https://calendar.example.com/ada/intro",
    }
    return SchedulerLinkRow(**(values | overrides))


def refresh_session(of: UserRow, **overrides: Any) -> SessionRow:
    values: dict[str, Any] = {
        "user_id": of.id,
        "family_id": uuid.uuid4(),
        "token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
        "expires_at": datetime.now(UTC) + timedelta(days=7),
    }
    return SessionRow(**(values | overrides))


async def add(session: AsyncSession, row: RowT) -> RowT:
    """Inserts `row` and returns it with its server defaults loaded."""
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row
