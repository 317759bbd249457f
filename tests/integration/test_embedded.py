"""The embedded cluster: started by the first process, shared, stopped by the last one, and
kept across restarts. Each test uses its own data directory."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from persistence.embedded import EmbeddedDatabaseError, EmbeddedPostgres
from tests.integration.cli import REPO

pytestmark = pytest.mark.slow

# A process that joins the cluster, prints how to reach it, and leaves when stdin closes.
HOLDER = textwrap.dedent(
    """
    import signal
    import sys
    from pathlib import Path
    from persistence.embedded import EmbeddedPostgres

    # A job started in the background inherits SIGINT ignored; a terminal's process does not.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with EmbeddedPostgres(Path(sys.argv[1])) as cluster:
        print(cluster.conninfo("postgres"), flush=True)
        sys.stdin.read()
    print("left", flush=True)
    """
)


class Holder:
    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, like a second terminal
        )
        assert self.process.stdout is not None
        self.conninfo = self.process.stdout.readline().strip()
        assert self.conninfo.startswith("host="), self.process.stderr.read()  # type: ignore[union-attr]

    def leave(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.wait() == 0

    def kill(self) -> None:
        self.process.kill()
        self.wait()

    def wait(self) -> int:
        code = self.process.wait(timeout=60)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "rise-data"
    yield directory
    # Never leave a server behind, whatever the test did.
    leftover = EmbeddedPostgres(directory)
    if (directory / "postgres" / "postmaster.pid").exists():
        leftover.acquire()
        leftover.release()


def _answers(conninfo: str) -> bool:
    try:
        with psycopg.connect(conninfo, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def test_last_process_to_leave_stops_the_server_and_data_survives(data_dir: Path) -> None:
    first = Holder(data_dir)
    with psycopg.connect(first.conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (note text)")
        conn.execute("INSERT INTO kept VALUES ('written before the restart')")
    second = Holder(data_dir)
    assert second.conninfo == first.conninfo

    first.leave()
    assert _answers(second.conninfo), "the server stopped while a process still used it"

    second.leave()
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
    assert not _answers(first.conninfo)

    with EmbeddedPostgres(data_dir) as cluster, psycopg.connect(cluster.conninfo("postgres")) as c:
        assert c.execute("SELECT note FROM kept").fetchall() == [("written before the restart",)]
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


def test_a_killed_process_does_not_keep_the_server_up_for_ever(data_dir: Path) -> None:
    crashed = Holder(data_dir)
    crashed.kill()  # SIGKILL: no chance to leave
    assert _answers(crashed.conninfo)

    with EmbeddedPostgres(data_dir) as cluster:
        assert cluster.conninfo("postgres") == crashed.conninfo
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


def test_ctrl_c_in_one_terminal_does_not_stop_the_server_for_another(data_dir: Path) -> None:
    starter = Holder(data_dir)
    other = Holder(data_dir)
    # Ctrl-C goes to the whole foreground process group of the starter's terminal.
    os.killpg(starter.process.pid, signal.SIGINT)
    starter.wait()
    assert _answers(other.conninfo)
    other.leave()
    assert not _answers(other.conninfo)


def test_a_data_directory_that_is_not_a_cluster_is_refused(data_dir: Path) -> None:
    (data_dir / "postgres").mkdir(parents=True)
    (data_dir / "postgres" / "notes.txt").write_text("not a database")
    with pytest.raises(EmbeddedDatabaseError, match="holds no PostgreSQL cluster"):
        EmbeddedPostgres(data_dir).acquire()


def test_two_handles_in_one_process_each_count(data_dir: Path) -> None:
    outer = EmbeddedPostgres(data_dir)
    inner = EmbeddedPostgres(data_dir)
    with outer:
        with inner:
            pass
        assert _answers(outer.conninfo("postgres")), "the inner handle stopped the server"
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


@pytest.mark.parametrize(
    "name",
    ["with space", "o'brien", "c++ & 100%", "é" * 60],
    ids=["space", "apostrophe", "url-special", "long-non-ascii"],
)
def test_awkward_data_directory_paths_work(tmp_path: Path, name: str) -> None:
    data_dir = tmp_path / name / "rise-data"
    with EmbeddedPostgres(data_dir) as cluster:
        with psycopg.connect(cluster.conninfo("postgres")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        engine = create_engine(cluster.url("postgres"), poolclass=NullPool)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT 2")) == 2
        engine.dispose()


def test_a_socket_path_too_long_for_the_data_directory_gets_a_private_one(tmp_path: Path) -> None:
    data_dir = tmp_path / ("d" * 90) / "rise-data"
    with EmbeddedPostgres(data_dir) as cluster:
        socket_dir = cluster.socket_dir
        assert not socket_dir.is_relative_to(data_dir)
        assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
        # A second process finds it through the running server, whatever it would choose.
        joiner = Holder(data_dir)
        assert f"host={socket_dir}" in joiner.conninfo
        joiner.leave()
        assert _answers(cluster.conninfo("postgres"))
    assert not socket_dir.exists(), "the temporary socket directory was left behind"


def test_a_crashed_server_is_restarted(data_dir: Path) -> None:
    holder = Holder(data_dir)
    pid = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    holder.kill()
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with EmbeddedPostgres(data_dir) as cluster:
        assert _answers(cluster.conninfo("postgres"))


def test_an_interrupted_start_leaves_no_server_running(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = EmbeddedPostgres._start

    def start_then_ctrl_c(self: EmbeddedPostgres) -> None:
        started(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(EmbeddedPostgres, "_start", start_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        EmbeddedPostgres(data_dir).acquire()
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
    assert not (data_dir / "postgres.users.json").exists(), "an interrupted start registered"


def test_a_data_directory_pg_ctl_cannot_quote_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EmbeddedDatabaseError, match="pg_ctl cannot quote"):
        EmbeddedPostgres(tmp_path / "price$list").acquire()
