"""Time from `rise serve` to a 200 from /readyz on the embedded database.

Cold: an empty data directory (create the cluster, create the database, migrate). Warm: the
same directory again (start the existing cluster, find the schema up to date). Runs each
`--runs` times, alternating, and writes medians and the warm/cold ratio to BENCHMARKS.md.

    uv run python -m bench.startup [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.report import write_section
from bench.service import REPO, TIMEOUT_SECONDS, _free_port, clean_env


def time_to_ready(data_dir: Path) -> float:
    port = _free_port()
    env = clean_env(RISE_DATA_DIR=str(data_dir), RISE_LOG_LEVEL="WARNING")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while time.perf_counter() - started < TIMEOUT_SECONDS:
            if process.poll() is not None:
                raise RuntimeError(
                    f"rise serve exited: {process.stderr.read() if process.stderr else ''}"
                )
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"not ready within {TIMEOUT_SECONDS} s")
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run; BENCHMARKS.md stays")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    cold: list[float] = []
    warm: list[float] = []
    for run in range(1, args.runs + 1):
        data_dir = Path(tempfile.mkdtemp(prefix="rise-bench-"))
        try:
            cold.append(time_to_ready(data_dir / "data"))
            warm.append(time_to_ready(data_dir / "data"))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        print(f"run {run}/{args.runs}: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s", flush=True)
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    body = (
        "## Start-up on the embedded database (`bench/startup.py`)\n\n"
        "Time from launching `rise serve` to the first 200 from `/readyz`, "
        f"median of {args.runs} runs.\n\n"
        "| start | median | runs |\n|---|---|---|\n"
        f"| first (empty data directory: initdb, create database, migrate) | {cold_median:.2f} s | "
        f"{', '.join(f'{t:.2f}' for t in cold)} |\n"
        f"| second (existing cluster, schema up to date) | {warm_median:.2f} s | "
        f"{', '.join(f'{t:.2f}' for t in warm)} |\n\n"
        f"Second start / first start: **{warm_median / cold_median:.2f}**."
    )
    if not args.quick:
        write_section("startup", body)
    print(f"cold median {cold_median:.2f} s, warm median {warm_median:.2f} s")


if __name__ == "__main__":
    main()
