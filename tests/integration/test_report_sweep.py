"""Report files and a `rise serve` killed outright: the files it stored but never recorded
are found and removed by `rise reports sweep`, on a directory and in a bucket, and a sweep
running beside a render that is recording its files leaves them alone.

The render is held between storing its files and recording them by nothing but PostgreSQL:
the test holds a lock on the reports table that the render's INSERT waits for.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from tests.api.test_reports_api import GENERATE
from tests.database import libpq_url, query
from tests.integration.cli import REPO, environment, rise
from tests.integration.served import Consultant, living, serve
from tests.s3 import BUCKET, s3_client, s3_endpoint

__all__ = ["s3_endpoint"]  # the fixture, used by name

pytestmark = pytest.mark.slow

# Long enough for the render's INSERT to wait on the test's lock for as long as a test takes.
SLOW_STATEMENTS = {"RISE_DB_STATEMENT_TIMEOUT_MS": "120000"}
WITHIN_SECONDS = 60


@dataclass
class Storage:
    """Where the server keeps its files, as the test sees them."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    endpoint: str | None = None

    def keys(self) -> set[str]:
        if self.endpoint is None:
            return {
                str(path.relative_to(self.data_dir))
                for path in (self.data_dir / "reports").glob("*/*")
            }
        prefix = self.env["RISE_S3_PREFIX"]
        listing = s3_client(self.endpoint).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return {item["Key"].removeprefix(prefix) for item in listing.get("Contents", [])}


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    data_dir = tmp_path / "data"
    if request.param == "local":
        return Storage(data_dir)
    endpoint: str = request.getfixturevalue("s3_endpoint")
    env = {
        "RISE_S3_BUCKET": BUCKET,
        "RISE_S3_ENDPOINT_URL": endpoint,
        "RISE_S3_REGION": "us-east-1",
        "RISE_S3_ACCESS_KEY_ID": "test",
        "RISE_S3_SECRET_ACCESS_KEY": "test-secret",
        "RISE_S3_PREFIX": f"{uuid.uuid4().hex}/",
    }
    return Storage(data_dir, env, endpoint)


@contextlib.contextmanager
def reports_locked(database_url: str) -> Iterator[None]:
    """Holds the reports table against writes (SHARE mode) until the block ends: a render
    then stores its files and waits at the INSERT that would record them."""
    with psycopg.connect(libpq_url(database_url)) as connection:
        connection.execute("LOCK TABLE reports IN SHARE MODE")
        try:
            yield
        finally:
            connection.rollback()


class Render(threading.Thread):
    """A generateReports call waiting in the background for its answer."""

    def __init__(self, consultant: Consultant, assessment_id: str) -> None:
        super().__init__(daemon=True)
        self.consultant, self.assessment_id = consultant, assessment_id
        self.answer: httpx.Response | Exception | None = None

    def run(self) -> None:
        try:
            self.answer = self.consultant.graphql(GENERATE, {"id": self.assessment_id}, timeout=180)
        except httpx.HTTPError as exc:
            self.answer = exc


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WITHIN_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {WITHIN_SECONDS} s")
        time.sleep(0.1)


def recorded(database_url: str) -> set[str]:
    return {row[0] for row in query(database_url, "SELECT file_url FROM reports")}


def test_files_a_killed_server_stored_but_never_recorded_are_swept(
    storage: Storage, empty_database: str
) -> None:
    server = serve(storage.data_dir, empty_database, **storage.env, **SLOW_STATEMENTS)
    family: list[psutil.Process] = []
    try:
        consultant = Consultant(server, empty_database)
        assessment_id = consultant.completed_assessment()
        kept = {r["reportType"] for r in consultant.generate(assessment_id)}
        assert kept == {"CONSULTANT", "CLIENT"}
        assert storage.keys() == recorded(empty_database)
        with reports_locked(empty_database):
            render = Render(consultant, assessment_id)
            render.start()
            wait_for(lambda: len(storage.keys()) == 4, "the render stored its two files")
            family = psutil.Process(server.process.pid).children(recursive=True)
            server.process.kill()
            server.process.wait(timeout=10)
            render.join(timeout=30)
    finally:
        for process in living(family):  # should they outlive the server
            process.kill()
        server.stop()
    assert isinstance(render.answer, httpx.HTTPError)
    orphans = storage.keys() - recorded(empty_database)
    assert len(orphans) == 2  # a confidential consultant report among them

    env = environment(storage.data_dir, DATABASE_URL=empty_database, **storage.env)
    swept = rise("reports", "sweep", env=env)
    assert swept.code == 0, swept.stderr
    assert swept.stdout == "removed 2 orphan report file(s) of 4 checked\n"
    assert "rise: checked 4 file(s), 2 orphan(s) removed" in swept.stderr
    assert storage.keys() == recorded(empty_database)
    assert len(recorded(empty_database)) == 2

    again = rise("reports", "sweep", env=env)
    assert again.stdout == "removed 0 orphan report file(s) of 2 checked\n"


def test_a_sweep_leaves_the_files_of_a_render_still_recording_them(
    tmp_path: Path, empty_database: str
) -> None:
    data_dir = tmp_path / "data"
    server = serve(data_dir, empty_database, **SLOW_STATEMENTS)
    storage = Storage(data_dir)
    sweep: subprocess.Popen[str] | None = None
    try:
        consultant = Consultant(server, empty_database)
        assessment_id = consultant.completed_assessment()
        with reports_locked(empty_database):
            render = Render(consultant, assessment_id)
            render.start()
            wait_for(lambda: len(storage.keys()) == 2, "the render stored its two files")
            sweep = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "reports", "sweep"],
                cwd=REPO,
                env=environment(data_dir, DATABASE_URL=empty_database),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            wait_for(lambda: _sweep_waits(empty_database), "the sweep waits for the render")
            assert sweep.poll() is None
        render.join(timeout=60)
        out, err = sweep.communicate(timeout=60)
    finally:
        if sweep is not None and sweep.poll() is None:
            sweep.kill()
            sweep.communicate()
        server.stop()
    assert isinstance(render.answer, httpx.Response)
    reports = render.answer.json()["data"]["generateReports"]["reports"]
    assert len(reports) == 2
    assert sweep.returncode == 0, err
    assert out == "removed 0 orphan report file(s) of 2 checked\n"
    assert storage.keys() == recorded(empty_database)
    assert len(storage.keys()) == 2


def _sweep_waits(database_url: str) -> bool:
    """Some session of the database waits for an advisory lock: the sweep's."""
    [(waiting,)] = query(
        database_url,
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    return bool(waiting)
