"""Deleting for good from the command line: an account with everything it owns, and
assessments deleted long ago, each with their report files."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

import pytest

from tests.builders import unique_email
from tests.database import execute, query
from tests.integration.cli import environment, rise

pytestmark = pytest.mark.slow


def _user(url: str, role: str = "consultant") -> tuple[UUID, str]:
    email = unique_email()
    [(user_id,)] = execute(
        url,
        "INSERT INTO users (email, password_hash, role, first_name, last_name) "
        "VALUES (:e, 'x', :r, 'Del', 'Ete') RETURNING id",
        e=email,
        r=role,
    )
    return user_id, email


def _assessment(url: str, owner: UUID, deleted_days_ago: int | None = None) -> UUID:
    [(assessment_id,)] = execute(
        url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email,"
        " deleted_at) VALUES (:c, 'Client', 'Business', 'c@example.com',"
        " now() - make_interval(days => CAST(:d AS int)))"
        " RETURNING id",
        c=owner,
        d=deleted_days_ago,
    )
    return assessment_id


def _report(url: str, data_dir: Path, assessment_id: UUID, author: UUID) -> Path:
    [(report_id,)] = execute(
        url,
        "INSERT INTO reports (assessment_id, report_type, file_url, generated_by) "
        "VALUES (:a, 'client', 'pending', :g) RETURNING id",
        a=assessment_id,
        g=author,
    )
    key = f"reports/{assessment_id}/{report_id}.pdf"
    execute(url, "UPDATE reports SET file_url = :k WHERE id = :r", k=key, r=report_id)
    path = data_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4")
    return path


def _count(url: str, table: str, column: str, value: object) -> int:
    [(count,)] = query(url, f"SELECT count(*) FROM {table} WHERE {column} = :v", v=value)
    return int(count)


def test_deleting_an_account_takes_its_assessments_and_files(
    tmp_path: Path, database_url: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url)
    owner, email = _user(database_url)
    files = [
        _report(database_url, tmp_path, _assessment(database_url, owner, deleted), owner)
        for deleted in (None, 3)
    ]
    refused = rise("users", "delete", "--email", email, env=env)
    assert refused.code == 1
    assert "--yes" in refused.stderr
    assert all(f.exists() for f in files)

    done = rise("users", "delete", "--email", email.upper(), "--yes", env=env)
    assert done.code == 0, done.stderr
    assert done.stdout.strip() == (
        f"deleted {email} with 2 assessment(s), 2 report file(s) and the details of 0 audit row(s)"
    )
    assert _count(database_url, "users", "id", owner) == 0
    assert _count(database_url, "assessments", "consultant_id", owner) == 0
    assert not any(f.exists() for f in files)
    audits = query(
        database_url,
        "SELECT user_id, metadata FROM activity_logs WHERE event_type = 'user.erased'"
        " AND created_at > now() - interval '1 minute'",
    )
    assert (None, {"assessments": 2, "audit_rows": 0}) in [(a.user_id, a.metadata) for a in audits]
    again = rise("users", "delete", "--email", email, "--yes", env=env)
    assert (again.code, again.stderr.strip()) == (1, f"rise: error: no account {email}")


def _logo(url: str, data_dir: Path, owner: UUID) -> Path:
    key = f"logos/{uuid4().hex}.png"
    execute(
        url,
        "INSERT INTO consultant_settings (consultant_id, logo_url) VALUES (:c, :k)",
        c=owner,
        k=key,
    )
    path = data_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG")
    return path


def test_deleting_an_account_takes_its_logo_and_sample_report(
    tmp_path: Path, database_url: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url)
    owner, email = _user(database_url)
    other, _ = _user(database_url)
    logo, others_logo = _logo(database_url, tmp_path, owner), _logo(database_url, tmp_path, other)
    sample = tmp_path / "previews" / f"{owner}.pdf"
    sample.parent.mkdir(parents=True)
    sample.write_bytes(b"%PDF-1.4")

    done = rise("users", "delete", "--email", email, "--yes", env=env)
    assert done.code == 0, done.stderr
    assert done.stdout.startswith(f"deleted {email} with 0 assessment(s), 0 report file(s)")
    assert not logo.exists()
    assert not sample.exists()
    assert others_logo.exists()
    assert _count(database_url, "consultant_settings", "consultant_id", owner) == 0


def test_an_author_of_other_consultants_reports_is_kept(tmp_path: Path, database_url: str) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url)
    admin, email = _user(database_url, "admin")
    _user(database_url, "admin")  # not the last administrator
    consultant, _ = _user(database_url)
    theirs = _report(database_url, tmp_path, _assessment(database_url, consultant), admin)
    result = rise("users", "delete", "--email", email, "--yes", env=env)
    assert result.code == 1
    assert "deactivate it instead" in result.stderr
    assert _count(database_url, "users", "id", admin) == 1
    assert theirs.exists()


def _client_assessment(url: str, owner: UUID, email: str) -> UUID:
    [(assessment_id,)] = execute(
        url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email)"
        " VALUES (:c, 'Client', 'Business', :e) RETURNING id",
        c=owner,
        e=email,
    )
    return UUID(str(assessment_id))


def test_clients_erase_takes_the_clients_assessments_and_files(
    tmp_path: Path, database_url: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url)
    (ann, ann_email), (bob, _) = _user(database_url), _user(database_url)
    client = unique_email()
    at_ann = _client_assessment(database_url, ann, client)
    at_bob = _client_assessment(database_url, bob, client)
    file = _report(database_url, tmp_path, at_ann, ann)
    refused = rise("clients", "erase", "--email", client, env=env)
    assert refused.code == 1
    assert "--yes" in refused.stderr

    done = rise(
        "clients", "erase", "--email", client.upper(), "--consultant", ann_email, "--yes", env=env
    )

    assert done.code == 0, done.stderr
    assert done.stdout.startswith(
        f"erased {client} from {ann_email}'s assessments: 1 assessment(s), 1 report file(s)"
    )
    assert not file.exists()
    assert _count(database_url, "assessments", "id", at_ann) == 0
    assert _count(database_url, "assessments", "id", at_bob) == 1
    everywhere = rise("clients", "erase", "--email", client, "--yes", env=env)
    assert everywhere.code == 0, everywhere.stderr
    assert "every consultant's assessments: 1 assessment(s)" in everywhere.stdout
    assert _count(database_url, "assessments", "id", at_bob) == 0
    none_left = rise("clients", "erase", "--email", client, "--yes", env=env)
    assert (none_left.code, none_left.stderr.strip()) == (
        1,
        f"rise: error: no assessment of a client {client}",
    )
    nobody = rise(
        "clients", "erase", "--email", client, "--consultant", "x@y.example", "--yes", env=env
    )
    assert (nobody.code, nobody.stderr.strip()) == (1, "rise: error: no account x@y.example")


def test_purge_removes_only_assessments_deleted_long_enough_ago(
    tmp_path: Path, database_url: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=database_url)
    owner, _ = _user(database_url)
    kept_live, kept_recent, purged = (
        _assessment(database_url, owner, deleted) for deleted in (None, 10, 400)
    )
    files = {a: _report(database_url, tmp_path, a, owner) for a in (kept_live, kept_recent, purged)}

    result = rise("assessments", "purge", "--older-than-days", "365", env=env)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("removed ")
    assert _count(database_url, "assessments", "id", purged) == 0
    assert not files[purged].exists()
    for kept in (kept_live, kept_recent):
        assert _count(database_url, "assessments", "id", kept) == 1
        assert files[kept].exists()
    assert rise("assessments", "purge", "--older-than-days", "-1", env=env).code == 2
