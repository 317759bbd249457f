"""`rise keys rotate` while `rise serve` runs and answers are saved: nothing lost, every value
on the new key afterwards; and the start-up refusal of missing or wrong keys."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from domain.bank import load_bank
from persistence import key_rotation, schema
from persistence.answer_rows import NOTES, AnswerRows
from persistence.question_bank import load_bank_into
from persistence.sealing import Keyring, new_key_entry, place
from server.migrate import prepare_database
from tests.api.flows import STORY
from tests.api.test_assessments_api import CREATE, QID, SAVE, _input, _responses
from tests.database import execute, query
from tests.integration.cli import environment, rise
from tests.integration.served import SECRET, Consultant, serve
from tests.integration.test_serve import Server

pytestmark = pytest.mark.slow

BANK = load_bank()
OLD, NEW = new_key_entry("old"), new_key_entry("new")
ASSESSMENTS = 6
NOTED = "STAB-001"  # the answer whose notes keep changing during the rotation
READ = "query($id: ID!) { assessment(id: $id) { responses { question { key } consultantNotes } } }"


def _sealed_values(url: str) -> list[str]:
    rows = query(url, "SELECT answer_value, consultant_notes FROM responses")
    return [v for row in rows for v in (row.answer_value, row.consultant_notes) if v is not None]


def _save_note(consultant: Consultant, assessment: str, note: str) -> bool:
    item = {"questionId": QID[NOTED], "value": "current", "consultantNotes": note}
    answer = consultant.graphql(SAVE, {"input": {"assessmentId": assessment, "responses": [item]}})
    return answer.status_code == 200 and answer.json()["data"]["saveResponses"]["userErrors"] == []


def test_rotation_while_answers_are_saved_loses_nothing_and_retires_the_old_key(
    tmp_path: Path, empty_database: str
) -> None:
    url = empty_database
    server = serve(tmp_path / "data", url, RISE_ENCRYPTION_KEYS=OLD)
    try:
        consultant = Consultant(server, url)
        assessments = []
        for number in range(ASSESSMENTS):
            created = consultant.graphql(CREATE, {"input": _input(clientName=f"Client {number}")})
            assessment = created.json()["data"]["createAssessment"]["assessment"]["id"]
            sheet = _responses(STORY.sheet())
            for item in sheet:
                item["consultantNotes"] = f"first note of {item['questionId']}"
            answers = {"assessmentId": assessment, "responses": sheet}
            assert consultant.graphql(SAVE, {"input": answers}).json()["data"]["saveResponses"]
            assessments.append(assessment)
    finally:
        server.stop()
    sealed = _sealed_values(url)
    assert sealed
    assert all(v.startswith("old:") for v in sealed)

    # The service restarts with the new key first; the old one still opens what it sealed.
    both = f"{NEW},{OLD}"
    server = serve(tmp_path / "data", url, RISE_ENCRYPTION_KEYS=both)
    try:
        consultant.base = server.base
        last: dict[str, str] = {}
        stop = threading.Event()

        def keep_saving() -> None:
            count = 0
            while not stop.is_set():
                for assessment in assessments:
                    count += 1
                    if _save_note(consultant, assessment, f"note {count}"):
                        last[assessment] = f"note {count}"

        saver = threading.Thread(target=keep_saving)
        saver.start()
        try:
            env = environment(tmp_path / "cli", DATABASE_URL=url, RISE_SECRET_KEY=SECRET)
            rotated = rise(
                "keys", "rotate", "--batch", "7", env=env | {"RISE_ENCRYPTION_KEYS": both}
            )
        finally:
            stop.set()
            saver.join(timeout=60)
        assert rotated.code == 0, rotated.stderr
        assert "every value is on key 'new'; keys no longer needed: old" in rotated.stdout
        assert "responses" in rotated.stderr  # progress while it works
        assert len(last) == ASSESSMENTS

        for assessment in assessments:
            read = consultant.graphql(READ, {"id": assessment}).json()["data"]["assessment"]
            notes = {r["question"]["key"]: r["consultantNotes"] for r in read["responses"]}
            assert notes.pop(NOTED) == last[assessment]
            assert notes
            assert all(n == f"first note of {QID[k]}" for k, n in notes.items())
    finally:
        server.stop()
    sealed = _sealed_values(url)
    assert len(sealed) == ASSESSMENTS * 2 * len(STORY.sheet())
    assert all(v.startswith("new:") for v in sealed)
    assert [row.id for row in query(url, "SELECT id FROM sealing_keys")] == ["new"]

    status = rise("keys", "status", env=env | {"RISE_ENCRYPTION_KEYS": NEW})
    assert status.code == 0, status.stderr
    assert f"new: {len(sealed)} value(s)" in status.stdout

    # The old key may go now; without the new one, or with another key under its id, the
    # service refuses to start and says why.
    server = serve(tmp_path / "data", url, RISE_ENCRYPTION_KEYS=NEW)
    server.stop()
    for keys, reason in [
        (OLD, "stored values are encrypted with key(s) new, which RISE_ENCRYPTION_KEYS"),
        (new_key_entry("new"), "the key given as 'new' in RISE_ENCRYPTION_KEYS is not the key"),
    ]:
        refused = Server(
            environment(tmp_path / "data", DATABASE_URL=url, RISE_SECRET_KEY=SECRET)
            | {"RISE_ENCRYPTION_KEYS": keys}
        )
        refused.process.wait(timeout=60)
        assert refused.process.returncode == 1, refused.stop()
        assert reason in refused.stop()


def test_a_value_saved_between_the_read_and_the_write_is_kept(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rotation writes back only what is unchanged since it read it: a save that lands
    in between (here, deterministically, while the rotation re-seals its first value) wins."""
    url = empty_database
    prepare_database(url)
    old, both = Keyring.parse(OLD), Keyring.parse(f"{NEW},{OLD}")
    [(user,)] = execute(
        url,
        "INSERT INTO users (email, password_hash, role, first_name, last_name)"
        " VALUES ('k@example.com', 'x', 'consultant', 'K', 'R') RETURNING id",
    )
    [(assessment,)] = execute(
        url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email)"
        " VALUES (:u, 'C', 'B', 'c@example.com') RETURNING id",
        u=user,
    )
    [(question,)] = query(url, "SELECT id FROM questions WHERE key = :k", k=NOTED)
    where = place(NOTES, assessment, question)
    execute(
        url,
        "INSERT INTO responses (assessment_id, question_id, consultant_notes) VALUES (:a, :q, :n)",
        a=assessment,
        q=question,
        n=old.seal("before", where),
    )
    resealing = key_rotation._resealed
    saved = []

    def saved_meanwhile(keys: Keyring, stored: str | None, at: bytes) -> str | None:
        if not saved:
            saved.append(both.seal("saved meanwhile", where))
            execute(url, "UPDATE responses SET consultant_notes = :n", n=saved[0])
        return resealing(keys, stored, at)

    monkeypatch.setattr(key_rotation, "_resealed", saved_meanwhile)
    result = key_rotation.rotate(url, both)
    assert result.changed_meanwhile == 1
    assert result.resealed == 0
    assert result.left == {}
    [row] = query(url, "SELECT consultant_notes FROM responses")
    assert row.consultant_notes == saved[0]
    assert both.open(row.consultant_notes, where) == "saved meanwhile"


def test_answers_stored_before_encryption_read_as_they_were_until_rotated(
    empty_database: str,
) -> None:
    url = empty_database
    schema.upgrade(url, "0011")
    load_bank_into(url, BANK.questions)
    [(user,)] = execute(
        url,
        "INSERT INTO users (email, password_hash, role, first_name, last_name)"
        " VALUES ('p@example.com', 'x', 'consultant', 'P', 'R') RETURNING id",
    )
    [(assessment,)] = execute(
        url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name, client_email)"
        " VALUES (:u, 'C', 'B', 'c@example.com') RETURNING id",
        u=user,
    )
    ids = {q.key: q.id for q in BANK.questions}
    for key, value, rating, notes in [
        ("SYS-011", "plain: text", None, "a: note"),
        ("ORG-003", '["a", "b"]', None, None),
        ("SYS-001", None, 4, None),
    ]:
        execute(
            url,
            "INSERT INTO responses (assessment_id, question_id, answer_value, answer_numeric,"
            " consultant_notes) VALUES (:a, :q, :v, :r, :n)",
            a=assessment,
            q=ids[key],
            v=value,
            r=rating,
            n=notes,
        )
    prepare_database(url)
    rows = AnswerRows(BANK, Keyring.parse(NEW))
    stored = {row.question_id: row for row in query(url, "SELECT * FROM responses")}
    assert {row.answer_numeric for row in stored.values()} == {None}
    read = {
        a.question_key: a for a in (rows.answer(assessment, row) for row in stored.values()) if a
    }
    assert (read["SYS-011"].value, read["SYS-011"].notes) == ("plain: text", "a: note")
    assert read["ORG-003"].values == ("a", "b")
    assert read["SYS-001"].rating == 4

    result = key_rotation.rotate(url, Keyring.parse(NEW))
    assert (result.resealed, result.left) == (4, {})
    assert all(v.startswith("new:") for v in _sealed_values(url))
    with pytest.raises(RuntimeError, match="3 responses hold encrypted values"):
        schema.downgrade(url, "0011")
