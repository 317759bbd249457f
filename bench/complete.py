"""Completing an assessment: `completeAssessment` over HTTP against the scoring it runs.

On the practice dataset's pool of fully answered assessments not yet completed
(bench/dataset.py; topped up through the API when fewer than a run needs remain), as their
consultant: `--calls` calls one after another, each on a fresh assessment, per round, on
one keep-alive connection of the standard library's HTTP client (`TimedClient`: httpx's own
CPU would count as the service's).
Baseline: the use case's pure part in this process on the same answer sheets (read back
through the API): `missing_required`, `domain.scoring.score(bank.questions, sheet)`,
`applicable(...)` and `checklist(...)`, as domain/services/assessments.py
`complete_assessment` calls them. Beside it, what the database alone takes: the SQL floor,
the same ten statements the service sends in its four round trips (the viewer check; BEGIN,
the locked read and the answers; the phase result, the style profile, the checklist in one
INSERT and the status; the audit row and COMMIT), hand-written here and run through psycopg
in pipeline mode as the service does, on further fresh assessments, with the results
computed ahead. Median and p95 of each, over `--rounds` rounds with the
order alternating, and the ratios service / domain and service / (domain + SQL floor).

    uv run python -m bench.complete [--rounds 3] [--calls 20] [--quick]
        [--database-url URL] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Json, Jsonb

from bench.bare import SIGNED_IN
from bench.database import add_database_options, bench_database
from bench.dataset import COMPLETE, PRACTICE_DB, completion_pool, ensure_practice
from bench.measure import in_turn, median, ms, percentile, ratio
from bench.report import write_section
from bench.service import Client, TimedClient, bench_secret, serve
from bench.sheets import answer_from_response
from domain.bank import load_bank
from domain.model import Answer, DiscType, Phase
from domain.questionnaire import missing_required
from domain.recommendations import applicable, checklist
from domain.scoring import Scorecard, score
from server.graphql.ids import from_global_id
from server.settings import Settings
from server.tokens import Claims, bearer_claims

# Warm-up calls before the rounds. The service's pool hands its connections out in turn,
# and psycopg prepares a statement on its fifth run on a connection: the warm-up runs every
# connection of a full pool (the default RISE_DB_POOL_SIZE) past that, as hours of use
# would. The floor's one connection needs the same on its own.
PREPARED_ON_RUN = 5
FLOOR_WARM_UPS = PREPARED_ON_RUN + 1
SERVICE_WARM_UPS = Settings.model_fields["db_pool_size"].default * FLOOR_WARM_UPS
WARM_UPS = SERVICE_WARM_UPS + FLOOR_WARM_UPS
SHEET = """query($id: ID!) { assessment(id: $id) { responses {
  value values rating notApplicable consultantNotes question { key } } } }"""


def domain_scoring(sheet: dict[str, Answer]) -> tuple[Scorecard, list[Any]]:
    bank = load_bank()
    if missing_required(bank.questions, sheet):
        raise ValueError("the sheet is not complete")
    card = score(bank.questions, sheet)
    phases = card.phases
    applied = applicable(
        bank.recommendations, bank.questions, sheet, phases.primary, phases.secondary
    )
    today = datetime.now(UTC).date()
    return card, list(checklist(applied, phases.primary, phases.secondary, due_from=today))


# The SQL floor's statements: what completing an assessment must send, written by hand.
LOCK = """
SELECT id, consultant_id, client_name, client_business_name, client_email, status,
       progress_percentage, created_at, updated_at, entity_type, is_s_corp_on_payroll,
       confidence_before, confidence_after, started_at, completed_at, archived_at
FROM assessments WHERE id = %(id)s AND deleted_at IS NULL FOR UPDATE
"""
ANSWERS = """
SELECT question_id, answer_value, is_not_applicable FROM responses WHERE assessment_id = %(id)s
"""
PHASE_RESULT = """
INSERT INTO phase_results (assessment_id, stabilize_score, organize_score, build_score,
                           grow_score, systemic_score, primary_phase, secondary_phases, flags,
                           calculated_at)
VALUES (%(id)s, %(stabilize)s, %(organize)s, %(build)s, %(grow)s, %(systemic)s, %(primary)s,
        %(secondary)s, %(flags)s, now())
"""
DISC_PROFILE = """
INSERT INTO disc_profiles (assessment_id, dominance_score, influence_score, steadiness_score,
                           compliance_score, primary_type, secondary_type, calculated_at)
VALUES (%(id)s, %(d)s, %(i)s, %(s)s, %(c)s, %(primary)s, %(secondary)s, now())
"""
CHECKLIST = """
INSERT INTO checklist_items (assessment_id, created_by, item_text, item_order, phase_category,
                             priority, source_key, due_date)
SELECT %(id)s, %(user)s, item.item_text,
       placed.last + row_number() OVER (ORDER BY item.item_order), item.phase_category,
       item.priority, item.source_key, item.due_date
FROM json_to_recordset(%(items)s)
     AS item(item_text text, item_order integer, phase_category text, priority text,
             source_key text, due_date date),
     (SELECT coalesce(max(item_order), 0) AS last FROM checklist_items
      WHERE assessment_id = %(id)s AND deleted_at IS NULL) AS placed
"""
COMPLETED = """
UPDATE assessments SET status = 'completed', progress_percentage = 100, completed_at = now(),
                       updated_at = now()
WHERE id = %(id)s
"""
AUDIT = """
INSERT INTO activity_logs (user_id, event_type, event_category, description, metadata)
VALUES (%(user)s, 'assessment.completed', 'assessment', 'assessment completed and scored',
        %(metadata)s)
"""


def floor_parameters(assessment_id: str, card: Scorecard, items: list[Any]) -> dict[str, Any]:
    """Everything the SQL floor writes for one assessment, computed before it is timed."""
    _, key = from_global_id(assessment_id)
    phases, disc = card.phases, card.disc
    readiness = {phase.value: value for phase, value in phases.readiness.items()}
    return {
        "id": key,
        "phase": {
            "id": key,
            **{phase.value: readiness[phase.value] for phase in Phase},
            "primary": phases.primary.value,
            "secondary": [p.value for p in phases.secondary],
            "flags": [f.value for f in phases.flags],
        },
        "disc": None
        if disc is None
        else {
            "id": key,
            **{t.value.lower(): disc.scores[t] for t in DiscType},
            "primary": disc.primary.value,
            "secondary": disc.secondary.value if disc.secondary else None,
        },
        "checklist": {
            "id": key,
            "items": Json(
                [
                    {
                        "item_text": item.text,
                        "item_order": item.order,
                        "phase_category": item.phase.value,
                        "priority": item.priority.value,
                        "source_key": item.source_key,
                        "due_date": item.due_date.isoformat() if item.due_date else None,
                    }
                    for item in items
                ]
            ),
        },
        "metadata": Jsonb({"assessment_id": str(key), "primary_phase": phases.primary.value}),
    }


async def floor_times(
    conn: psycopg.AsyncConnection[Any], claims: Claims, planned: list[dict[str, Any]]
) -> list[float]:
    """On one connection kept for the whole run, warm as the service's pooled ones are."""
    times = []
    viewer = {"user_id": claims.user_id, "session_id": claims.session_id}
    for p in planned:
        started = time.perf_counter()
        await (await conn.execute(SIGNED_IN, viewer)).fetchone()
        async with conn.pipeline():
            await conn.execute("BEGIN")
            locked = await conn.execute(LOCK, {"id": p["id"]})
            answers = await conn.execute(ANSWERS, {"id": p["id"]})
        await locked.fetchone()
        await answers.fetchall()
        async with conn.pipeline():
            await conn.execute(PHASE_RESULT, p["phase"])
            if p["disc"] is not None:
                await conn.execute(DISC_PROFILE, p["disc"])
            await conn.execute(CHECKLIST, p["checklist"] | {"user": claims.user_id})
            await conn.execute(COMPLETED, {"id": p["id"]})
        async with conn.pipeline():
            await conn.execute(AUDIT, {"user": claims.user_id, "metadata": p["metadata"]})
            await conn.execute("COMMIT")
        times.append(time.perf_counter() - started)
    return times


async def sheet_of(api: Client, assessment_id: str) -> dict[str, Answer]:
    responses = (await api(SHEET, id=assessment_id))["assessment"]["responses"]
    answers = [answer_from_response(r) for r in responses]
    return {a.question_key: a for a in answers}


def service_times(api: TimedClient, ids: list[str]) -> list[float]:
    return [api.mutate(COMPLETE, "completeAssessment", id=i) for i in ids]


def claims_of(api: Client) -> Claims:
    claims = bearer_claims(f"Bearer {api.token}", secret=bench_secret(), now=datetime.now(UTC))
    if claims is None:
        raise RuntimeError("the bench's access token does not verify")
    return claims


def domain_times(sheets: list[dict[str, Answer]]) -> list[float]:
    times = []
    for sheet in sheets:
        started = time.perf_counter()
        domain_scoring(sheet)
        times.append(time.perf_counter() - started)
    return times


async def measure(
    base: str, conninfo: str, practice_email: str, rounds: int, calls: int
) -> dict[str, Any]:
    api = Client(base)
    await api.login(practice_email)
    # The service and the floor each complete `calls` fresh assessments a round.
    per_round = 2 * calls
    ids = await completion_pool(api, WARM_UPS + rounds * per_round)
    sheets = [await sheet_of(api, i) for i in ids]
    planned = [
        floor_parameters(i, *domain_scoring(sheet)) for i, sheet in zip(ids, sheets, strict=True)
    ]
    conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
    timed = TimedClient(base, api.token)
    service_times(timed, ids[:SERVICE_WARM_UPS])
    await floor_times(conn, claims_of(api), planned[SERVICE_WARM_UPS:WARM_UPS])
    domain_times(sheets[:FLOOR_WARM_UPS] * 10)
    results: dict[str, list[list[float]]] = {"service": [], "domain": [], "floor": []}
    for number in range(rounds):
        timed.token = await api.login(practice_email)
        first = WARM_UPS + number * per_round
        served, floored = slice(first, first + calls), slice(first + calls, first + per_round)
        print(f"round {number + 1}/{rounds}", flush=True)
        for contender in in_turn(["service", "domain", "floor"], number):
            if contender == "service":
                times = service_times(timed, ids[served])
            elif contender == "floor":
                times = await floor_times(conn, claims_of(api), planned[floored])
            else:
                times = domain_times(sheets[served])
            results[contender].append(times)
            print(f"  {contender}: median {ms(median(times))},"
                  f" p95 {ms(percentile(times, 95))}", flush=True)  # fmt: skip
    timed.close()
    await api.aclose()
    await conn.close()
    return results


def body(results: dict[str, Any], rounds: int, calls: int) -> str:
    def mid(contender: str, p: float) -> float:
        return median([percentile(times, p) for times in results[contender]])

    lines = [
        "## Completing an assessment (`bench/complete.py`)",
        "",
        f"`completeAssessment` over HTTP, {calls} calls one after another per round, each on a"
        " fresh fully answered assessment of the practice dataset (one keep-alive connection"
        " of Python's http.client), against the use case's pure"
        " part in-process on the same answer sheets (the required-answers check, `score`,"
        f" `applicable`, `checklist`). Medians over {rounds} rounds, the order alternating;"
        f" first {SERVICE_WARM_UPS} warm-up calls to the service (every connection of its pool"
        f" past psycopg's preparing of statements on their {PREPARED_ON_RUN}th run) and"
        f" {FLOOR_WARM_UPS} to the floor.",
        "",
        "| | median | p95 |",
        "|---|---|---|",
        f"| service (HTTP) | {ms(mid('service', 50))} | {ms(mid('service', 95))} |",
        f"| domain scoring (in-process) | {ms(mid('domain', 50))} | {ms(mid('domain', 95))} |",
        f"| SQL floor (the ten statements in four round trips) | {ms(mid('floor', 50))} |"
        f" {ms(mid('floor', 95))} |",
        f"| **service / domain** | **{ratio(mid('service', 50), mid('domain', 50))}** |"
        f" **{ratio(mid('service', 95), mid('domain', 95))}** |",
        f"| service / (domain + SQL floor) |"
        f" {ratio(mid('service', 50), mid('domain', 50) + mid('floor', 50))} |"
        f" {ratio(mid('service', 95), mid('domain', 95) + mid('floor', 95))} |",
        "",
        "The SQL floor alone is"
        f" {ratio(mid('floor', 50), mid('domain', 50))} times the domain scoring: most of it"
        " is the checklist's INSERT, one row per action step, each into four indexes and with"
        " two foreign-key checks.",
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
        results = asyncio.run(
            measure(base, db.conninfo, practice.workbench, args.rounds, args.calls)
        )
    text = body(results, args.rounds, args.calls)
    if not args.quick:
        write_section("complete", text)
    print(text)


if __name__ == "__main__":
    main()
