"""Protocols that the outside world implements for the use cases.

`persistence` provides the unit of work and its repositories; `server` provides the password
hasher, the mail transport, the dispatch of queued mail and the clock. Use cases depend on
these shapes only, so they run over fakes in unit tests and over PostgreSQL in production.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.assessments import Assessment, ClientDetails
from domain.branding import ConsultantSettings, EncodedLogo, ImageFacts
from domain.checklists import NewItem
from domain.exports import DataExport, ExportContents, ExportSubject
from domain.model import ActivityEvent, Answer, DiscType, NewUser, Phase, ReportType, Role, User
from domain.outbox import Draft, EmailMessage
from domain.recommendations import ChecklistDraft, ChecklistEntry
from domain.reports import Branding, ReportDocument, SchedulerLink
from domain.results import ChecklistItem, ReportRecord, StoredDiscProfile, StoredPhaseResult
from domain.scheduler_links import SchedulerLinkRecord
from domain.scoring import Scorecard


class PasswordHasher(Protocol):
    """argon2id in production. Hashing and verifying are slow on purpose and run off the event
    loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the hasher's current ones."""
        ...

    async def dummy_verify(self, password: str) -> None:
        """Takes as long as a `verify` against a real hash and proves nothing: run for an
        unknown email so that the response time does not tell whether an account exists."""
        ...


class MailTransport(Protocol):
    """Hands a message to the mail server: returns once the server has taken it, or raises
    `DeliveryFailed` (`lasting` when trying again cannot help)."""

    async def send(self, message: EmailMessage) -> None: ...


class ShareTokens(Protocol):
    def token(self, report_id: UUID, expires_at: datetime) -> str:
        """The token of the report's link that expires at `expires_at`: always the same for
        the same two, so that the live link can be mailed again, and impossible to work out
        without the service's secret (only its hash is stored)."""
        ...


class EmailDispatch(Protocol):
    """Asks for committed messages to be delivered as soon as a worker is free. A message
    whose request is lost (the process ended first) is found in the outbox and sent later."""

    async def deliver(self, message_ids: Sequence[UUID]) -> None: ...


class ExportQueue(Protocol):
    """Asks for committed export requests to be built as soon as a worker is free. A
    request whose ask is lost is found among the pending ones and built later."""

    async def build(self, export_ids: Sequence[UUID]) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


@dataclass(frozen=True, slots=True)
class Credentials:
    """An account with what signing in and password reset need to know about it (its
    lockout is the user's)."""

    user: User
    password_hash: str
    deleted_at: datetime | None = None
    password_reset_expires: datetime | None = None

    @property
    def may_sign_in(self) -> bool:
        return self.user.is_active and self.deleted_at is None


class UserRepository(Protocol):
    async def email_exists(self, email: str) -> bool: ...

    async def add(self, user: NewUser) -> User:
        """Inserts the account; raises `DuplicateEmail` if the address is taken meanwhile."""
        ...

    async def get(self, user_id: UUID) -> User | None:
        """The account, or None when it does not exist or is deleted (it may be inactive)."""
        ...

    async def get_by_email(self, email: str) -> User | None: ...

    async def every(self, *, role: Role | None = None) -> list[User]:
        """Every account that is not deleted (of this role), by email."""
        ...

    async def credentials_by_email(self, email: str, *, lock: bool = False) -> Credentials | None:
        """The account with this (normalized) email, deleted or not. `lock` holds the row until
        the transaction ends, so concurrent logins of one account count their failures in turn."""
        ...

    async def credentials_by_id(
        self, user_id: UUID, *, lock: bool = False
    ) -> Credentials | None: ...

    async def credentials_by_reset_token(
        self, token_hash: str, *, lock: bool = False
    ) -> Credentials | None:
        """The account whose pending password reset has this token digest, expired or not."""
        ...

    async def record_login(
        self, user_id: UUID, *, at: datetime, password_hash: str | None = None
    ) -> User:
        """A successful login: sets last_login_at, clears the failed attempts and the lock, and
        stores `password_hash` when given (a re-hash with current parameters)."""
        ...

    async def record_failed_login(
        self, user_id: UUID, *, attempts: int, locked_until: datetime | None
    ) -> None:
        """Stores the count of failures since the last success and the lock, if any."""
        ...

    async def set_password_reset(
        self, user_id: UUID, *, token_hash: str, expires_at: datetime
    ) -> None:
        """Replaces any pending reset token with this one."""
        ...

    async def change_password(self, user_id: UUID, *, password_hash: str) -> None:
        """Stores the new hash and clears the reset token, the failed attempts and the lock."""
        ...

    async def update(self, user_id: UUID, changes: Mapping[str, object]) -> User:
        """Sets profile fields (first_name, last_name, role, is_active) of a live account."""
        ...

    async def lock_active_admins(self) -> list[UUID]:
        """The active administrators' ids, their rows locked until the transaction ends, so
        that two demotions at once cannot leave the service without an administrator."""
        ...

    async def unlock(self, user_id: UUID) -> None:
        """Clears the lockout: no lock, no failed attempts."""
        ...


class RevokedReason(enum.StrEnum):
    """Why a refresh-token session ended; the values are the CHECK constraint's."""

    ROTATED = "rotated"
    LOGOUT = "logout"
    REUSE_DETECTED = "reuse_detected"
    PASSWORD_RESET = "password_reset"
    DEACTIVATED = "deactivated"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class NewRefreshSession:
    user_id: UUID
    family_id: UUID
    token_hash: str  # SHA-256 hex of the opaque token; the token itself is never stored
    created_at: datetime
    expires_at: datetime
    ip_address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class RefreshSession:
    """One issued refresh token. Every token rotated from one login shares its `family_id`."""

    id: UUID
    user_id: UUID
    family_id: UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: RevokedReason | None = None


class SessionRepository(Protocol):
    async def add(self, session: NewRefreshSession) -> RefreshSession: ...

    async def get(self, session_id: UUID) -> RefreshSession | None: ...

    async def by_token_hash(self, token_hash: str, *, lock: bool = False) -> RefreshSession | None:
        """`lock` holds the row, so two refreshes with one token take turns (the second one
        then sees it rotated)."""
        ...

    async def revoke(self, session_id: UUID, *, at: datetime, reason: RevokedReason) -> bool:
        """Ends the session if it is still active (a rotated one was last used at `at`);
        False when it already ended."""
        ...

    async def revoke_family(self, family_id: UUID, *, at: datetime, reason: RevokedReason) -> int:
        """Ends every still-active session of the family; returns how many."""
        ...

    async def revoke_all(
        self,
        user_id: UUID,
        *,
        at: datetime,
        reason: RevokedReason,
        keep_family: UUID | None = None,
    ) -> int:
        """Ends every still-active session of the user, except those of the login
        `keep_family` when given; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    id: UUID
    answer: Answer
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SavedAnswers:
    """What a save wrote, and the assessment's whole answer sheet after it (the answers
    not written by the save without their notes: progress and status do not need them)."""

    saved: list[StoredResponse]
    sheet: dict[str, Answer]


class AssessmentRepository(Protocol):
    async def add(self, consultant_id: UUID, details: ClientDetails) -> Assessment: ...

    async def get(self, assessment_id: UUID, *, lock: bool = False) -> Assessment | None:
        """The assessment, or None when it does not exist or is deleted. `lock` holds the row
        until the transaction ends, so saves and completion of one assessment take turns."""
        ...

    async def update(self, assessment_id: UUID, changes: Mapping[str, object]) -> Assessment: ...

    async def update_later(
        self, assessment: Assessment, changes: Mapping[str, object], at: datetime
    ) -> Assessment:
        """The update of `update` for a caller that needs nothing back from the database:
        it goes with the unit of work's next statement or its commit, and fails the commit
        if it fails. Returns `assessment` as the update leaves it, `at` being the time the
        unit of work writes with (the updated_at its other writes returned)."""
        ...


class ResponseRepository(Protocol):
    async def answers(self, assessment_id: UUID) -> dict[str, Answer]:
        """Every stored answer of the assessment, by question key."""
        ...

    async def save(self, assessment_id: UUID, answers: Sequence[Answer]) -> SavedAnswers:
        """Inserts or replaces one response per answer's question (at least one answer), and
        returns them with the whole sheet after the save."""
        ...

    async def answers_locked(
        self, assessment_id: UUID, *, notes: bool
    ) -> tuple[Assessment | None, dict[str, Answer]]:
        """`AssessmentRepository.get(lock=True)` and `answers` at once, the answers read
        once the lock is held; their notes only with `notes` (else None: scoring does not
        read them)."""
        ...

    async def save_locked(
        self, assessment_id: UUID, answers: Sequence[Answer]
    ) -> tuple[Assessment | None, SavedAnswers]:
        """`AssessmentRepository.get(lock=True)` and `save` at once: the assessment (None as
        `get` gives it) and the save, which saves nothing (`saved` empty, `sheet` the stored
        answers) when the assessment is missing, deleted or completed. Whether the actor may
        save is the caller's to decide after: a save that must not stand is rolled back with
        the unit of work."""
        ...


@dataclass(frozen=True, slots=True)
class ReplacedResults:
    """What a re-score replaced: the earlier primary phase and DISC type, None where there
    was none."""

    primary_phase: Phase | None
    disc_type: DiscType | None


class ResultRepository(Protocol):
    async def save(self, assessment_id: UUID, card: Scorecard, calculated_at: datetime) -> None:
        """Stores the phase result and, when there is one, the DISC profile."""
        ...

    async def replace(
        self, assessment_id: UUID, card: Scorecard, calculated_at: datetime
    ) -> ReplacedResults:
        """Stores the card in place of the stored results: the phase result, and the DISC
        profile, or none when the card has none. Returns what it replaced."""
        ...


class ChecklistRepository(Protocol):
    async def add(self, assessment_id: UUID, items: Sequence[ChecklistDraft], by: UUID) -> None:
        """Writes generated items, every one at once, each with its source_key and due date,
        after the assessment's live items (numbered on from the last, in the drafts' order)."""
        ...

    async def entries(self, assessment_id: UUID) -> list[ChecklistEntry]:
        """Every item of the assessment, deleted ones too, as matching needs them."""
        ...

    async def append(self, assessment_id: UUID, item: NewItem, by: UUID) -> ChecklistItem:
        """Adds one item after the assessment's live items; returns it."""
        ...

    async def live(self, assessment_id: UUID) -> list[ChecklistItem]:
        """The assessment's live items, in their order."""
        ...

    async def reorder(self, assessment_id: UUID, ids: Sequence[UUID]) -> list[ChecklistItem]:
        """Numbers the live items 1, 2, 3... in the order of `ids` (all of them, each once);
        returns them in that order."""
        ...

    async def get(self, item_id: UUID, *, lock: bool = False) -> ChecklistItem | None:
        """The live item (FOR UPDATE with `lock`); None when missing or deleted."""
        ...

    async def update(self, item_id: UUID, changes: Mapping[str, object]) -> ChecklistItem:
        """Sets the named columns of the item, and updated_at; returns the item as it now is."""
        ...


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A report turned into a PDF."""

    content: bytes
    page_count: int


class ReportRenderer(Protocol):
    async def render(self, document: ReportDocument) -> RenderedReport:
        """The PDF of the document; may wait for a free renderer."""
        ...


class ReportStore(Protocol):
    """Where report files and logos live, by keys the service makes (never from user
    input): `reports/...` for reports (which a sweep may remove when no report names them),
    `logos/...` for consultants' logos, `previews/...` for sample reports."""

    async def check_writable(self) -> None:
        """Raises when files clearly cannot be stored now, found out cheaply (no report is
        written); a later `put` may still fail."""
        ...

    async def put(self, key: str, content: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None:
        """The file, or None when there is none under the key."""
        ...

    async def delete(self, keys: Sequence[str]) -> None:
        """Removes these files; keys with no file are skipped."""
        ...

    def key_pages(self) -> AsyncIterator[list[str]]:
        """Every report key the store holds a file under, a page at a time (and whatever
        else it holds that only a sweep may remove, such as writes that never finished)."""
        ...


class LogoImages(Protocol):
    """Decoding and encoding logos (Pillow in production), off the event loop."""

    async def inspect(self, content: bytes) -> ImageFacts | None:
        """The format and size the image's header states, read without decoding a pixel;
        None when the content is no image the codec reads."""
        ...

    async def reencode(self, content: bytes, *, width: int, height: int) -> EncodedLogo | None:
        """The image decoded, scaled to `width` × `height` and encoded again in its own
        format, with no metadata; None when its pixels cannot be decoded (truncated or
        damaged data)."""
        ...


class SettingsRepository(Protocol):
    async def get(self, consultant_id: UUID) -> ConsultantSettings | None:
        """The consultant's settings, or None when they never saved any."""
        ...

    async def locked(self, consultant_id: UUID) -> ConsultantSettings:
        """The consultant's settings, their row locked until the transaction ends, so that
        changes of one consultant's settings take turns. Without a row, one is made (empty,
        `updated_at` None), which a rollback removes again."""
        ...

    async def update(
        self, consultant_id: UUID, changes: Mapping[str, object]
    ) -> ConsultantSettings:
        """Sets fields of the (locked) row: company_name, brand_color, email_signature,
        logo_key, email_templates (the consultant's own templates, all of them); None (or no
        templates) clears one."""
        ...


class ReportRepository(Protocol):
    async def add(
        self,
        *,
        report_id: UUID,
        assessment_id: UUID,
        report_type: ReportType,
        key: str,
        file_size_bytes: int,
        page_count: int,
        generated_by: UUID,
    ) -> ReportRecord: ...

    async def get(self, report_id: UUID, *, lock: bool = False) -> ReportRecord | None: ...

    async def share(
        self, report_id: UUID, *, token_hash: str, expires_at: datetime
    ) -> ReportRecord: ...

    async def revoke(self, report_id: UUID) -> ReportRecord: ...

    async def end_expired_shares(self, *, at: datetime) -> int:
        """Ends every link whose expiry has passed by `at`, as a revocation would; returns
        how many."""
        ...

    async def shared(
        self, token_hash: str, *, at: datetime, count_view: bool = True
    ) -> ReportRecord | None:
        """The live shared client report under this token hash, its view counted unless
        `count_view` is false."""
        ...

    async def keys_of(self, assessment_ids: Sequence[UUID]) -> list[str]: ...

    async def storing_files(self) -> None:
        """Until the transaction ends, a sweep of the store waits: the files stored meanwhile
        are recorded by then, or orphaned. Stores of several transactions run side by side."""
        ...

    async def sweeping_files(self) -> None:
        """Until the transaction ends, no file is stored: every stored file is either named
        by a committed report or belongs to no transaction in progress."""
        ...

    async def recorded(self, keys: Sequence[str]) -> set[str]:
        """Those of the keys that a report names."""
        ...

    async def results(
        self, assessment_id: UUID
    ) -> tuple[StoredPhaseResult | None, StoredDiscProfile | None]: ...

    async def branding(
        self, consultant_id: UUID
    ) -> tuple[Branding | None, tuple[SchedulerLink, ...]]: ...


class SchedulerLinkRepository(Protocol):
    """A consultant's live booking links; a deleted link is gone for every reader."""

    async def lock_owner(self, consultant_id: UUID) -> None:
        """Until the transaction ends, other changes to this consultant's links wait, so that
        what `live` read (how many are active, their order) stays true until commit."""
        ...

    async def live(self, consultant_id: UUID) -> list[SchedulerLinkRecord]:
        """The consultant's links that are not deleted, active or not, in display order."""
        ...

    async def add(
        self, consultant_id: UUID, link: SchedulerLink, display_order: int
    ) -> SchedulerLinkRecord: ...

    async def update(self, link_id: UUID, link: SchedulerLink) -> SchedulerLinkRecord:
        """Stores every field of `link` on the live link."""
        ...

    async def delete(self, link_id: UUID, *, at: datetime) -> None:
        """The soft delete: the row stays, marked deleted at `at`."""
        ...

    async def reorder(self, ids: Sequence[UUID]) -> None:
        """Gives the links their place in this order: 1 for the first, 2 for the next..."""
        ...


class ExportRepository(Protocol):
    async def add(
        self,
        requested_by: UUID,
        subject: ExportSubject,
        client_email: str | None,
        consultant_id: UUID | None,
    ) -> DataExport: ...

    async def get(self, export_id: UUID, *, lock: bool = False) -> DataExport | None: ...

    async def pending(self) -> list[UUID]: ...

    async def contents(self, export: DataExport) -> ExportContents:
        """Everything the export covers, read in this transaction."""
        ...

    async def finish(
        self, export_id: UUID, *, size: int, at: datetime, expires_at: datetime
    ) -> None: ...

    async def fail(self, export_id: UUID, error: str) -> None: ...

    async def expired(self, at: datetime) -> list[UUID]:
        """Deletes the requests that expired by `at`; returns their ids."""
        ...

    async def about(
        self, *, email: str, assessment_ids: Sequence[UUID], user_id: UUID | None
    ) -> list[UUID]:
        """Deletes every export that may hold what an erasure takes: the client exports of
        `email` or of the assessments' clients, the account exports of their consultants,
        and what the account `user_id` asked for or that covers its practice."""
        ...


class ErasureRepository(Protocol):
    """Deleting for good; the database's cascades take every row under what is deleted."""

    async def assessments_of(self, user_id: UUID) -> list[UUID]: ...

    async def deleted_before(self, cutoff: datetime) -> list[UUID]: ...

    async def authored_elsewhere(self, user_id: UUID) -> int: ...

    async def delete_assessments(self, ids: Sequence[UUID]) -> int: ...

    async def delete_user(self, user_id: UUID) -> bool: ...

    async def client_assessments(self, email: str, consultant_id: UUID | None) -> list[UUID]:
        """The client's assessments (deleted too), the consultant's or anyone's (None)."""
        ...

    async def traces(self, user_id: UUID | None, assessment_ids: Sequence[UUID]) -> list[str]:
        """The ids, as text, of every row under the account and the assessments."""
        ...

    async def scrub_activity(
        self, user_id: UUID | None, ids: Sequence[str], addresses: Sequence[str]
    ) -> int:
        """Strips the personal details of every audit row by the account or naming any of
        the ids or addresses; returns how many rows."""
        ...

    async def forget_jobs(self, ids: Sequence[str]) -> int:
        """Deletes the job queue's jobs about the messages among `ids`."""
        ...


class EmailOutbox(Protocol):
    async def add(self, draft: Draft, *, at: datetime) -> EmailMessage:
        """Queues the message, due at once; it is delivered only if the transaction commits."""
        ...

    async def claim(self, message_id: UUID, *, at: datetime) -> EmailMessage | None:
        """The queued message with its parts, if it is due by `at`, locked until the
        transaction ends; None when it is sent, failed, not yet due, or being delivered."""
        ...

    async def record_sent(self, message_id: UUID, *, at: datetime) -> None: ...

    async def record_failure(
        self, message_id: UUID, error: str, *, at: datetime, retry_at: datetime | None
    ) -> None:
        """Counts a failed attempt: queued again for `retry_at`, or FAILED when it is None."""
        ...

    async def due(self, *, at: datetime, limit: int) -> list[UUID]:
        """Queued messages due by `at`, the longest waiting first."""
        ...


class ActivityLog(Protocol):
    async def record(self, event: ActivityEvent, *, at: datetime | None = None) -> None:
        """`at` is when it happened by the Clock; None lets the database stamp the row."""
        ...

    async def count(self, *, user_id: UUID, event_type: str, since: datetime) -> int:
        """How many `event_type` rows of the user were recorded after `since`."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the `async with` block without `commit()` rolls back."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def activity(self) -> ActivityLog: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def assessments(self) -> AssessmentRepository: ...

    @property
    def responses(self) -> ResponseRepository: ...

    @property
    def results(self) -> ResultRepository: ...

    @property
    def checklists(self) -> ChecklistRepository: ...

    @property
    def reports(self) -> ReportRepository: ...

    @property
    def scheduler_links(self) -> SchedulerLinkRepository: ...

    @property
    def erasure(self) -> ErasureRepository: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def emails(self) -> EmailOutbox: ...

    @property
    def exports(self) -> ExportRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...
