"""`rise serve` with RISE_ENV=production: it refuses the development public URL, says at
start that mail is off when no mail server is set, fails each message with that reason, and
never writes a password-reset token to its output; in development the console transport
prints the link, as it is meant to."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from domain.services.auth import token_digest
from server.mail import MAIL_OFF
from tests.builders import free_port, unique_email
from tests.database import query
from tests.integration.cli import environment, rise
from tests.integration.test_serve import Server, _create_user

pytestmark = pytest.mark.slow

SECRET = "production-secret-" + "p" * 40
PUBLIC_URL = "https://rise.example.com"
REQUEST_RESET = "mutation($e: String!) { requestPasswordReset(email: $e) { ok } }"
# What secrets.token_urlsafe(32) makes: 43 characters of the URL-safe base64 alphabet.
TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def _production(tmp_path: Path, database_url: str, **overrides: str) -> dict[str, str]:
    return environment(
        tmp_path, DATABASE_URL=database_url, RISE_ENV="production", RISE_SECRET_KEY=SECRET,
        RISE_RUN_JOBS="true", **overrides,
    )  # fmt: skip


def test_production_refuses_the_development_public_url(tmp_path: Path, empty_database: str) -> None:
    result = rise("serve", "--port", str(free_port()), env=_production(tmp_path, empty_database))
    assert result.code == 1
    [line] = result.error_lines
    assert line.startswith("rise: error: RISE_PUBLIC_URL must be set when RISE_ENV=production")


def _reset_tokens_in(output: str, database_url: str, email: str) -> list[str]:
    """The tokens in `output` that are the account's pending reset token (stored hashed)."""
    [(digest,)] = query(
        database_url, "SELECT password_reset_token FROM users WHERE email = :e", e=email
    )
    assert digest, "no reset is pending: nothing to look for"
    return [token for token in TOKEN_LIKE.findall(output) if token_digest(token) == digest]


def _request_reset(server: Server, email: str) -> None:
    answer = httpx.post(
        f"{server.base}/graphql", json={"query": REQUEST_RESET, "variables": {"e": email}}
    ).json()
    assert answer == {"data": {"requestPasswordReset": {"ok": True}}}, answer


def test_production_never_writes_the_reset_token_or_link(
    tmp_path: Path, empty_database: str
) -> None:
    env = _production(tmp_path, empty_database, RISE_PUBLIC_URL=PUBLIC_URL)
    server = Server(env)  # a worker per core: the warning still comes once
    try:
        server.wait_ready()
        ready = httpx.get(f"{server.base}/readyz")
        assert (ready.status_code, ready.json()["mail"]) == (200, MAIL_OFF)
        email = unique_email()
        assert _create_user(env, email).code == 0
        _request_reset(server, email)
        server.wait_for(f"failed: {MAIL_OFF}")
    finally:
        output = server.stop()
    assert server.process.returncode == 0, output
    warnings = [line for line in output.splitlines() if line.endswith(f"rise: {MAIL_OFF}")]
    assert len(warnings) == 1, output
    assert " WARNING " in warnings[0]
    assert _reset_tokens_in(output, empty_database, email) == []
    assert "reset-password" not in output
    assert PUBLIC_URL not in output
    [message] = query(
        empty_database,
        "SELECT status, attempts, last_error, text_body FROM email_messages WHERE recipient = :e",
        e=email,
    )
    assert tuple(message) == ("failed", 1, MAIL_OFF, None)  # the link is not kept either


def test_development_prints_the_reset_link(tmp_path: Path, empty_database: str) -> None:
    """The other side of the test above, and proof that its search finds a token."""
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_RUN_JOBS="true")
    server = Server(env, "--workers", "1")
    try:
        server.wait_ready()
        email = unique_email()
        assert _create_user(env, email).code == 0
        _request_reset(server, email)
        link = server.wait_for("/reset-password?token=")
    finally:
        output = server.stop()
    [token] = _reset_tokens_in(output, empty_database, email)
    assert f"http://127.0.0.1:8000/reset-password?token={token}" in link
    assert MAIL_OFF not in output
