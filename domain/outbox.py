"""Outgoing email: a message as the outbox holds it, its statuses, what a transport may
answer, and the retry rule.

A message is written to the outbox in the transaction of the change that caused it, then
delivered by a job. A delivery that fails for a reason that may pass (the mail server is
down, or answers "try again later") is tried again after a pause that doubles each time, at
most `MAX_ATTEMPTS` times in all; one the server refuses for good (a rejected recipient,
refused credentials) fails at once. Either way the message records each attempt and the
last error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

MAX_ATTEMPTS = 3
ERROR_MAX = 1_000  # characters of a server's answer kept as the last error


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MessageKind(enum.StrEnum):
    """What a message is; the first three have templates (domain.email_templates)."""

    REPORT_READY = "REPORT_READY"
    PASSWORD_RESET = "PASSWORD_RESET"
    ASSESSMENT_INVITATION = "ASSESSMENT_INVITATION"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"


@dataclass(frozen=True, slots=True)
class Draft:
    """A message to queue: the plain-text part always, an HTML part for some kinds."""

    kind: MessageKind
    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    assessment_id: UUID | None = None
    user_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class EmailMessage:
    id: UUID
    kind: MessageKind
    to: str
    subject: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    assessment_id: UUID | None = None
    user_id: UUID | None = None
    reply_to: str | None = None
    # The parts, while the message waits; gone once it is sent or has failed.
    text: str | None = None
    html: str | None = None


class DeliveryFailed(Exception):
    """A transport could not deliver. `lasting` when trying again cannot help."""

    def __init__(self, message: str, *, lasting: bool) -> None:
        super().__init__(message[:ERROR_MAX])
        self.lasting = lasting


def retry_pause(attempts: int, first_pause: timedelta) -> timedelta:
    """How long to wait before the next try, after `attempts` failed ones: the first pause,
    then twice as long each time."""
    doubling: int = 2 ** max(0, attempts - 1)
    return first_pause * doubling
