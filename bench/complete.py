"""Completing an assessment: `completeAssessment` over HTTP against the scoring it runs.

On the practice dataset's pool of fully answered assessments not yet completed
(bench/dataset.py; topped up through the API when fewer than a run needs remain), as their
consultant: `--calls` calls one after another, each on a fresh assessment, per round.
Baseline: the use case's pure part in this process on the same answer sheets (read back
through the API): `missing_required`, `domain.scoring.score(bank.questions, sheet)`,
`applicable(...)` and `checklist(...)`, as domain/services/assessments.py
`complete_assessment` calls them. Median and p95 of each, over `--rounds` rounds with the
order alternating, and the ratios service / domain.

    uv run python -m bench.complete [--rounds 3] [--calls 20] [--quick]
        [--database-url URL] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from bench.database import add_database_options, bench_database
from bench.dataset import COMPLETE, PRACTICE_DB, completion_pool, ensure_practice
from bench.measure import in_turn, median, ms, percentile, ratio
from bench.report import write_section
from bench.service import Client, serve
from bench.sheets import answer_from_response
from domain.bank import load_bank
from domain.model import Answer
from domain.questionnaire import missing_required
from domain.recommendations import applicable, checklist
from domain.scoring import score

WARM_UPS = 2
SHEET = """query($id: ID!) { assessment(id: $id) { responses {
  value values rating notApplicable consultantNotes question { key } } } }"""


def domain_scoring(sheet: dict[str, Answer]) -> None:
    bank = load_bank()
    if missing_required(bank.questions, sheet):
        raise ValueError("the sheet is not complete")
    phases = score(bank.questions, sheet).phases
    applied = applicable(
        bank.recommendations, bank.questions, sheet, phases.primary, phases.secondary
    )
    checklist(applied, phases.primary, phases.secondary)


async def sheet_of(api: Client, assessment_id: str) -> dict[str, Answer]:
    responses = (await api(SHEET, id=assessment_id))["assessment"]["responses"]
    answers = [answer_from_response(r) for r in responses]
    return {a.question_key: a for a in answers}


async def service_times(api: Client, ids: list[str]) -> list[float]:
    times = []
    for assessment_id in ids:
        started = time.perf_counter()
        await api.mutate(COMPLETE, "completeAssessment", id=assessment_id)
        times.append(time.perf_counter() - started)
    return times


def domain_times(sheets: list[dict[str, Answer]]) -> list[float]:
    times = []
    for sheet in sheets:
        started = time.perf_counter()
        domain_scoring(sheet)
        times.append(time.perf_counter() - started)
    return times


async def measure(base: str, practice_email: str, rounds: int, calls: int) -> dict[str, Any]:
    api = Client(base)
    await api.login(practice_email)
    ids = await completion_pool(api, WARM_UPS + rounds * calls)
    sheets = [await sheet_of(api, i) for i in ids]
    await service_times(api, ids[:WARM_UPS])
    domain_times(sheets[:WARM_UPS] * 10)
    results: dict[str, list[list[float]]] = {"service": [], "domain": []}
    for number in range(rounds):
        await api.login(practice_email)
        chosen = slice(WARM_UPS + number * calls, WARM_UPS + (number + 1) * calls)
        print(f"round {number + 1}/{rounds}", flush=True)
        for contender in in_turn(["service", "domain"], number):
            if contender == "service":
                times = await service_times(api, ids[chosen])
            else:
                times = domain_times(sheets[chosen])
            results[contender].append(times)
            print(f"  {contender}: median {ms(median(times))},"
                  f" p95 {ms(percentile(times, 95))}", flush=True)  # fmt: skip
    await api.aclose()
    return results


def body(results: dict[str, Any], rounds: int, calls: int) -> str:
    def mid(contender: str, p: float) -> float:
        return median([percentile(times, p) for times in results[contender]])

    lines = [
        "## Completing an assessment (`bench/complete.py`)",
        "",
        f"`completeAssessment` over HTTP, {calls} calls one after another per round, each on a"
        " fresh fully answered assessment of the practice dataset, against the use case's pure"
        " part in-process on the same answer sheets (the required-answers check, `score`,"
        f" `applicable`, `checklist`). Medians over {rounds} rounds, the order alternating;"
        f" {WARM_UPS} warm-up calls first.",
        "",
        "| | median | p95 |",
        "|---|---|---|",
        f"| service (HTTP) | {ms(mid('service', 50))} | {ms(mid('service', 95))} |",
        f"| domain scoring (in-process) | {ms(mid('domain', 50))} | {ms(mid('domain', 95))} |",
        f"| **service / domain** | **{ratio(mid('service', 50), mid('domain', 50))}** |"
        f" **{ratio(mid('service', 95), mid('domain', 95))}** |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=20, help="calls per round")
    parser.add_argument("--quick", action="store_true", help="a smoke run; BENCHMARKS.md stays")
    add_database_options(parser)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.calls = 1, 3
    with (
        bench_database(PRACTICE_DB, database_url=args.database_url, fresh=args.fresh) as db,
        serve(db.url) as base,
    ):
        practice = asyncio.run(ensure_practice(db, base))
        results = asyncio.run(measure(base, practice.workbench, args.rounds, args.calls))
    text = body(results, args.rounds, args.calls)
    if not args.quick:
        write_section("complete", text)
    print(text)


if __name__ == "__main__":
    main()
