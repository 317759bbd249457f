"""`rise users list` and `rise users set-password` as a person runs them, against a real
PostgreSQL: what they print, what they change, and the one-line errors."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.builders import unique_email
from tests.database import execute, query
from tests.integration.cli import Result, environment, rise
from tests.integration.test_cli_prompt import Terminal

pytestmark = pytest.mark.slow

PASSWORD = "Ledger-Balance-42"
NEW_PASSWORD = "Fresh-Start-2026!"


def _create(env: dict[str, str], email: str, role: str = "consultant") -> None:
    created = rise(
        "users", "create", "--email", email, "--role", role,
        "--first-name", "Ada", "--last-name", "Lovelace", env=env,
    )  # fmt: skip
    assert created.code == 0, created.stderr


def _id(url: str, email: str) -> uuid.UUID:
    [(user_id,)] = query(url, "SELECT id FROM users WHERE email = :e", e=email)
    return uuid.UUID(str(user_id))


def _session(url: str, user_id: uuid.UUID) -> uuid.UUID:
    """A refresh session of a login of the user, as a sign-in leaves one."""
    digest = hashlib.sha256(secrets.token_bytes(16)).hexdigest()
    [(session_id,)] = execute(
        url,
        "INSERT INTO sessions (user_id, family_id, token_hash, expires_at) "
        "VALUES (:u, :f, :h, now() + interval '7 days') RETURNING id",
        u=user_id,
        f=uuid.uuid4(),
        h=digest,
    )
    return uuid.UUID(str(session_id))


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return environment(tmp_path, DATABASE_URL=database_url, RISE_PASSWORD=PASSWORD)


# -- list ------------------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path, empty_database: str) -> dict[str, str]:
    """A migrated database of its own, so that a list shows exactly what the test made."""
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_PASSWORD=PASSWORD)
    upgraded = rise("db", "upgrade", env=env)
    assert upgraded.code == 0, upgraded.stderr
    return env


def test_the_list_shows_every_account_by_email_with_its_state(
    fresh: dict[str, str], empty_database: str
) -> None:
    assert rise("users", "list", env=fresh).stdout == "no accounts\n"
    for email in ("cy@example.com", "bob.longer-name@example.com", "dee@example.com"):
        _create(fresh, email)
    only_admins = rise("users", "list", "--role", "admin", env=fresh)
    assert (only_admins.code, only_admins.stdout) == (0, "no admin accounts\n")
    _create(fresh, "ann@example.com", "admin")
    execute(
        empty_database,
        "UPDATE users SET last_login_at = '2026-03-02 09:05:59+00' WHERE email = 'ann@example.com'",
    )
    locked_until = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    execute(
        empty_database,
        "UPDATE users SET failed_login_attempts = 5, account_locked_until = :t "
        "WHERE email = 'cy@example.com'",
        t=locked_until,
    )
    execute(
        empty_database,
        "UPDATE users SET is_active = false, failed_login_attempts = 5, "
        "account_locked_until = now() - interval '1 minute' WHERE email = 'dee@example.com'",
    )  # a lock that has run out is no lock

    listed = rise("users", "list", env=fresh)
    assert listed.code == 0, listed.stderr
    until = locked_until.strftime("%Y-%m-%d %H:%M UTC")
    state = 41  # the widest: "active, locked until YYYY-MM-DD HH:MM UTC"
    assert listed.stdout.splitlines() == [
        "EMAIL                        ROLE        " + "STATE".ljust(state) + "  LAST LOGIN",
        "ann@example.com              admin       "
        + "active".ljust(state)
        + "  2026-03-02 09:05 UTC",
        "bob.longer-name@example.com  consultant  " + "active".ljust(state) + "  never",
        f"cy@example.com               consultant  active, locked until {until}  never",
        "dee@example.com              consultant  " + "inactive".ljust(state) + "  never",
    ]
    assert rise("users", "list", env=fresh).stdout == listed.stdout  # the same order again

    consultants = rise("users", "list", "--role", "consultant", env=fresh)
    emails = [line.split()[0] for line in consultants.stdout.splitlines()[1:]]
    assert emails == ["bob.longer-name@example.com", "cy@example.com", "dee@example.com"]


def test_an_unknown_role_is_a_usage_error(env: dict[str, str]) -> None:
    result = rise("users", "list", "--role", "owner", env=env)
    assert result.code == 2
    assert "invalid choice: 'owner'" in result.stderr


def test_listing_an_unmigrated_database_asks_for_an_upgrade(
    tmp_path: Path, empty_database: str
) -> None:
    result = rise("users", "list", env=environment(tmp_path, DATABASE_URL=empty_database))
    assert result.code == 1
    assert result.error_lines == [
        "rise: error: the database schema is empty; run `rise db upgrade` first"
    ]


# -- set-password ----------------------------------------------------------------------------


def _set_password(env: dict[str, str], email: str, password: str | None) -> Result:
    changed = dict(env)
    changed.pop("RISE_PASSWORD", None)
    if password is not None:
        changed["RISE_PASSWORD"] = password
    return rise("users", "set-password", "--email", email, env=changed)


def test_set_password_ends_the_sessions_clears_the_lock_and_is_audited(
    env: dict[str, str], database_url: str
) -> None:
    email = unique_email()
    _create(env, email)
    user_id = _id(database_url, email)
    sessions = [_session(database_url, user_id) for _ in range(2)]
    execute(
        database_url,
        "UPDATE users SET failed_login_attempts = 5, account_locked_until = now() + "
        "interval '10 minutes', password_reset_token = 'pending', "
        "password_reset_expires = now() + interval '1 day' WHERE id = :u",
        u=user_id,
    )

    result = _set_password(env, email.upper(), NEW_PASSWORD)
    assert result.code == 0, result.stderr
    assert result.stdout == (
        f"set the password of {email}; ended 2 session(s); its lock is cleared\n"
    )

    [row] = query(
        database_url,
        "SELECT password_hash, failed_login_attempts, account_locked_until, "
        "password_reset_token FROM users WHERE id = :u",
        u=user_id,
    )
    assert row.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(row.password_hash, NEW_PASSWORD)
    assert (row.failed_login_attempts, row.account_locked_until) == (0, None)
    assert row.password_reset_token is None  # a pending reset link no longer works
    ended = query(
        database_url,
        "SELECT revoked_reason FROM sessions WHERE id = ANY(:ids)",
        ids=[str(s) for s in sessions],
    )
    assert [r.revoked_reason for r in ended] == ["admin", "admin"]

    [audit] = query(
        database_url,
        "SELECT event_category, severity, description, metadata::text AS metadata, "
        "metadata->>'source' AS source, (metadata->>'sessions_revoked')::int AS revoked, "
        "(metadata->>'was_locked')::bool AS was_locked "
        "FROM activity_logs WHERE user_id = :u AND event_type = 'user.password_set'",
        u=user_id,
    )
    assert (audit.event_category, audit.severity) == ("admin", "warning")
    assert (audit.source, audit.revoked, audit.was_locked) == ("cli", 2, True)
    assert NEW_PASSWORD not in audit.description + audit.metadata

    # Again, with nothing to end and no lock: it says so.
    again = _set_password(env, email, PASSWORD)
    assert again.stdout == f"set the password of {email}; ended 0 session(s)\n"


def test_set_password_on_a_deactivated_account_keeps_it_deactivated(
    env: dict[str, str], database_url: str
) -> None:
    email = unique_email()
    _create(env, email)
    execute(database_url, "UPDATE users SET is_active = false WHERE email = :e", e=email)
    assert _set_password(env, email, NEW_PASSWORD).code == 0
    [row] = query(database_url, "SELECT is_active FROM users WHERE email = :e", e=email)
    assert row.is_active is False


def test_an_unknown_email_is_one_line(env: dict[str, str]) -> None:
    email = unique_email()
    result = _set_password(env, email, NEW_PASSWORD)
    assert result.code == 1
    assert result.error_lines == [f"rise: error: no account with the email {email}"]
    assert result.stderr.strip() == result.error_lines[0]


def test_a_refused_password_changes_nothing(env: dict[str, str], database_url: str) -> None:
    email = unique_email()
    _create(env, email)
    [(before,)] = query(database_url, "SELECT password_hash FROM users WHERE email = :e", e=email)
    result = _set_password(env, email, "too-weak")
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rise: error: password must be at least 12 characters long")
    [(after,)] = query(database_url, "SELECT password_hash FROM users WHERE email = :e", e=email)
    assert after == before


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("ann@", NEW_PASSWORD, "is not an email address"),
        ("ann@example.com", "lowercase-only-pass", "contain an upper-case letter"),
    ],
)
def test_bad_input_is_refused_before_the_database_is_touched(
    tmp_path: Path, email: str, password: str, message: str
) -> None:
    env = environment(tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:9/none")
    result = _set_password(env, email, password)
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rise: error: ")
    assert message in line


def test_no_password_without_a_terminal(env: dict[str, str]) -> None:
    result = _set_password(env, unique_email(), None)
    assert result.code == 1
    assert result.error_lines == [
        "rise: error: no password: set RISE_PASSWORD or run the command in a terminal"
    ]


def test_the_password_can_be_typed_at_the_prompt(
    env: dict[str, str], tmp_path: Path, database_url: str
) -> None:
    email = unique_email()
    _create(env, email)
    terminal = Terminal(
        ["users", "set-password", "--email", email],
        environment(tmp_path, DATABASE_URL=database_url),
    )
    terminal.expect("Password: ")
    terminal.type("weak")
    terminal.expect("password must be at least 12 characters long")
    terminal.expect("Password: ")
    terminal.type(NEW_PASSWORD)
    terminal.expect("Repeat password: ")
    terminal.type(NEW_PASSWORD)
    terminal.expect(f"set the password of {email}; ended 0 session(s)")
    assert terminal.exit_code() == 0
    assert NEW_PASSWORD not in terminal.screen  # never echoed
    [(stored,)] = query(database_url, "SELECT password_hash FROM users WHERE email = :e", e=email)
    assert PasswordHasher().verify(stored, NEW_PASSWORD)
