"""Answers and notes at rest: sealed in the database (persistence/sealing.py), read back as
given through the API, and absent in clear text from a plain dump of the database."""

from __future__ import annotations

import subprocess
import uuid
from typing import Any

from domain.bank import load_bank
from persistence.embedded_os import binaries_directory
from tests.api.conftest import Account, Api
from tests.api.test_assessments_api import CREATE, QID, SAVE, _input
from tests.database import libpq_url, query

BANK = load_bank()
READ = """
query($id: ID!) { assessment(id: $id) { responses {
  question { key } value values rating notApplicable consultantNotes } } }"""


def _choices(key: str, count: int = 1) -> list[str]:
    return [o.value for o in BANK.question(key).options[:count]]


async def _answered(api: Api, owner: Account, marker: str) -> tuple[str, list[dict[str, Any]]]:
    """An assessment answered with a text, choices, a rating and notes that carry `marker`."""
    created = await api(CREATE, {"input": _input(clientBusinessName=f"Plain {marker}")}, as_=owner)
    assessment = created["data"]["createAssessment"]["assessment"]["id"]
    given = [
        {"questionId": QID["SYS-011"], "value": f"We plan ahead {marker}-TEXT"},
        {"questionId": QID["STAB-001"], "value": _choices("STAB-001")[0]},
        {"questionId": QID["ORG-003"], "values": _choices("ORG-003", 2)},
        {"questionId": QID["SYS-001"], "rating": 4, "consultantNotes": f"{marker}-NOTE"},
        {"questionId": QID["STAB-005"], "notApplicable": True},
    ]
    saved = await api(SAVE, {"input": {"assessmentId": assessment, "responses": given}}, as_=owner)
    assert saved["data"]["saveResponses"]["userErrors"] == []
    return assessment, given


async def test_answers_and_notes_are_stored_sealed_and_read_back_as_given(api: Api) -> None:
    owner = api.account()
    marker = f"SEALED-{uuid.uuid4().hex}"
    assessment, _ = await _answered(api, owner, marker)
    read = await api(READ, {"id": assessment}, as_=owner)
    answers = {r["question"]["key"]: r for r in read["data"]["assessment"]["responses"]}
    assert answers["SYS-011"]["value"] == f"We plan ahead {marker}-TEXT"
    assert answers["STAB-001"]["value"] == _choices("STAB-001")[0]
    assert answers["ORG-003"]["values"] == _choices("ORG-003", 2)
    assert answers["SYS-001"]["rating"] == 4
    assert answers["SYS-001"]["consultantNotes"] == f"{marker}-NOTE"
    assert answers["STAB-005"]["notApplicable"] is True

    rows = query(
        api.url,
        "SELECT q.key, r.answer_value, r.answer_numeric, r.consultant_notes FROM responses r"
        " JOIN questions q ON q.id = r.question_id JOIN assessments a ON a.id = r.assessment_id"
        " WHERE a.client_business_name = :b",
        b=f"Plain {marker}",
    )
    stored = {row.key: row for row in rows}
    assert {k for k, row in stored.items() if row.answer_value is not None} == {
        "SYS-011", "STAB-001", "ORG-003", "SYS-001"
    }  # fmt: skip
    for row in rows:
        assert row.answer_numeric is None  # a rating in plain would show the answer
        for sealed in (row.answer_value, row.consultant_notes):
            assert sealed is None or sealed.startswith("test1:"), sealed
    assert stored["SYS-001"].consultant_notes is not None


async def test_a_dump_read_without_the_keys_shows_no_answer_or_note(api: Api) -> None:
    owner = api.account()
    marker = f"DUMPED-{uuid.uuid4().hex}"
    await _answered(api, owner, marker)
    dump = subprocess.run(
        [str(binaries_directory() / "pg_dump"), "--data-only", libpq_url(api.url)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert f"Plain {marker}" in dump  # the business name is plain by design: the dump has it
    assert f"{marker}-TEXT" not in dump
    assert f"{marker}-NOTE" not in dump
    assert marker not in dump.replace(f"Plain {marker}", "")
