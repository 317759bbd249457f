"""Assessment lists over the scale dataset (bench/scale_dataset.py), with their SQL plans.

As the admin, who sees every assessment: `assessments(first: 20)` with totalCount, the
same with `search: "bakery"`, with `status: COMPLETED`, and the second page (after the
first page's endCursor); as the busiest consultant, their own first page. Each request is
sent one after another for `--duration` seconds (wrk -c1 -t1) in each of `--rounds` rounds,
in an order that alternates between rounds; the section gives medians of p50 and p95 and
each p50 against that of `{ me { id } }` measured alongside it (the cost of an
authenticated request that reads no list).

Then, in a service started afresh with auto_explain on (bench/plans.py), each request once
more: the EXPLAIN (ANALYZE, BUFFERS) plan of every statement it made goes into the
section, and any `Seq Scan` on assessments is flagged.

    uv run python -m bench.lists [--scale 100000] [--rounds 3] [--duration 10] [--quick]
        [--database-url URL] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from bench.database import Database, add_database_options, bench_database
from bench.measure import in_turn, median, ms, ratio, runs
from bench.plans import Plan, auto_explain
from bench.report import write_section
from bench.scale_dataset import DEFAULT_SCALE, database_name, ensure_scale
from bench.service import Client, serve, settle
from bench.wrk import run_wrk

LIST = """query($after: String, $search: String, $status: AssessmentStatus) {
  assessments(first: 20, after: $after, search: $search, status: $status) { totalCount
    edges { node { id clientName clientBusinessName status createdAt } }
    pageInfo { endCursor hasNextPage } } }"""
ME = "{ me { id } }"
BASELINE = "me (baseline)"


async def requests(base: str, who: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Each request's body and whose token it goes with, checked once: no errors."""
    admin = Client(base)
    await admin.login(who["admin"])
    first = await admin(LIST)
    bodies = {
        BASELINE: json.dumps({"query": ME}),
        "first page": json.dumps({"query": LIST}),
        'search "bakery"': json.dumps({"query": LIST, "variables": {"search": "bakery"}}),
        "status COMPLETED": json.dumps({"query": LIST, "variables": {"status": "COMPLETED"}}),
        "second page": json.dumps(
            {"query": LIST, "variables": {"after": first["assessments"]["pageInfo"]["endCursor"]}}
        ),
        "a consultant's own": json.dumps({"query": LIST}),
    }
    await admin.aclose()
    owners = dict.fromkeys(bodies, "admin") | {"a consultant's own": "consultant"}
    return bodies, owners


async def tokens(base: str, who: dict[str, Any]) -> dict[str, str]:
    signed_in = {}
    for role in ("admin", "consultant"):
        client = Client(base)
        signed_in[role] = await client.login(who[role])
        await client.aclose()
    return signed_in


def timings(base: str, who: dict[str, Any], rounds: int, duration: float) -> dict[str, list[Any]]:
    bodies, owners = asyncio.run(requests(base, who))
    results: dict[str, list[Any]] = {name: [] for name in bodies}
    for number in range(rounds):
        token = asyncio.run(tokens(base, who))
        print(f"round {number + 1}/{rounds}", flush=True)
        for name in in_turn(list(bodies), number):
            settle(base)
            result = run_wrk(
                f"{base}/graphql",
                [bodies[name]],
                token=token[owners[name]],
                duration=duration,
                check_bodies=True,
                timeout=max(10.0, duration),
            )
            results[name].append(result)
            print(f"  {name}: p50 {ms(result.p50)}, p95 {ms(result.p95)},"
                  f" {result.requests} requests, {result.errors} errors", flush=True)  # fmt: skip
    return results


def plans(db: Database, who: dict[str, Any]) -> dict[str, list[Plan]]:
    """Each request once, in a service whose connections all run auto_explain."""
    found: dict[str, list[Plan]] = {}
    with auto_explain(db) as log, serve(db.url) as base:
        bodies, owners = asyncio.run(requests(base, who))
        token = asyncio.run(tokens(base, who))

        async def send(name: str) -> None:
            client = Client(base)
            client.token = token[owners[name]]
            body = json.loads(bodies[name])
            await client(body["query"], **body.get("variables", {}))
            await client.aclose()

        for name in bodies:
            if name == BASELINE:
                continue
            offset = log.mark()
            asyncio.run(send(name))
            time.sleep(0.3)  # the server writes its log as it goes; let it catch up
            found[name] = log.since(offset)
    return found


def _of_the_request(plan: Plan) -> bool:
    """False for a pool's ping and for the in-process job worker polling its queue, which
    the log interleaves with the request's own statements."""
    query = plan.query.strip().rstrip(";")
    return query.upper() != "SELECT 1" and "procrastinate_" not in query


def _plans_text(found: dict[str, list[Plan]]) -> list[str]:
    lines = ["", "### Plans", ""]
    lines += [
        "Every statement each request made, as auto_explain logged it (EXPLAIN ANALYZE,"
        " BUFFERS), in a service started with it on; pool pings (`SELECT 1`) and the job"
        " worker's queue polls, which the log interleaves, left out.",
        "",
        "| request | statements | Seq Scan on assessments |",
        "|---|---|---|",
    ]
    found = {name: list(filter(_of_the_request, plans)) for name, plans in found.items()}
    for name, shown in found.items():
        seq = sum("assessments" in p.seq_scans for p in shown)
        flag = f"**yes, in {seq}**" if seq else "no"
        lines.append(f"| {name} | {len(shown)} | {flag} |")
    for name, plans in found.items():
        lines += ["", f"#### {name}", ""]
        for number, plan in enumerate(plans, 1):
            warning = " — **Seq Scan on assessments**" if "assessments" in plan.seq_scans else ""
            lines += [
                "<details>",
                f"<summary>statement {number}: {plan.duration_ms:.2f} ms{warning}</summary>",
                "",
                "```sql",
                plan.query,
                "```",
                "",
            ]
            if plan.parameters:
                lines += [f"Parameters: `{plan.parameters}`", ""]
            lines += ["```", plan.plan, "```", "", "</details>"]
    return lines


def body(results: dict[str, list[Any]], found: dict[str, list[Plan]], scale: int, rounds: int,
         duration: float) -> str:  # fmt: skip
    baseline = median([r.p50 for r in results[BASELINE]])
    lines = [
        f"## Assessment lists over {scale:,} assessments (`bench/lists.py`)",
        "",
        f"The scale dataset: {scale:,} assessments over 1,000 consultants. Pages of 20 with"
        " totalCount, as the admin unless said; requests one after another (wrk -c1 -t1) for"
        f" {duration:g} s each, medians over {rounds} rounds, the order alternating.",
        "",
        "| request | p50 | p95 | **p50 / me** | p50 per round | requests | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, found_runs in results.items():
        p50 = median([r.p50 for r in found_runs])
        p95 = median([r.p95 for r in found_runs])
        share = "1" if name == BASELINE else ratio(p50, baseline)
        lines.append(
            f"| {name} | {ms(p50)} | {ms(p95)} | **{share}** |"
            f" {runs([r.p50 for r in found_runs], 1000)} ms |"
            f" {sum(r.requests for r in found_runs)} | {sum(r.errors for r in found_runs)} |"
        )
    return "\n".join(lines + _plans_text(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10, help="seconds per request kind")
    parser.add_argument("--quick", action="store_true", help="a smoke run; BENCHMARKS.md stays")
    add_database_options(parser)
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 1
    name = database_name(args.scale)
    with bench_database(name, database_url=args.database_url, fresh=args.fresh) as db:
        who = ensure_scale(db, args.scale)
        with serve(db.url) as base:
            results = timings(base, who, args.rounds, args.duration)
        found = plans(db, who)
    text = body(results, found, args.scale, args.rounds, args.duration)
    if not args.quick:
        section = "lists" if args.scale == DEFAULT_SCALE else f"lists-{args.scale}"
        write_section(section, text)
    print(text)


if __name__ == "__main__":
    main()
