"""Faults under load: PostgreSQL restarted while consultants autosave. Every save the service
acknowledged must be in the database afterwards, and saving must work again once the database
is back. The service runs as a real `rise serve` on a cluster of the test's own, so that the
restart touches nothing else."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from persistence.answer_rows import NOTES
from persistence.embedded import EmbeddedPostgres
from persistence.embedded_os import ServerAccount, binaries_directory
from persistence.sealing import place
from server.graphql.ids import expect_id
from tests.integration.cli import environment
from tests.integration.test_serve import Server
from tests.keys import suite_keyring

pytestmark = pytest.mark.slow

CLIENTS = 8
QUESTIONS = 5
SAVING_BEFORE_SECONDS = 3.0
SAVING_AFTER_SECONDS = 3.0
RECOVERY_WITHIN_SECONDS = 30.0
PASSWORD = "Ledger-Balance-42"

REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) { accessToken userErrors { code } }
}"""
CREATE = """mutation($input: CreateAssessmentInput!) {
  createAssessment(input: $input) { assessment { id } userErrors { code } }
}"""
QUESTIONS_QUERY = "{ questions { id key type isConditional options { value } } }"
SAVE = """mutation($input: SaveResponsesInput!) {
  saveResponses(input: $input) { userErrors { code message } }
}"""
NOTE = re.compile(r"^save (\d+)$")


@dataclass
class Client:
    """One consultant's browser tab, saving into one assessment over and over; each save
    writes its sequence number into the notes of every answer."""

    http: httpx.AsyncClient
    assessment: str
    questions: list[dict[str, Any]]
    acknowledged: int = 0  # the highest sequence number the service said it saved
    saves: int = 0
    failures: list[str] = field(default_factory=list)
    last_success: float = 0.0

    async def save(self, sequence: int) -> None:
        responses = [
            {
                "questionId": q["id"],
                "value": q["options"][sequence % len(q["options"])]["value"],
                "consultantNotes": f"save {sequence}",
            }
            for q in self.questions
        ]
        variables = {"input": {"assessmentId": self.assessment, "responses": responses}}
        try:
            answer = await self.http.post("/graphql", json={"query": SAVE, "variables": variables})
            body = answer.json()
        except (httpx.TransportError, ValueError) as exc:
            self.failures.append(type(exc).__name__)
            return
        if answer.status_code == 200 and not body.get("errors"):
            if body["data"]["saveResponses"]["userErrors"]:
                raise AssertionError(f"a save was refused: {body}")
            self.acknowledged = max(self.acknowledged, sequence)
            self.saves += 1
            self.last_success = time.monotonic()
        else:
            codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
            self.failures.append(f"{answer.status_code} {codes}")


async def _setup(base: str) -> list[Client]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as anonymous:
        registered = await anonymous.post(
            "/graphql",
            json={
                "query": REGISTER,
                "variables": {
                    "input": {
                        "email": "restart@example.com",
                        "firstName": "Ada",
                        "lastName": "Lovelace",
                        "password": PASSWORD,
                    }
                },
            },
        )
    token = registered.json()["data"]["register"]["accessToken"]
    assert token, registered.text
    clients = []
    for number in range(CLIENTS):
        http = httpx.AsyncClient(
            base_url=base, timeout=30, headers={"authorization": f"Bearer {token}"}
        )
        if number == 0:
            listed = (await http.post("/graphql", json={"query": QUESTIONS_QUERY})).json()
            chosen = [
                q
                for q in listed["data"]["questions"]
                if q["type"] == "SINGLE_CHOICE" and not q["isConditional"]
            ][:QUESTIONS]
        client_input = {
            "clientName": f"Client {number}",
            "clientBusinessName": f"Business {number}",
            "clientEmail": f"client{number}@example.com",
        }
        created = await http.post(
            "/graphql", json={"query": CREATE, "variables": {"input": client_input}}
        )
        assessment = created.json()["data"]["createAssessment"]["assessment"]["id"]
        clients.append(Client(http, assessment, chosen))
    return clients


async def _keep_saving(client: Client, stop: asyncio.Event) -> None:
    sequence = 0
    while not stop.is_set():
        sequence += 1
        await client.save(sequence)
        await asyncio.sleep(0.01)


def _restart(cluster: EmbeddedPostgres) -> None:
    """pg_ctl restart, as an operator would run it, with the fast shutdown that ends every
    connection at once."""
    result = ServerAccount.for_this_process().run(
        [
            str(binaries_directory() / "pg_ctl"),
            "restart",
            "--pgdata",
            str(cluster.pgdata),
            "--mode",
            "fast",
            "--wait",
            "--log",
            str(cluster.log_file),
        ],
        timeout=120,
    )
    assert result.returncode == 0, result.stderr or result.stdout


async def _scenario(base: str, cluster: EmbeddedPostgres) -> tuple[list[Client], float]:
    clients = await _setup(base)
    stop = asyncio.Event()
    savers = [asyncio.create_task(_keep_saving(c, stop)) for c in clients]
    await asyncio.sleep(SAVING_BEFORE_SECONDS)
    assert all(c.saves for c in clients), "nothing was saved before the restart"
    await asyncio.to_thread(_restart, cluster)
    back = time.monotonic()
    # Every client must save again, within the allowance, and go on for a while.
    while not all(c.last_success > back for c in clients):
        assert time.monotonic() - back < RECOVERY_WITHIN_SECONDS, (
            f"saving did not recover within {RECOVERY_WITHIN_SECONDS:g} s of the restart"
        )
        await asyncio.sleep(0.05)
    recovered = max(c.last_success for c in clients) - back
    await asyncio.sleep(SAVING_AFTER_SECONDS)
    stop.set()
    await asyncio.gather(*savers)
    for client in clients:
        await client.http.aclose()
    return clients, recovered


def test_a_database_restart_under_autosave_load_loses_no_acknowledged_save(
    tmp_path: Path,
) -> None:
    with EmbeddedPostgres(tmp_path / "cluster") as cluster:
        cluster.ensure_database("rise")
        server = Server(environment(tmp_path / "data", DATABASE_URL=cluster.url("rise")))
        try:
            server.wait_ready()
            clients, recovered = asyncio.run(_scenario(server.base, cluster))
        finally:
            log = server.stop()
        with psycopg.connect(cluster.conninfo("rise")) as conn:
            rows = conn.execute(
                "SELECT assessment_id, question_id, consultant_notes FROM responses"
            ).fetchall()
    keys = suite_keyring()
    stored: dict[str, list[int]] = {}
    for assessment_id, question_id, sealed in rows:
        notes = sealed and keys.open(sealed, place(NOTES, assessment_id, question_id))
        match = NOTE.match(notes or "")
        assert match, f"unexpected notes {notes!r}"
        stored.setdefault(str(assessment_id), []).append(int(match.group(1)))

    acknowledged = sum(c.saves for c in clients)
    lost = 0
    for client in clients:
        kept = stored.get(str(expect_id(client.assessment, "Assessment")), [])
        assert len(kept) == QUESTIONS, f"{client.assessment}: {len(kept)} answers stored"
        # A save the service acknowledged is in the database: every answer carries that
        # save's number or a later one (a later save may have committed unacknowledged).
        lost += sum(1 for number in kept if number < client.acknowledged)
    failed = sum(len(c.failures) for c in clients)
    print(
        f"{acknowledged} saves acknowledged, {failed} failed during the restart, {lost} lost;"
        f" saving again {recovered:.2f} s after the database was back"
    )
    assert lost == 0, log
