"""Ctrl-C stops a running `pytest`: a run of the suite's own fixtures, busy in a test that
has a database, a real `rise serve` and render workers, ends promptly when its terminal's
process group gets SIGINT, drops its database and leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy.engine import make_url

from tests.database import PgServer, query
from tests.integration.cli import REPO
from tests.integration.served import living

pytestmark = pytest.mark.slow

# The interrupted run's one test: it says which database it has once everything is up, then
# waits for the Ctrl-C.
WAITING_TEST = textwrap.dedent(
    """
    import os
    import time
    from pathlib import Path

    from tests.conftest import database_url, pg_server  # noqa: F401  the suite's fixtures
    from tests.integration.served import Consultant, serve


    def test_waits_for_ctrl_c(tmp_path: Path, database_url: str) -> None:
        server = serve(tmp_path, database_url)
        try:
            consultant = Consultant(server, database_url)
            consultant.generate(consultant.completed_assessment())  # render workers start
            Path(os.environ["RISE_TEST_MARKER"]).write_text(database_url)
            time.sleep(300)
        finally:
            server.stop()
    """
)

# pytest as a terminal starts it: with Ctrl-C's default handler, even when this suite itself
# runs as a background job, which inherits SIGINT ignored.
PYTEST = (
    "import signal, sys, pytest; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.exit(pytest.main(sys.argv[1:]))"
)

INTERRUPTED = 2  # pytest's exit status for a run stopped by KeyboardInterrupt
STARTS_WITHIN_SECONDS = 180
STOPS_WITHIN_SECONDS = 30


def test_ctrl_c_stops_a_busy_run_and_it_leaves_nothing_behind(
    tmp_path: Path, pg_server: PgServer
) -> None:
    test_file = tmp_path / "test_waiting_run.py"
    test_file.write_text(WAITING_TEST)
    marker = tmp_path / "database-url"
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PYTEST,
            "-c",
            str(REPO / "pyproject.toml"),
            "-p",
            "no:cacheprovider",
            "-q",
            "--basetemp",
            str(tmp_path / "run"),
            str(test_file),
        ],
        cwd=REPO,
        env={**os.environ, "RISE_TEST_MARKER": str(marker)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal's foreground job
    )
    family: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + STARTS_WITHIN_SECONDS
        while not marker.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), "the run never got going"
        database = make_url(marker.read_text()).database
        family = psutil.Process(run.pid).children(recursive=True)
        assert any("server.cli" in " ".join(p.cmdline()) for p in family)

        os.killpg(run.pid, signal.SIGINT)
        output, _ = run.communicate(timeout=STOPS_WITHIN_SECONDS)
        gone_by = time.monotonic() + 5
        while living(family) and time.monotonic() < gone_by:
            time.sleep(0.1)
        alive = living(family)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        for process in living(family):
            process.kill()
    assert run.returncode == INTERRUPTED, output
    assert "KeyboardInterrupt" in output
    assert alive == [], f"outlived the run: {[(p.pid, p.cmdline()) for p in alive]}"
    left = query(pg_server.url, "SELECT 1 FROM pg_database WHERE datname = :d", d=database)
    assert left == [], f"the interrupted run left database {database} behind"
