"""How long generating a report takes, cold and warm, and what rendering does to other
requests.

Starts `rise serve` on the embedded database in a temporary data directory, registers a
consultant and completes an assessment with every one of the bank's questions answered
(the S-Corporation path, so the payroll follow-up shows). Then, over HTTP:

1. Cold: the first `generateReports` after start-up, which is the rendering worker
   process's first job (the pool starts with the first render: a fresh interpreter that
   imports xhtml2pdf and loads templates and fonts). For each report type alone, in a
   service started for it, `--cold-runs` times.
2. Warm: the same call `--runs` more times in that service: render, store and record, as a
   consultant waits for it.
3. The p95 of a small query (`{ me { id } }`, one after another) with nothing else running,
   then while 4 consultant reports render at once; the ratio of the two is the figure.

Writes the figures to BENCHMARKS.md (not with `--quick`).

    uv run python -m bench.reports [--runs 10] [--cold-runs 3] [--samples 200] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.measure import median
from bench.report import write_section
from bench.service import Client, serve
from bench.sheets import NOTES, full_sheet, response_input

KINDS = ("CLIENT", "CONSULTANT")
EMAIL = "bench@example.com"


async def _prepare(client: Client) -> str:
    await client.register(EMAIL, "Bea", "Bench")
    created = await client.mutate(
        "mutation($input: CreateAssessmentInput!) { createAssessment(input: $input) {"
        " assessment { id } userErrors { message } } }",
        "createAssessment",
        input={
            "clientName": "Grace Hopper",
            "clientBusinessName": "Hopper & Sons Bakery",
            "clientEmail": "grace@hopper.example",
            "confidenceBefore": 4,
        },
    )
    assessment_id: str = created["assessment"]["id"]
    items = [response_input(replace(a, notes=NOTES[0])) for a in full_sheet().values()]
    await client.mutate(
        "mutation($input: SaveResponsesInput!) { saveResponses(input: $input) {"
        " userErrors { field message } } }",
        "saveResponses",
        input={"assessmentId": assessment_id, "responses": items},
    )
    await client.mutate(
        "mutation($id: ID!) { completeAssessment(id: $id) { userErrors { message } } }",
        "completeAssessment",
        id=assessment_id,
    )
    return assessment_id


async def _signed_in(client: Client, first_start: bool) -> str:
    """The bench assessment's id: made on the first start, found again on later ones."""
    if first_start:
        return await _prepare(client)
    await client.login(EMAIL)
    data = await client("{ assessments(first: 1) { edges { node { id } } } }")
    assessment_id: str = data["assessments"]["edges"][0]["node"]["id"]
    return assessment_id


GENERATE = """mutation($id: ID!, $types: [ReportType!]) {
  generateReports(input: {assessmentId: $id, types: $types}) {
    reports { pageCount fileSizeBytes } userErrors { message } } }"""


async def _generate(client: Client, assessment_id: str, kind: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    payload = await client.mutate(GENERATE, "generateReports", id=assessment_id, types=[kind])
    elapsed = time.perf_counter() - started
    return elapsed, payload["reports"][0]


async def _small_queries(client: Client, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        await client("{ me { id } }")
        times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def _renders(client: Client, assessment_id: str, kind: str, runs: int) -> dict[str, Any]:
    """The cold render, then `runs` warm ones, of `kind` in a service just started."""
    cold, report = await _generate(client, assessment_id, kind)
    print(f"  {kind.lower()} report, cold: {cold:.2f} s", file=sys.stderr)
    warm: list[float] = []
    for index in range(runs):
        elapsed, report = await _generate(client, assessment_id, kind)
        warm.append(elapsed)
        print(f"  {kind.lower()} report {index + 1}/{runs}: {elapsed:.2f} s", file=sys.stderr)
    return {"cold": cold, "warm": warm, "report": report}


async def _busy(client: Client, assessment_id: str, samples: int) -> dict[str, Any]:
    print("  small queries, idle", file=sys.stderr)
    idle = await _small_queries(client, samples)
    stop = asyncio.Event()
    rendered = 0

    async def render_loop() -> None:
        nonlocal rendered
        while not stop.is_set():
            await _generate(client, assessment_id, "CONSULTANT")
            rendered += 1

    print("  small queries, 4 reports rendering", file=sys.stderr)
    loops = [asyncio.create_task(render_loop()) for _ in range(4)]
    await asyncio.sleep(0.5)  # let all four start
    busy = await _small_queries(client, samples)
    stop.set()
    await asyncio.gather(*loops)
    return {"idle": idle, "busy": busy, "rendered": rendered}


async def _one_start(base: str, first_start: bool, kind: str, runs: int, samples: int) -> Any:
    client = Client(base)
    try:
        assessment_id = await _signed_in(client, first_start)
        renders = await _renders(client, assessment_id, kind, runs)
        return renders, (await _busy(client, assessment_id, samples) if samples else None)
    finally:
        await client.aclose()


def measure(data_dir: Path, runs: int, cold_runs: int, samples: int) -> dict[str, Any]:
    """Each start renders one kind: the first start of each kind also runs the warm renders,
    and the last start of all the small queries."""
    results: dict[str, Any] = {kind: {"cold": [], "warm": [], "report": {}} for kind in KINDS}
    starts = [(cycle, kind) for cycle in range(cold_runs) for kind in KINDS]
    for number, (cycle, kind) in enumerate(starts):
        print(f"starting rise serve ({number + 1}/{len(starts)})", file=sys.stderr)
        last = number == len(starts) - 1
        with serve(None, data_dir) as base:
            renders, busy = asyncio.run(
                _one_start(
                    base, number == 0, kind, runs if cycle == 0 else 0, samples if last else 0
                )
            )
        results[kind]["cold"].append(renders["cold"])
        results[kind]["warm"] += renders["warm"]
        results[kind]["report"] = renders["report"]
        if busy is not None:
            results |= busy
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="a smoke run; BENCHMARKS.md stays")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.cold_runs, args.samples = 2, 1, 20
    with tempfile.TemporaryDirectory(prefix="rise-bench-") as tmp:
        results = measure(Path(tmp), args.runs, args.cold_runs, args.samples)
    body = _body(results, args.runs, args.cold_runs, args.samples)
    if not args.quick:
        write_section("reports", body)
    print(body)


def _body(results: dict[str, Any], runs: int, cold_runs: int, samples: int) -> str:
    lines = [
        "## Report generation (`bench/reports.py`)",
        "",
        "`generateReports` over HTTP against `rise serve` (embedded PostgreSQL) for an assessment"
        " with all 63 questions answered, each with a note: render, store and record, as the"
        " consultant waits. Cold: the first render after start-up, the rendering worker"
        f" process's first job (median of {cold_runs} starts). Warm: the {runs} renders after it.",
        "",
        "| report | cold | warm median | cold / warm | pages | size | warm runs |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        cold, warm = median(results[kind]["cold"]), median(results[kind]["warm"])
        report = results[kind]["report"]
        runs_text = ", ".join(f"{t:.2f}" for t in results[kind]["warm"])
        lines.append(
            f"| {kind.lower()} | {cold:.2f} s | {warm:.2f} s | **{cold / warm:.1f}** |"
            f" {report['pageCount']} | {report['fileSizeBytes'] / 1024:.0f} KiB | {runs_text} |"
        )
    idle, busy = p95(results["idle"]), p95(results["busy"])
    lines += [
        "",
        f"A small query (`{{ me {{ id }} }}`, {samples} in a row): p95 {idle * 1000:.1f} ms with"
        f" nothing else running, {busy * 1000:.1f} ms while 4 consultant reports render at once"
        f" ({results['rendered']} rendered meanwhile). Busy / idle: **{busy / idle:.1f}**.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
