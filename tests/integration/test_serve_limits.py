"""The sign-in rate limits as real `rise serve` processes apply them: counted per client
address only as far as the address can be believed (X-Forwarded-For from
RISE_TRUSTED_PROXIES alone)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.builders import unique_address, unique_email
from tests.database import query
from tests.integration.cli import environment
from tests.integration.test_serve import Server

pytestmark = pytest.mark.slow

LOGIN = (
    "mutation($e: String!) "
    '{ login(input: {email: $e, password: "Wrong-Pass-123"}) { accessToken } }'
)
PER_ADDRESS = 20  # server.rate_limits.RULES["login"]


def _login(server: Server, email: str, forwarded_for: str | None = None) -> str:
    """ "ok" when the attempt was let through (the password is wrong either way), else the
    error's code."""
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    body = httpx.post(
        f"{server.base}/graphql",
        json={"query": LOGIN, "variables": {"e": email}},
        headers=headers,
        timeout=30,
    ).json()
    return str(body["errors"][0]["extensions"]["code"]) if "errors" in body else "ok"


def _limited_from(codes: list[str]) -> int:
    """How many attempts passed before the first one refused."""
    assert set(codes) <= {"ok", "RATE_LIMITED"}, codes
    return codes.index("RATE_LIMITED") if "RATE_LIMITED" in codes else len(codes)


def _audited_addresses(database_url: str, emails: list[str]) -> set[str]:
    rows = query(
        database_url,
        "SELECT host(ip_address) FROM activity_logs"
        " WHERE event_type = 'auth.login_failed' AND metadata->>'email' = ANY(:emails)",
        emails=emails,
    )
    return {address for (address,) in rows}


def test_forwarded_for_from_an_untrusted_peer_changes_nothing(
    tmp_path: Path, empty_database: str
) -> None:
    server = Server(environment(tmp_path, DATABASE_URL=empty_database), "--workers", "1")
    try:
        server.wait_ready()
        emails = [unique_email() for _ in range(PER_ADDRESS + 2)]
        codes = [_login(server, email, forwarded_for=unique_address()) for email in emails]
    finally:
        server.stop()
    assert _limited_from(codes) == PER_ADDRESS, codes  # all counted for the real peer
    assert _audited_addresses(empty_database, emails[:PER_ADDRESS]) == {"127.0.0.1"}


def test_forwarded_for_from_a_trusted_proxy_is_the_client(
    tmp_path: Path, empty_database: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_TRUSTED_PROXIES="127.0.0.0/8")
    server = Server(env, "--workers", "1")
    try:
        server.wait_ready()
        emails = [unique_email() for _ in range(PER_ADDRESS + 2)]
        addresses = [unique_address() for _ in emails]
        codes = [
            _login(server, email, forwarded_for=f"{address}, 127.0.0.9")  # two proxies
            for email, address in zip(emails, addresses, strict=True)
        ]
    finally:
        server.stop()
    assert codes == ["ok"] * len(emails)  # each client has a window of its own
    assert _audited_addresses(empty_database, emails) == set(addresses)
