"""The `rise` command line against a real PostgreSQL: accounts and migrations, and the one-line
errors a person gets for each mistake."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest

from persistence import schema
from persistence.database import with_database
from tests.builders import unique_email
from tests.database import PgServer, query
from tests.integration.cli import Result, environment, rise

pytestmark = pytest.mark.slow

PASSWORD = "Ledger-Balance-42"


def _create(env: dict[str, str], email: str, role: str = "consultant", *extra: str) -> Result:
    return rise(
        "users", "create", "--email", email, "--role", role,
        "--first-name", "Ada", "--last-name", "Lovelace", *extra, env=env,
    )  # fmt: skip


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return environment(tmp_path, DATABASE_URL=database_url, RISE_PASSWORD=PASSWORD)


def test_users_create_stores_an_argon2id_hash_and_an_audit_row(
    env: dict[str, str], database_url: str
) -> None:
    email = unique_email()
    result = _create(env, email.upper(), "admin")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"created admin {email} (id ")
    [row] = query(
        database_url,
        "SELECT id, role, first_name, password_hash FROM users WHERE email = :email",
        email=email,
    )
    assert row.role == "admin"
    assert row.first_name == "Ada"
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    [audit] = query(
        database_url,
        "SELECT event_type, event_category, metadata FROM activity_logs WHERE user_id = :id",
        id=row.id,
    )
    assert (audit.event_type, audit.event_category) == ("user.created", "admin")
    assert audit.metadata["source"] == "cli"


def test_duplicate_email_is_one_clear_line(env: dict[str, str]) -> None:
    email = unique_email()
    assert _create(env, email).code == 0
    again = _create(env, email.title())
    assert again.code == 1
    assert again.error_lines == [f"rise: error: an account with the email {email} already exists"]
    assert again.stderr.strip() == again.error_lines[0]


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("ann@", PASSWORD, "is not an email address"),
        ("ann@example", PASSWORD, "needs a dot"),
        ("ann@example.com", "short", "password must be at least 12 characters long"),
        ("ann@example.com", "lowercase-only-pass", "contain an upper-case letter"),
        # A byte that is not UTF-8 in the environment reaches Python as a lone surrogate.
        ("ann@example.com", "Ledger-Balance-42\udcff", "must not contain a lone surrogate"),
    ],
)
def test_bad_input_is_refused_before_the_database_is_touched(
    tmp_path: Path, email: str, password: str, message: str
) -> None:
    # The URL points at nothing: these errors must come before any connection attempt.
    env = environment(
        tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:9/none", RISE_PASSWORD=password
    )
    result = _create(env, email)
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rise: error: ")
    assert message in line


def test_missing_password_without_a_terminal(tmp_path: Path, database_url: str) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url)
    result = _create(env, unique_email())
    assert result.code == 1
    assert result.error_lines == [
        "rise: error: no password: set RISE_PASSWORD or run the command in a terminal"
    ]


def test_unreachable_server_is_one_line(tmp_path: Path) -> None:
    env = environment(
        tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:9/rise", RISE_PASSWORD=PASSWORD
    )
    result = _create(env, unique_email())
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rise: error: cannot use the database: ")
    assert "Traceback" not in result.stderr


def test_missing_database_is_one_line(tmp_path: Path, pg_server: PgServer) -> None:
    missing = with_database(pg_server.url, f"rise_missing_{uuid.uuid4().hex[:8]}")
    env = environment(tmp_path, DATABASE_URL=missing, RISE_PASSWORD=PASSWORD)
    result = _create(env, unique_email())
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rise: error: cannot use the database: ")
    assert "does not exist" in line


def test_unmigrated_database_asks_for_an_upgrade(tmp_path: Path, empty_database: str) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_PASSWORD=PASSWORD)
    result = _create(env, unique_email())
    assert result.code == 1
    assert result.error_lines == [
        "rise: error: the database schema is empty; run `rise db upgrade` first"
    ]


def test_unknown_role_is_a_usage_error(env: dict[str, str]) -> None:
    result = _create(env, unique_email(), "owner")
    assert result.code == 2
    assert "invalid choice: 'owner'" in result.stderr


def test_db_commands_round_trip(tmp_path: Path, empty_database: str) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database)
    before = rise("db", "current", env=env)
    assert before.code == 0
    assert before.stdout.startswith("base (empty (run `rise db upgrade`))")

    assert rise("db", "upgrade", env=env).code == 0
    head = schema.head_revision()
    assert rise("db", "current", env=env).stdout.startswith(f"{head} (up to date)")
    assert rise("db", "upgrade", env=env).code == 0  # a second upgrade is a no-op

    unknown = rise("db", "downgrade", "9999", env=env)
    assert unknown.code == 1
    known = ", ".join(sorted(schema.known_revisions()))
    assert unknown.error_lines == [f"rise: error: unknown revision '9999' (known: {known}, base)"]

    assert rise("db", "downgrade", "base", env=env).code == 0
    tables = query(empty_database, "SELECT tablename FROM pg_tables WHERE schemaname='public'")
    assert tables == []


def test_production_without_a_secret_refuses_to_start(tmp_path: Path, database_url: str) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url, RISE_ENV="production")
    result = rise("db", "current", env=env)
    assert result.code == 1
    assert result.error_lines[0].startswith(
        "rise: error: RISE_SECRET_KEY must be set when RISE_ENV=production"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("db", "upgrade", "nonsense"),
            "rise: error: Can't locate revision identified by 'nonsense'",
        ),
        (("db", "downgrade", "-1"), "rise: error: "),
    ],
    ids=["upgrade-to-unknown", "downgrade-below-base"],
)
def test_alembic_refusals_are_one_line(
    tmp_path: Path, empty_database: str, args: tuple[str, ...], message: str
) -> None:
    result = rise(*args, env=environment(tmp_path, DATABASE_URL=empty_database))
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(message)


def test_unparseable_database_url_is_one_line_without_the_password(tmp_path: Path) -> None:
    env = environment(tmp_path, DATABASE_URL="postgresql://rise:hunter2@db:abc/rise")
    result = rise("db", "current", env=env)
    assert result.code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("rise: error: DATABASE_URL is not a valid URL")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize("port", ["70000", "0", "-1", "http"])
def test_serve_refuses_a_port_that_is_not_one(tmp_path: Path, port: str) -> None:
    result = rise("serve", "--port", port, env=environment(tmp_path))
    assert result.code == 2
    assert "is not a port number" in result.stderr


def test_serve_on_a_taken_port_fails_before_starting_anything(
    tmp_path: Path, database_url: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = environment(tmp_path, DATABASE_URL=database_url, RISE_LOG_LEVEL="INFO")
        result = rise("serve", "--port", port, env=env)
    assert result.code == 1
    assert result.error_lines == [
        f"rise: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert "database:" not in result.stderr


def test_demo_loads_every_state_once(tmp_path: Path, empty_database: str) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database)
    first = rise("demo", env=env)
    assert first.code == 0, first.stderr
    assert "consultant@demo.financial-rise.example" in first.stdout
    states = query(empty_database, "SELECT status, count(*) FROM assessments GROUP BY status")
    assert dict(states) == {"draft": 1, "in_progress": 1, "completed": 2}
    phases = query(empty_database, "SELECT primary_phase FROM phase_results ORDER BY primary_phase")
    assert [p[0] for p in phases] == ["build", "stabilize"]
    again = rise("demo", env=env)
    assert again.code == 0
    assert "already there" in again.stdout
    assert query(empty_database, "SELECT count(*) FROM assessments") == [(4,)]


def test_demo_refuses_production(tmp_path: Path, empty_database: str) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_ENV="production",
                      RISE_SECRET_KEY="p" * 40,
                      RISE_PUBLIC_URL="https://rise.example.com")  # fmt: skip
    result = rise("demo", env=env)
    assert result.code == 1
    assert "refuses to run with RISE_ENV=production" in result.stderr
