"""Rate limits on signing in, registering and password resets, per client address and per
account (API.md "Limits"), with the `limits` library's moving windows kept in memory.

The windows are per process: under `rise serve --workers N` each worker counts on its own,
so a client whose requests spread over the workers may get up to N times the allowance.
That is why one worker is the default until the windows are shared through the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

# Generous for a person, tight for a script guessing passwords or flooding mailboxes.
RULES: dict[str, tuple[str, str]] = {
    # action: (per client address, per account)
    "login": ("20/minute", "10/minute"),
    "register": ("10/hour", "5/hour"),
    "password_reset": ("10/hour", "3/hour"),
    # Each call renders PDFs for about a second of a core.
    "generate_reports": ("60/minute", "20/minute"),
}


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


def rules_for(reports_per_minute: int) -> dict[str, tuple[str, str]]:
    """RULES with the configured allowance for generateReports."""
    per_account = f"{reports_per_minute}/minute"
    return RULES | {"generate_reports": (f"{3 * reports_per_minute}/minute", per_account)}


@dataclass
class RateLimiter:
    rules: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(RULES))
    _limiter: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage())
    )

    def check(self, action: str, *, address: str | None, account: str | None) -> None:
        """Counts one attempt; raises RateLimited when either window is full."""
        per_address, per_account = (parse(rule) for rule in self.rules[action])
        self._hit(per_address, action, "address", address or "unknown")
        if account:
            self._hit(per_account, action, "account", account.strip().lower())

    def _hit(self, item: RateLimitItem, *keys: str) -> None:
        if not self._limiter.hit(item, *keys):
            reset_at, _ = self._limiter.get_window_stats(item, *keys)
            raise RateLimited(max(1, int(reset_at - time.time())))
