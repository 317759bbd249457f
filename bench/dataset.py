"""The bench's datasets, built once and reused between runs (`--fresh` rebuilds them).

*Practice* (database `bench_practice`), made through the API on a running `rise serve`:

- the dashboard consultant, with 100 completed assessments, each with every visible
  question answered (random sheets, so results differ) and a consultant note on each
  answer; then by SQL exactly 20 live checklist items each (the completion's own, trimmed
  or topped up; some done, all with due dates; up to 2 more soft-deleted) and 2 report rows
  each (consultant and client, fake file keys; some client reports shared);
- the workbench consultant, with 50 assessments in progress ("Autosave Client NN", a few
  answers each) for the autosave bench, and a pool of fully answered, not completed ones
  ("Pool Client NNNN") that the completeAssessment bench consumes and tops up.

The two consultants are kept apart so that the dashboard's first page stays the same 50
completed assessments whatever the other benches do.

*Scale* (database `bench_scale_<N>`): see bench/scale_dataset.py.

A row in `bench_datasets` marks a finished dataset; without it, whatever a broken earlier
build left is truncated and the dataset built again.

    uv run python -m bench.dataset practice|scale [--scale 100000] [--fresh] [--database-url U]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from dataclasses import dataclass
from typing import Any

from bench import scale_dataset
from bench.database import Database, add_database_options, bench_database, mark, marker
from bench.names import client
from bench.service import PASSWORD, Client, serve
from bench.sheets import noted_sheet, response_input
from domain.bank import load_bank

PRACTICE_DB = "bench_practice"
DASHBOARD = "dashboard@practice.bench.example"
WORKBENCH = "workbench@practice.bench.example"
COMPLETED, IN_PROGRESS, CHECKLIST_ITEMS = 100, 50, 20
AUTOSAVE_PREFIX, POOL_PREFIX = "Autosave Client", "Pool Client"
SEEDING_CLIENTS = 4  # concurrent API clients while seeding
POOL_SIZE = 62  # a first stock for bench/complete.py, which tops it up to what a run takes


@dataclass(frozen=True)
class Practice:
    dashboard: str = DASHBOARD  # emails; the password is bench.service.PASSWORD
    workbench: str = WORKBENCH
    password: str = PASSWORD


def clear(db: Database) -> None:
    """Removes what an unfinished build left: every account and all that hangs off it."""
    with db.connect() as conn:
        conn.execute("TRUNCATE users CASCADE")


CREATE = """mutation($input: CreateAssessmentInput!) { createAssessment(input: $input) {
  assessment { id } userErrors { field code message } } }"""
SAVE = """mutation($input: SaveResponsesInput!) { saveResponses(input: $input) {
  assessment { progressPercentage } userErrors { field code message } } }"""
COMPLETE = """mutation($id: ID!) { completeAssessment(id: $id) {
  assessment { status } userErrors { code message } } }"""


async def new_assessment(api: Client, rng: random.Random, number: int, prefix: str = "") -> str:
    name, business, email = client(rng, number)
    details: dict[str, Any] = {
        "clientName": f"{prefix} {number:04d}" if prefix else name,
        "clientBusinessName": business,
        "clientEmail": email,
        "confidenceBefore": rng.randint(1, 10),
    }
    payload = await api.mutate(CREATE, "createAssessment", input=details)
    assessment_id: str = payload["assessment"]["id"]
    return assessment_id


async def answer(api: Client, assessment_id: str, rng: random.Random, count: int = 0) -> None:
    """Saves a random noted sheet, or its first `count` answers, in one call."""
    answers = list(noted_sheet(rng).values())
    items = [response_input(a) for a in (answers[:count] if count else answers)]
    await api.mutate(
        SAVE, "saveResponses", input={"assessmentId": assessment_id, "responses": items}
    )


async def _in_turns(count: int, job: Any) -> None:
    """Runs `job(i)` for every i below `count`, SEEDING_CLIENTS at a time, with progress."""
    numbers = iter(range(count))
    started = time.monotonic()
    done = 0

    async def worker() -> None:
        nonlocal done
        for number in numbers:
            await job(number)
            done += 1
            if done % 25 == 0 or done == count:
                print(f"  {done}/{count} ({time.monotonic() - started:.0f} s)", flush=True)

    await asyncio.gather(*(worker() for _ in range(SEEDING_CLIENTS)))


async def _seed_practice(db: Database, base: str) -> None:
    api = Client(base)
    try:
        await api.register(DASHBOARD, "Dana", "Dashboard")

        async def completed(number: int) -> None:
            rng = random.Random(f"practice-{number}")
            assessment_id = await new_assessment(api, rng, number)
            await answer(api, assessment_id, rng)
            await api.mutate(COMPLETE, "completeAssessment", id=assessment_id)

        print(f"practice: {COMPLETED} completed assessments through the API", flush=True)
        await _in_turns(COMPLETED, completed)
        _checklists_and_reports(db)
        await api.register(WORKBENCH, "Wes", "Workbench")

        async def in_progress(number: int) -> None:
            rng = random.Random(f"autosave-{number}")
            assessment_id = await new_assessment(api, rng, number, AUTOSAVE_PREFIX)
            await answer(api, assessment_id, rng, count=rng.randint(3, 6))

        print(f"practice: {IN_PROGRESS} assessments in progress", flush=True)
        await _in_turns(IN_PROGRESS, in_progress)
        await completion_pool(api, POOL_SIZE)
    finally:
        await api.aclose()


def _checklists_and_reports(db: Database) -> None:
    """Exactly 20 live checklist items and 2 report rows on each completed assessment."""
    with db.connect() as conn, conn.transaction():
        consultant = {"c": DASHBOARD, "n": CHECKLIST_ITEMS}
        scope = "a.consultant_id = (SELECT id FROM users WHERE email = %(c)s)"
        conn.execute(
            "DELETE FROM checklist_items i USING assessments a"
            f" WHERE i.assessment_id = a.id AND {scope} AND i.item_order > %(n)s + 2",
            consultant,
        )
        conn.execute(  # two left behind, deleted, so that reads must leave them out
            "UPDATE checklist_items i SET deleted_at = a.completed_at FROM assessments a"
            f" WHERE i.assessment_id = a.id AND {scope} AND i.item_order > %(n)s",
            consultant,
        )
        conn.execute(
            "INSERT INTO checklist_items (assessment_id, item_text, item_order, phase_category,"
            " priority, created_by)"
            " SELECT a.id, 'Review the month''s figures with the owner (step ' || n || ')', n,"
            " 'organize', 'medium', a.consultant_id"
            " FROM assessments a CROSS JOIN generate_series(1, %(n)s) AS n"
            f" WHERE {scope} AND a.status = 'completed' AND NOT EXISTS (SELECT 1"
            "  FROM checklist_items i WHERE i.assessment_id = a.id AND i.item_order = n)",
            consultant,
        )
        conn.execute(
            "UPDATE checklist_items i SET due_date = (a.completed_at + i.item_order * interval"
            " '7 days')::date, is_completed = i.item_order %% 4 = 0,"
            " completed_at = CASE WHEN i.item_order %% 4 = 0"
            "  THEN a.completed_at + i.item_order * interval '1 day 37 minutes' END,"
            " completed_by = CASE WHEN i.item_order %% 4 = 0 THEN 'consultant' END"
            f" FROM assessments a WHERE i.assessment_id = a.id AND {scope}"
            " AND i.deleted_at IS NULL",
            consultant,
        )
        conn.execute(
            "INSERT INTO reports (assessment_id, report_type, file_url, file_size_bytes,"
            " page_count, generated_by, is_shared, share_token, share_expires_at, view_count,"
            " created_at, updated_at)"
            " SELECT a.id, k.kind, 'reports/' || a.id || '/' || k.kind || '.pdf',"
            " k.size + (random() * 4096)::int, k.pages, a.consultant_id, s.shared,"
            " CASE WHEN s.shared THEN md5(a.id::text || k.kind) END,"
            " CASE WHEN s.shared THEN now() + interval '90 days' END,"
            " CASE WHEN s.shared THEN (random() * 9)::int ELSE 0 END,"
            " a.completed_at + k.after, a.completed_at + k.after"
            " FROM assessments a"
            " CROSS JOIN (VALUES ('consultant', 66560, 22, interval '1 minute'),"
            "  ('client', 13312, 4, interval '2 minutes')) AS k(kind, size, pages, after)"
            " CROSS JOIN LATERAL (SELECT k.kind = 'client' AND random() < 0.5 AS shared) s"
            f" WHERE {scope} AND a.status = 'completed'",
            consultant,
        )


async def ensure_practice(db: Database, base: str) -> Practice:
    """The practice dataset in `db`, seeded through the service at `base` unless present."""
    if marker(db, "practice") is None:
        clear(db)
        started = time.monotonic()
        await _seed_practice(db, base)
        mark(db, "practice", {"completed": COMPLETED, "in_progress": IN_PROGRESS})
        print(f"practice dataset ready in {time.monotonic() - started:.0f} s", flush=True)
    return Practice()


LIST = """query($search: String!, $after: String) {
  assessments(first: 100, search: $search, status: IN_PROGRESS, after: $after) {
    edges { node { id clientName progressPercentage } } pageInfo { hasNextPage endCursor } } }"""


async def listed(api: Client, prefix: str) -> list[dict[str, Any]]:
    """The viewer's assessments in progress whose client name starts with `prefix`."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api(LIST, search=prefix, after=after))["assessments"]
        found += [e["node"] for e in page["edges"] if e["node"]["clientName"].startswith(prefix)]
        if not page["pageInfo"]["hasNextPage"]:
            return sorted(found, key=lambda node: node["clientName"])
        after = page["pageInfo"]["endCursor"]


async def autosave_assessments(api: Client) -> list[str]:
    """The 50 assessments in progress of the autosave bench (signed in as the workbench)."""
    return [node["id"] for node in await listed(api, AUTOSAVE_PREFIX)]


async def completion_pool(api: Client, need: int) -> list[str]:
    """`need` fully answered assessments not yet completed, creating more when fewer remain
    (signed in as the workbench)."""
    ready = [n for n in await listed(api, POOL_PREFIX) if n["progressPercentage"] == 100]
    missing = need - len(ready)
    if missing > 0:
        print(f"completion pool: {len(ready)} ready, creating {missing}", flush=True)
        seed = random.randrange(1 << 30)
        numbers = itertools.count(random.randrange(10_000, 99_999_999))

        async def create(index: int) -> None:
            rng = random.Random(f"pool-{seed}-{index}")
            assessment_id = await new_assessment(api, rng, next(numbers), POOL_PREFIX)
            await answer(api, assessment_id, rng)

        await _in_turns(missing, create)
        ready = [n for n in await listed(api, POOL_PREFIX) if n["progressPercentage"] == 100]
    return [node["id"] for node in ready[:need]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=["practice", "scale"])
    parser.add_argument("--scale", type=int, default=scale_dataset.DEFAULT_SCALE)
    add_database_options(parser)
    args = parser.parse_args()
    load_bank()
    if args.dataset == "scale":
        name = scale_dataset.database_name(args.scale)
        with bench_database(name, database_url=args.database_url, fresh=args.fresh) as db:
            print(scale_dataset.ensure_scale(db, args.scale))
        return
    with (
        bench_database(PRACTICE_DB, database_url=args.database_url, fresh=args.fresh) as db,
        serve(db.url) as base,
    ):
        print(asyncio.run(ensure_practice(db, base)))


if __name__ == "__main__":
    main()
