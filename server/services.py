"""The service's parts, built once at start-up and shared by every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.bank import Bank
from domain.ports import Clock, LogoImages, Mailer, PasswordHasher
from persistence.connections import Database
from server.rate_limits import RateLimiter

if TYPE_CHECKING:
    from server.reports_http import ReportServices


@dataclass(frozen=True)
class Services:
    database: Database
    secret: str
    bank: Bank
    clock: Clock
    hasher: PasswordHasher
    mailer: Mailer
    public_url: str  # where people reach the service, without a trailing slash
    limiter: RateLimiter
    reports: ReportServices
    images: LogoImages  # decodes and re-encodes uploaded logos
