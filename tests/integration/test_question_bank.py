"""Loading the question bank into `questions` (SCORING §1): idempotent, edits update rows,
removed questions are soft-deleted and answers keep pointing at them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from domain.bank import load_bank
from persistence import schema
from persistence.question_bank import BankSync, load_bank_into, read_questions
from tests.database import query
from tests.integration.cli import environment, rise

BANK = load_bank()


@pytest.fixture
def migrated(empty_database: str) -> str:
    schema.upgrade(empty_database)
    return empty_database


def _column(url: str, column: str, key: str) -> object:
    [(value,)] = query(url, f"SELECT {column} FROM questions WHERE key = :k", k=key)
    return value


def _snapshot(url: str) -> dict[str, tuple[object, ...]]:
    rows = query(url, "SELECT key, xmin::text, updated_at, deleted_at FROM questions")
    return {row[0]: tuple(row[1:]) for row in rows}


def test_loading_twice_changes_no_row(migrated: str) -> None:
    first = load_bank_into(migrated, BANK.questions)
    assert first == BankSync(added=len(BANK.questions), updated=0, retired=0, unchanged=0)
    before = _snapshot(migrated)
    again = load_bank_into(migrated, BANK.questions)
    assert again == BankSync(added=0, updated=0, retired=0, unchanged=len(BANK.questions))
    assert _snapshot(migrated) == before  # not even rewritten with the same values


def test_the_stored_bank_reads_back_as_the_same_questions(migrated: str) -> None:
    load_bank_into(migrated, BANK.questions)
    engine = create_engine(migrated, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            assert read_questions(connection) == list(BANK.questions)
    finally:
        engine.dispose()


def test_editing_a_question_updates_only_its_row(migrated: str) -> None:
    load_bank_into(migrated, BANK.questions)
    before = _snapshot(migrated)
    target = BANK.questions[3]
    edited = [replace(q, text=q.text + " (reworded)") if q is target else q for q in BANK.questions]
    result = load_bank_into(migrated, edited)
    assert (result.updated, result.added, result.retired) == (1, 0, 0)
    after = _snapshot(migrated)
    assert [key for key in after if after[key] != before[key]] == [target.key]
    [(stored,)] = query(
        migrated, "SELECT question_text FROM questions WHERE key = :k", k=target.key
    )
    assert stored.endswith("(reworded)")


def test_a_removed_question_is_retired_and_its_answers_stay(migrated: str) -> None:
    load_bank_into(migrated, BANK.questions)
    removed = BANK.questions[-1]
    engine = create_engine(migrated, poolclass=NullPool)
    with engine.begin() as connection:
        consultant = connection.scalar(
            text(
                "INSERT INTO users (email, password_hash, role, first_name, last_name) "
                "VALUES ('kept@example.com', 'x', 'consultant', 'A', 'B') RETURNING id"
            )
        )
        assessment = connection.scalar(
            text(
                "INSERT INTO assessments (consultant_id, client_name, client_business_name, "
                "client_email) VALUES (:c, 'C', 'B', 'c@example.com') RETURNING id"
            ),
            {"c": consultant},
        )
        connection.execute(
            text("INSERT INTO responses (assessment_id, question_id) VALUES (:a, :q)"),
            {"a": assessment, "q": removed.id},
        )
    engine.dispose()

    result = load_bank_into(migrated, BANK.questions[:-1])
    assert (result.retired, result.unchanged) == (1, len(BANK.questions) - 1)
    [(deleted_at,)] = query(
        migrated, "SELECT deleted_at FROM questions WHERE key = :k", k=removed.key
    )
    assert deleted_at is not None
    assert query(
        migrated, "SELECT count(*) FROM responses WHERE question_id = :q", q=removed.id
    ) == [(1,)]

    back = load_bank_into(migrated, BANK.questions)  # the bank brings it back
    assert (back.updated, back.retired) == (1, 0)
    [(deleted_at,)] = query(
        migrated, "SELECT deleted_at FROM questions WHERE key = :k", k=removed.key
    )
    assert deleted_at is None


def test_db_upgrade_loads_the_bank_and_a_second_upgrade_changes_nothing(
    tmp_path: Path, empty_database: str
) -> None:
    env = environment(tmp_path, DATABASE_URL=empty_database, RISE_LOG_LEVEL="INFO")
    first = rise("db", "upgrade", env=env)
    assert first.code == 0, first.stderr
    count = len(BANK.questions)
    assert (
        f"question bank {BANK.version}: {count} added, 0 updated, 0 retired, 0 unchanged"
        in first.stderr
    )
    before = _snapshot(empty_database)
    second = rise("db", "upgrade", env=env)
    assert (
        f"question bank {BANK.version}: 0 added, 0 updated, 0 retired, {count} unchanged"
        in second.stderr
    )
    assert _snapshot(empty_database) == before
