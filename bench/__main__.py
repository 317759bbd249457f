"""Every benchmark in sequence, each in a process of its own, each writing its section of
BENCHMARKS.md (none with `--quick`, which smoke-tests them all in a few minutes).

    uv run python -m bench [--quick] [--only reads,lists] [--scale N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from bench.service import REPO

BENCHMARKS = ("startup", "reports", "graphql_floor", "reads", "autosave", "lists", "complete")
ON_DATASETS = ("reads", "autosave", "lists", "complete")  # take --database-url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help=f"a comma-separated subset of {', '.join(BENCHMARKS)}")
    parser.add_argument("--scale", type=int, help="the lists bench's dataset size")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)}")
    started, failed = time.monotonic(), []
    for name in (n for n in BENCHMARKS if n in chosen):
        command = [sys.executable, "-m", f"bench.{name}"] + (["--quick"] if args.quick else [])
        if args.database_url and name in ON_DATASETS:
            command += ["--database-url", args.database_url]
        if args.scale and name == "lists":
            command += ["--scale", str(args.scale)]
        print(f"== bench.{name} ({time.monotonic() - started:.0f} s in)", flush=True)
        if subprocess.run(command, cwd=REPO, check=False).returncode != 0:
            failed.append(name)
    print(f"== done in {time.monotonic() - started:.0f} s", flush=True)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
