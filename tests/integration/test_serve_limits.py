"""The sign-in rate limits as real `rise serve` processes apply them: shared by two servers
on one database (in PostgreSQL, or in Redis), and counted per client address only as far
as the address can be believed (X-Forwarded-For from RISE_TRUSTED_PROXIES alone)."""

from __future__ import annotations

from collections.abc import Iterator
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
PER_ADDRESS, PER_ACCOUNT = 20, 10  # server.rate_limits.RULES["login"]


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


@pytest.fixture
def servers(
    request: pytest.FixtureRequest, tmp_path: Path, empty_database: str
) -> Iterator[tuple[Server, Server]]:
    """Two single-process servers on one database; with Redis for the windows when the
    test is parametrized so. Both believe the forwarded address of a local peer, so that
    each test counts addresses of its own (a Redis outlives test runs)."""
    given = {"DATABASE_URL": empty_database, "RISE_TRUSTED_PROXIES": "127.0.0.1"}
    if getattr(request, "param", "postgresql") == "redis":
        given["RISE_REDIS_URL"] = request.getfixturevalue("redis_url")
    env = environment(tmp_path, **given)
    first = Server(env, "--workers", "1")
    try:
        first.wait_ready()  # the first migrates the empty database
        second = Server(env, "--workers", "1")
        try:
            second.wait_ready()
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


@pytest.mark.parametrize("servers", ["postgresql", "redis"], indirect=True)
def test_two_servers_share_the_login_limits(servers: tuple[Server, Server]) -> None:
    # One account, from a new address each time, taking turns on the two servers.
    email = unique_email()
    per_account = [
        _login(server, email, forwarded_for=unique_address())
        for server in servers * (PER_ACCOUNT // 2 + 1)
    ]
    assert _limited_from(per_account) == PER_ACCOUNT, per_account
    assert per_account[PER_ACCOUNT:] == ["RATE_LIMITED"] * 2
    # One address, for a new account each time.
    address = unique_address()
    per_address = [
        _login(server, unique_email(), forwarded_for=address)
        for server in servers * (PER_ADDRESS // 2 + 1)
    ]
    assert _limited_from(per_address) == PER_ADDRESS, per_address
    assert per_address[PER_ADDRESS:] == ["RATE_LIMITED"] * 2


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
