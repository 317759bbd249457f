"""Data exports: what the service holds about a consultant (their account) or about one
client (by email), as one ZIP file built by a job and downloaded by its requester."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

EXPORT_LIFETIME = timedelta(days=1)  # a built export is kept this long, then removed
FORMAT = "financial-rise-export/1"
DOCUMENT_NAME = "export.json"


class ExportSubject(enum.StrEnum):
    ACCOUNT = "account"  # the requester's own account and practice
    CLIENT = "client"  # one client, by email, in a consultant's assessments or everyone's


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class DataExport:
    id: UUID
    requested_by: UUID
    subject: ExportSubject
    client_email: str | None  # a client export's address
    consultant_id: UUID | None  # a client export's practice; None: every consultant's
    status: ExportStatus
    created_at: datetime
    ready_at: datetime | None = None
    expires_at: datetime | None = None
    file_size_bytes: int | None = None
    error: str | None = None

    def usable_at(self, now: datetime) -> bool:
        return (
            self.status is ExportStatus.READY
            and self.expires_at is not None
            and now < self.expires_at
        )


@dataclass(frozen=True)
class ExportFile:
    """A report's file to put in the ZIP, under `name`."""

    key: str
    name: str


@dataclass(frozen=True)
class ExportContents:
    """The JSON document (README "Data rights") and the report files it names."""

    document: dict[str, object]
    files: list[ExportFile] = field(default_factory=list)
    assessments: int = 0


@dataclass(frozen=True)
class ExportDownload:
    content: bytes
    file_name: str


def export_key(export_id: UUID) -> str:
    return f"exports/{export_id}.zip"
