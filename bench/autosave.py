"""Autosave under load: `saveResponses` with 10 answers a call from 50 clients at once.

On the practice dataset's 50 assessments in progress (bench/dataset.py), as their
consultant. Each of 50 wrk connections (wrk -t50 -c50, one thread each) saves into an
assessment of its own, as a consultant's browser would, cycling through `VARIANTS` answer
sets for the same 10 non-conditional single-choice questions, each set different from the
last, so that every upsert really changes its rows. Every response is read for GraphQL
errors and user errors.

Baseline: the same 10-row upsert (INSERT ... ON CONFLICT (assessment_id, question_id) DO
UPDATE) of the answers and notes sealed as the service seals them, and the progress update
(UPDATE assessments SET progress_percentage, status, updated_at) in one transaction per
save, through psycopg from 50 asyncio tasks on 50 connections, one assessment each, for the
same time.

Saves a second, p95, p99 and errors for both, medians over `--rounds` rounds (the order
alternating) after a few seconds of unmeasured load on the service (its pool's connections
opened, their statements prepared), and the ratios service / baseline.

    uv run python -m bench.autosave [--rounds 3] [--duration 30] [--quick]
        [--database-url URL] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import psycopg

from bench.database import Database, add_database_options, bench_database
from bench.dataset import PRACTICE_DB, autosave_assessments, ensure_practice
from bench.measure import in_turn, keep_busy, median, ms, percentile, ratio
from bench.report import write_section
from bench.service import Client, bench_keyring, serve, settle
from bench.sheets import response_input
from bench.wrk import run_wrk
from domain.bank import load_bank
from domain.model import Answer, Question, QuestionType
from domain.questionnaire import progress
from persistence.answer_rows import AnswerRows
from server.graphql.ids import expect_id

CLIENTS, ANSWERS, VARIANTS = 50, 10, 8
WARM_UP_SECONDS = 5

SAVE = (
    "mutation($input: SaveResponsesInput!) { saveResponses(input: $input) {"
    " assessment { status progressPercentage } userErrors { field code message } } }"
)

UPSERT = (
    "INSERT INTO responses (assessment_id, question_id, answer_value, is_not_applicable,"
    " consultant_notes) VALUES {rows}"
    " ON CONFLICT (assessment_id, question_id) DO UPDATE SET"
    " answer_value = excluded.answer_value, answer_numeric = NULL,"
    " is_not_applicable = excluded.is_not_applicable,"
    " consultant_notes = excluded.consultant_notes, updated_at = now()"
    " RETURNING id, question_id, updated_at"
).format(rows=", ".join(["(%s, %s, %s, %s, %s)"] * ANSWERS))
PROGRESS = (
    "UPDATE assessments SET progress_percentage = %s, status = 'in_progress',"
    " updated_at = now() WHERE id = %s"
)


def questions() -> list[Question]:
    """The first 10 single-choice questions in bank order that show unconditionally, open
    no follow-up and copy into no assessment column."""
    bank = load_bank().questions
    parents = {q.condition.parent_key for q in bank if q.condition}
    chosen = [
        q
        for q in bank
        if q.type is QuestionType.SINGLE_CHOICE
        and q.condition is None
        and q.mirror is None
        and q.key not in parents
    ]
    return chosen[:ANSWERS]


def variant(number: int) -> list[Answer]:
    """Answer set `number`: each question's option shifted by one from the set before."""
    return [
        Answer(
            q.key,
            value=q.options[(number + index) % len(q.options)].value,
            notes=f"Autosave draft {number}: owner still deciding.",
        )
        for index, q in enumerate(questions())
    ]


def bodies(assessments: list[str]) -> list[str]:
    """Variant-major, so wrk thread t of 50 gets every variant of assessment t."""
    return [
        json.dumps(
            {
                "query": SAVE,
                "variables": {
                    "input": {
                        "assessmentId": assessment,
                        "responses": [response_input(a) for a in variant(number)],
                    }
                },
            }
        )
        for number in range(VARIANTS)
        for assessment in assessments
    ]


async def baseline(db: Database, assessments: list[UUID], duration: float) -> dict[str, Any]:
    bank = load_bank().questions
    answer_rows = AnswerRows(load_bank(), bench_keyring())
    ids = [q.id for q in questions()]
    prepared = []
    for number in range(VARIANTS):
        answers = variant(number)
        sheet = {a.question_key: a for a in answers}
        prepared.append((answers, progress(bank, sheet)))
    conns = [await psycopg.AsyncConnection.connect(db.conninfo) for _ in assessments]

    def client(
        conn: psycopg.AsyncConnection[Any], assessment: UUID
    ) -> Callable[[], Awaitable[None]]:
        turn = 0

        async def save() -> None:
            nonlocal turn
            answers, percent = prepared[turn % VARIANTS]
            turn += 1
            values, notes = answer_rows.sealed(assessment, ids, answers)  # as every save does
            params = [
                item
                for row in zip(ids, values, answers, notes, strict=True)
                for item in (assessment, row[0], row[1], row[2].not_applicable, row[3])
            ]
            async with conn.transaction():
                await (await conn.execute(UPSERT, params)).fetchall()
                await conn.execute(PROGRESS, [percent, assessment])

        return save

    try:
        loop = await keep_busy(
            [client(c, a) for c, a in zip(conns, assessments, strict=True)], duration
        )
    finally:
        for conn in conns:
            await conn.close()
    return {
        "rate": loop.rate,
        "p95": percentile(loop.latencies, 95),
        "p99": percentile(loop.latencies, 99),
        "errors": loop.errors,
    }


def service(base: str, token: str, requests: list[str], duration: float) -> dict[str, Any]:
    result = run_wrk(
        f"{base}/graphql",
        requests,
        token=token,
        connections=CLIENTS,
        threads=CLIENTS,
        duration=duration,
        check_bodies=True,
    )
    return {"rate": result.rps, "p95": result.p95, "p99": result.p99, "errors": result.errors}


async def measure(db: Database, base: str, rounds: int, duration: float) -> dict[str, list[Any]]:
    practice = await ensure_practice(db, base)
    api = Client(base)
    await api.login(practice.workbench)
    assessments = (await autosave_assessments(api))[:CLIENTS]
    if len(assessments) < CLIENTS:
        raise SystemExit(f"the practice dataset has {len(assessments)} assessments to autosave")
    requests, raw = bodies(assessments), [expect_id(a, "Assessment") for a in assessments]
    # The server's first seconds under load open its pool's connections and prepare their
    # statements: a warm-up, not measured, so that every round sees it as it runs for hours.
    service(base, await api.login(practice.workbench), requests, WARM_UP_SECONDS)
    results: dict[str, list[Any]] = {"service": [], "baseline": []}
    for number in range(rounds):
        token = await api.login(practice.workbench)
        print(f"round {number + 1}/{rounds}", flush=True)
        for contender in in_turn(["service", "baseline"], number):
            settle(base)
            if contender == "service":
                figures = service(base, token, requests, duration)
            else:
                figures = await baseline(db, raw, duration)
            results[contender].append(figures)
            print(f"  {contender}: {figures['rate']:.0f} saves/s, p95 {ms(figures['p95'])},"
                  f" p99 {ms(figures['p99'])}, {figures['errors']} errors", flush=True)  # fmt: skip
    await api.aclose()
    return results


def body(results: dict[str, list[Any]], rounds: int, duration: float) -> str:
    def mid(contender: str, key: str) -> float:
        return median([r[key] for r in results[contender]])

    lines = [
        "## Autosave under load (`bench/autosave.py`)",
        "",
        f"`saveResponses` with {ANSWERS} answers a call from {CLIENTS} clients at once for"
        f" {duration:g} s (wrk -t{CLIENTS} -c{CLIENTS}, one assessment in progress per"
        " connection, each save changing every row, answers and notes encrypted at rest)."
        " Baseline: the same upsert, of answers and notes encrypted as the service does it,"
        f" and progress update in one transaction per save, psycopg from {CLIENTS} asyncio tasks on"
        f" {CLIENTS} connections. Medians over {rounds} rounds, the order alternating, after"
        f" {WARM_UP_SECONDS:g} s of load on the service, not measured.",
        "",
        "| | saves/s | p95 | p99 | errors |",
        "|---|---|---|---|---|",
    ]
    for contender, label in (("service", "service (HTTP)"), ("baseline", "baseline (SQL)")):
        errors = sum(r["errors"] for r in results[contender])
        lines.append(
            f"| {label} | {mid(contender, 'rate'):.0f} | {ms(mid(contender, 'p95'))} |"
            f" {ms(mid(contender, 'p99'))} | {errors} |"
        )
    errors = sum(r["errors"] for r in results["service"])
    lines += [
        "",
        "Service / baseline: throughput"
        f" **{ratio(mid('service', 'rate'), mid('baseline', 'rate'))}**,"
        f" p95 **{ratio(mid('service', 'p95'), mid('baseline', 'p95'))}**.",
        "",
        "No save failed." if errors == 0 else f"**{errors} saves failed** (errors or user errors).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=30, help="seconds per contender")
    parser.add_argument("--quick", action="store_true", help="a smoke run; BENCHMARKS.md stays")
    add_database_options(parser)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 3
    with (
        bench_database(PRACTICE_DB, database_url=args.database_url, fresh=args.fresh) as db,
        serve(db.url) as base,
    ):
        results = asyncio.run(measure(db, base, args.rounds, args.duration))
    text = body(results, args.rounds, args.duration)
    if not args.quick:
        write_section("autosave", text)
    print(text)


if __name__ == "__main__":
    main()
