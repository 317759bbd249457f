"""A real `rise serve` spoken to over HTTP by a consultant with a completed assessment, for
the tests that kill, stop or starve the server's process."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

from server.tokens import issue_access_token
from tests.api.flows import STORY
from tests.api.test_assessments_api import COMPLETE, CREATE, SAVE, _input, _responses
from tests.api.test_reports_api import GENERATE
from tests.builders import unique_email
from tests.database import execute
from tests.integration.cli import environment
from tests.integration.test_serve import Server

SECRET = "served-tests-" + "k" * 40


def serve(data_dir: Path, database_url: str, *, own_group: bool = False, **env: str) -> Server:
    """`rise serve` on the database (which it migrates), ready for requests; `env` adds
    settings. One process unless RISE_WORKERS says otherwise: the one that serves is the
    one the test signals."""
    given = environment(
        data_dir, DATABASE_URL=database_url, RISE_SECRET_KEY=SECRET, **{"RISE_WORKERS": "1"} | env
    )
    server = Server(given, own_group=own_group)
    server.wait_ready()
    return server


class Consultant:
    """A consultant account made in the database, signed in by a token the server accepts."""

    def __init__(self, server: Server, database_url: str) -> None:
        self.base = server.base
        [(self.id,)] = execute(
            database_url,
            "INSERT INTO users (email, password_hash, role, first_name, last_name) "
            "VALUES (:e, 'x', 'consultant', 'Ada', 'Lovelace') RETURNING id",
            e=unique_email(),
        )
        self.token = issue_access_token(
            secret=SECRET, user_id=self.id, session_id=None, now=datetime.now(UTC)
        ).token

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, timeout: float = 60
    ) -> httpx.Response:
        return httpx.post(
            f"{self.base}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={
                "authorization": f"Bearer {self.token}",
                "accept": "application/graphql-response+json",
            },
            timeout=timeout,
        )

    def completed_assessment(self) -> str:
        """The global id of a new assessment, answered in full and completed."""
        created = self.graphql(CREATE, {"input": _input(clientBusinessName="Hopper & Sons")})
        assessment_id: str = created.json()["data"]["createAssessment"]["assessment"]["id"]
        answers = {"assessmentId": assessment_id, "responses": _responses(STORY.sheet())}
        assert self.graphql(SAVE, {"input": answers}).json()["data"]["saveResponses"]
        done = self.graphql(COMPLETE, {"id": assessment_id}).json()
        assert done["data"]["completeAssessment"]["userErrors"] == []
        return assessment_id

    def generate(self, assessment_id: str) -> list[dict[str, Any]]:
        answer = self.graphql(GENERATE, {"id": assessment_id}, timeout=120).json()
        payload = answer["data"]["generateReports"]
        assert payload["userErrors"] == [], payload
        reports: list[dict[str, Any]] = payload["reports"]
        return reports


def living(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running; a zombie has ended (only its exit status is left to collect)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive
