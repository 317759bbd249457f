"""The service's parts, built once at start-up and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.bank import Bank
from domain.ports import (
    Clock,
    EmailDispatch,
    ExportQueue,
    LogoImages,
    PasswordHasher,
    ShareTokens,
)
from persistence.connections import Database
from persistence.sealing import Keyring
from server.rate_limits import RateLimiter

if TYPE_CHECKING:
    from server.reports_http import ReportServices


@dataclass(frozen=True)
class Services:
    database: Database
    secret: str
    bank: Bank
    keys: Keyring  # seal and open the answers at rest
    clock: Clock
    hasher: PasswordHasher
    mail: EmailDispatch  # asks for queued messages to be delivered
    exports: ExportQueue  # asks for requested exports to be built
    public_url: str  # where people reach the service, without a trailing slash
    reset_link: str  # the password-reset link, with {token} where the token goes
    mail_off: bool  # production without a mail server: nothing is sent
    limiter: RateLimiter
    reports: ReportServices
    images: LogoImages  # decodes and re-encodes uploaded logos
    share_tokens: ShareTokens  # the tokens of report links, worked out from the secret
