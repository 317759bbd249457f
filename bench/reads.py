"""Reads against their floors, on the practice dataset (bench/dataset.py).

a. The nested dashboard read (bench/dashboard.py: `assessments(first: 50)` with every
   answer, result, checklist item and report under each) as the practice consultant,
   against its floor, one hand-written SQL statement that builds the same JSON document in
   PostgreSQL and hands it over as text through psycopg, with the sealed answers and notes
   opened in Python (bench/dashboard.py `unsealed`). Checked once per run: the floor's
   document equals the API's `data`, parsed. Measured: sequential p50 (`--samples`
   requests after 3 warm-ups, one client: over HTTP for the service, through psycopg for
   the floor), and throughput at 4 connections for `--duration` seconds (wrk -c4 -t2 for
   the service; 4 psycopg async connections looping the statement for the floor).
b. `{ me { id email } }` and `assessment(id:) { id status progressPercentage }` (rotating
   over 50 assessments): req/s with wrk -t2 at 4 and 16 connections, the service against
   the bare Starlette baseline (bench/bare.py), which verifies the token and runs the same
   viewer check and row read with psycopg and nothing else.

Contenders take turns in each of `--rounds` rounds (the order alternating between rounds);
the section reports medians over rounds and the ratios service / floor and service / bare.

    uv run python -m bench.reads [--rounds 3] [--duration 10] [--samples 30] [--quick]
        [--database-url URL] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg

from bench import dashboard
from bench.database import Database, add_database_options, bench_database
from bench.dataset import PRACTICE_DB, ensure_practice
from bench.measure import in_turn, keep_busy, median, ms, ratio, runs
from bench.report import write_section
from bench.service import Client, bench_keyring, bench_secret, serve, serve_bare, settle
from bench.wrk import run_wrk
from server.tokens import read_access_token

WARM_UPS = 3
ME = json.dumps({"query": "{ me { id email } }"})
ASSESSMENT = "query($id: ID!) { assessment(id: $id) { id status progressPercentage } }"
SMALL_CONNECTIONS = (4, 16)
IDS = json.dumps({"query": "{ assessments(first: 50) { edges { node { id } } } }"})


class Run:
    """One run's contenders and what they were given: the service, the bare baseline, the
    database for the floor, and the signed-in consultant's token."""

    def __init__(self, db: Database, service: str, bare: str, email: str) -> None:
        self.db, self.service, self.bare, self.email = db, service, bare, email
        self.token = ""
        self.params: dict[str, Any] = {}
        self.keys = bench_keyring()

    async def sign_in(self) -> None:
        """A fresh access token (they last 15 minutes), and its claims for the floor."""
        client = Client(self.service)
        self.token = await client.login(self.email)
        await client.aclose()
        claims = read_access_token(self.token, secret=bench_secret(), now=datetime.now(UTC))
        self.params = {"user_id": claims.user_id, "session_id": claims.session_id}

    async def api(self, base: str, body: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            response = await http.post("/graphql", content=body, headers=self.headers)
            parsed: dict[str, Any] = response.json()
            return parsed

    def settle(self) -> None:
        """Lets both servers finish what the last measurement left queued."""
        settle(self.service)
        settle(self.bare)

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}", "content-type": "application/json"}

    async def floor_text(self, conn: psycopg.AsyncConnection[Any]) -> str:
        row = await (await conn.execute(dashboard.FLOOR, self.params)).fetchone()
        return dashboard.unsealed(row[0], self.keys) if row else ""


DASHBOARD = json.dumps({"query": dashboard.QUERY})


async def check_floor(run: Run) -> list[str]:
    """Where the floor's document differs from the API's `data` (nothing, once right)."""
    api = await run.api(run.service, DASHBOARD)
    if api.get("errors"):
        raise RuntimeError(api["errors"])
    async with await psycopg.AsyncConnection.connect(run.db.conninfo, autocommit=True) as conn:
        floor = json.loads(await run.floor_text(conn))
    return dashboard.difference(api["data"], floor)


async def sequential(run: Run, contender: str, samples: int) -> float:
    """p50 of `samples` requests one after another, after the warm-ups."""
    times: list[float] = []
    if contender == "service":
        async with httpx.AsyncClient(base_url=run.service, timeout=120) as http:
            for index in range(WARM_UPS + samples):
                started = time.perf_counter()
                response = await http.post("/graphql", content=DASHBOARD, headers=run.headers)
                response.raise_for_status()
                if index >= WARM_UPS:
                    times.append(time.perf_counter() - started)
        return median(times)
    async with await psycopg.AsyncConnection.connect(run.db.conninfo, autocommit=True) as conn:
        for index in range(WARM_UPS + samples):
            started = time.perf_counter()
            await run.floor_text(conn)
            if index >= WARM_UPS:
                times.append(time.perf_counter() - started)
    return median(times)


async def throughput(run: Run, contender: str, duration: float) -> tuple[float, int]:
    """Requests (or floor statements) a second over 4 connections, and the errors."""
    if contender == "service":
        result = run_wrk(
            f"{run.service}/graphql",
            [DASHBOARD],
            token=run.token,
            connections=4,
            threads=2,
            duration=duration,
        )
        return result.rps, result.errors
    conns = [
        await psycopg.AsyncConnection.connect(run.db.conninfo, autocommit=True) for _ in range(4)
    ]
    try:

        def job(conn: psycopg.AsyncConnection[Any]) -> Any:
            async def statement() -> None:
                await run.floor_text(conn)

            return statement

        loop = await keep_busy([job(conn) for conn in conns], duration)
    finally:
        for conn in conns:
            await conn.close()
    return loop.rate, loop.errors


async def small_bodies(run: Run) -> dict[str, list[str]]:
    """The two small queries' request bodies; `assessment` over 50 of the consultant's."""
    page = await run.api(run.service, IDS)
    ids = [edge["node"]["id"] for edge in page["data"]["assessments"]["edges"]]
    bodies = [json.dumps({"query": ASSESSMENT, "variables": {"id": i}}) for i in ids]
    return {"me": [ME], "assessment": bodies}


async def same_answers(run: Run, bodies: dict[str, list[str]]) -> list[str]:
    """Small queries on which the bare baseline answers unlike the service (none, once right)."""
    unlike = []
    for name, group in bodies.items():
        service, bare = await run.api(run.service, group[0]), await run.api(run.bare, group[0])
        if service != bare or service.get("errors"):
            unlike.append(f"{name}: service {service}, bare {bare}")
    return unlike


async def measure(run: Run, rounds: int, duration: float, samples: int) -> dict[str, Any]:
    results: dict[str, Any] = {"p50": {}, "tps": {}, "small": {}, "errors": 0}
    await run.sign_in()
    results["differences"] = await check_floor(run)
    bodies = await small_bodies(run)
    results["unlike"] = await same_answers(run, bodies)
    for number in range(rounds):
        await run.sign_in()
        print(f"round {number + 1}/{rounds}", flush=True)
        for contender in in_turn(["service", "floor"], number):
            run.settle()
            p50 = await sequential(run, contender, samples)
            results["p50"].setdefault(contender, []).append(p50)
            tps, errors = await throughput(run, contender, duration)
            results["tps"].setdefault(contender, []).append(tps)
            results["errors"] += errors
            print(f"  dashboard {contender}: p50 {ms(p50)}, {tps:.1f}/s", flush=True)
        for name, group in bodies.items():
            for connections in SMALL_CONNECTIONS:
                for contender in in_turn(["service", "bare"], number):
                    base = run.service if contender == "service" else run.bare
                    run.settle()
                    result = run_wrk(
                        f"{base}/graphql",
                        group,
                        token=run.token,
                        connections=connections,
                        threads=2,
                        duration=duration,
                        check_bodies=True,
                    )
                    key = (name, connections, contender)
                    results["small"].setdefault(key, []).append(result)
                    results["errors"] += result.errors
                    print(f"  {name} -c{connections} {contender}: {result.rps:.0f} req/s,"
                          f" p99 {ms(result.p99)}, {result.errors} errors", flush=True)  # fmt: skip
    return results


def body(results: dict[str, Any], rounds: int, duration: float, samples: int) -> str:
    p50, tps = results["p50"], results["tps"]
    lines = [
        "## Reads against their floors (`bench/reads.py`)",
        "",
        "On the practice dataset (one consultant, 100 completed assessments, each with 63"
        " noted answers, results, 20 checklist items and 2 reports). Medians over"
        f" {rounds} rounds, the contenders taking turns, the order alternating.",
        "",
        "### The nested dashboard read",
        "",
        "`assessments(first: 50)` with every answer (and its question), the phase result, the"
        " style profile, the checklist and the reports of each, as the consultant. Floor: one"
        " hand-written SQL statement (bench/dashboard.py) returning the same JSON document"
        " through psycopg. Sequential: p50 of"
        f" {samples} requests after {WARM_UPS} warm-ups, one client. Throughput: 4"
        f" connections for {duration:g} s (wrk -c4 -t2 for the service; 4 psycopg"
        " connections looping the statement for the floor).",
        "",
        "| | sequential p50 | throughput, 4 connections | p50 per round | throughput per round |",
        "|---|---|---|---|---|",
    ]
    for contender, label in (("service", "service (HTTP)"), ("floor", "floor (SQL)")):
        lines.append(
            f"| {label} | {ms(median(p50[contender]))} | {median(tps[contender]):.1f}/s |"
            f" {runs(p50[contender], 1000)} ms | {runs(tps[contender])} |"
        )
    lines += [
        f"| **service / floor** | **{ratio(median(p50['service']), median(p50['floor']))}** |"
        f" **{ratio(median(tps['service']), median(tps['floor']))}** | | |",
        "",
    ]
    if results["differences"]:
        shown = "; ".join(f"`{d}`" for d in results["differences"][:10])
        lines.append(f"The floor's document differs from the API's in: {shown}.")
    else:
        lines.append("The floor's document equals the API's `data`, checked in this run.")
    lines += [
        "",
        "### Small queries against the bare baseline",
        "",
        "`{ me { id email } }` and `assessment(id:) { id status progressPercentage }` (over 50"
        f" assessments), wrk -t2 for {duration:g} s. Bare: Starlette under uvicorn as `rise"
        " serve` runs it, the same token check, viewer check and row read through psycopg"
        " (bench/bare.py), nothing else.",
        "",
        "| query | connections | service | bare | **service / bare** | p99 service | p99 bare |",
        "|---|---|---|---|---|---|---|",
    ]
    small = results["small"]
    for name in ("me", "assessment"):
        for connections in SMALL_CONNECTIONS:
            service, bare = (
                small[(name, connections, "service")],
                small[(name, connections, "bare")],
            )
            rps_s, rps_b = median([r.rps for r in service]), median([r.rps for r in bare])
            lines.append(
                f"| `{name}` | {connections} | {rps_s:.0f} req/s | {rps_b:.0f} req/s |"
                f" **{ratio(rps_s, rps_b)}** | {ms(median([r.p99 for r in service]))} |"
                f" {ms(median([r.p99 for r in bare]))} |"
            )
    lines.append("")
    if results["unlike"]:
        lines.append(
            "The bare baseline answers unlike the service: " + "; ".join(results["unlike"])
        )
    else:
        lines.append("The bare baseline's answers equal the service's, checked in this run.")
    lines.append(f"Errors during the runs (non-2xx, GraphQL errors): {results['errors']}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--samples", type=int, default=30, help="sequential dashboard reads")
    parser.add_argument("--quick", action="store_true", help="a smoke run; BENCHMARKS.md stays")
    add_database_options(parser)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration, args.samples = 1, 2, 3
    with (
        bench_database(PRACTICE_DB, database_url=args.database_url, fresh=args.fresh) as db,
        serve(db.url) as service,
        serve_bare(db.conninfo) as bare,
    ):
        practice = asyncio.run(ensure_practice(db, service))
        run = Run(db, service, bare, practice.dashboard)
        results = asyncio.run(measure(run, args.rounds, args.duration, args.samples))
    text = body(results, args.rounds, args.duration, args.samples)
    if not args.quick:
        write_section("reads", text)
    print(text)


if __name__ == "__main__":
    main()
