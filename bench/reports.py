"""How long generating a report takes, and what rendering does to other requests.

Starts `rise serve` on the embedded database in a temporary data directory, registers a
consultant and completes an assessment with every one of the bank's questions answered
(the S-Corporation path, so the payroll follow-up shows). Then, over HTTP:

1. `generateReports` for the client report alone and for the consultant report alone,
   `--runs` times each: render, store and record, as a consultant waits for it.
2. The p95 of a small query (`{ me { id } }`, one after another) with nothing else running,
   then while 4 consultant reports render at once; the ratio of the two is the figure.

Writes the figures to BENCHMARKS.md.

    uv run python -m bench.reports [--runs 10] [--samples 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.report import write_section
from bench.startup import REPO, TIMEOUT_SECONDS, _free_port
from domain.bank import load_bank
from domain.model import Answer, QuestionType
from domain.questionnaire import visible_questions
from server.graphql.ids import to_global_id

PASSWORD = "Bench-Password-2026!"


def full_sheet() -> dict[str, Answer]:
    """An answer to every question: the middle option or rating, S-Corporation as the entity,
    so that every conditional question is visible too."""
    bank = load_bank()
    sheet: dict[str, Answer] = {}
    while True:
        added = False
        for question in visible_questions(bank.questions, sheet):
            if question.key in sheet:
                continue
            options = [o.value for o in question.options]
            scorp = [v for v in options if "s_corp" in v or "s-corp" in v.lower()]
            if question.type is QuestionType.SINGLE_CHOICE:
                answer = Answer(
                    question.key, value=(scorp or options)[len(options) // 2 if not scorp else 0]
                )
            elif question.type is QuestionType.MULTIPLE_CHOICE:
                answer = Answer(question.key, values=tuple(options[:2]))
            elif question.type is QuestionType.RATING:
                answer = Answer(question.key, rating=3)
            else:
                answer = Answer(question.key, value="Steady growth and fewer surprises.")
            sheet[question.key] = answer
            added = True
        if not added:
            return sheet


def _item(answer: Answer) -> dict[str, Any]:
    bank = load_bank()
    item: dict[str, Any] = {
        "questionId": str(to_global_id("Question", bank.question(answer.question_key).id))
    }
    if answer.value is not None:
        item["value"] = answer.value
    if answer.values:
        item["values"] = list(answer.values)
    if answer.rating is not None:
        item["rating"] = answer.rating
    item["consultantNotes"] = "Owner keeps receipts in a shoebox; agreed to a monthly review."
    return item


class Client:
    def __init__(self, base: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=120)
        self.token = ""

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data


async def _prepare(client: Client) -> str:
    registered = await client(
        "mutation($input: RegisterInput!) { register(input: $input) {"
        " accessToken userErrors { message } } }",
        input={
            "email": "bench@example.com",
            "password": PASSWORD,
            "firstName": "Bea",
            "lastName": "Bench",
        },
    )
    client.token = registered["register"]["accessToken"]
    created = await client(
        "mutation($input: CreateAssessmentInput!) { createAssessment(input: $input) {"
        " assessment { id } } }",
        input={
            "clientName": "Grace Hopper",
            "clientBusinessName": "Hopper & Sons Bakery",
            "clientEmail": "grace@hopper.example",
            "confidenceBefore": 4,
        },
    )
    assessment_id: str = created["createAssessment"]["assessment"]["id"]
    items = [_item(a) for a in full_sheet().values()]
    saved = await client(
        "mutation($input: SaveResponsesInput!) { saveResponses(input: $input) {"
        " userErrors { field message } } }",
        input={"assessmentId": assessment_id, "responses": items},
    )
    if saved["saveResponses"]["userErrors"]:
        raise RuntimeError(saved["saveResponses"]["userErrors"])
    done = await client(
        "mutation($id: ID!) { completeAssessment(id: $id) { userErrors { message } } }",
        id=assessment_id,
    )
    if done["completeAssessment"]["userErrors"]:
        raise RuntimeError(done["completeAssessment"]["userErrors"])
    return assessment_id  # fmt: skip


GENERATE = """mutation($id: ID!, $types: [ReportType!]) {
  generateReports(input: {assessmentId: $id, types: $types}) {
    reports { pageCount fileSizeBytes } userErrors { message } } }"""


async def _generate(client: Client, assessment_id: str, kind: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    data = await client(GENERATE, id=assessment_id, types=[kind])
    elapsed = time.perf_counter() - started
    payload = data["generateReports"]
    if payload["userErrors"]:
        raise RuntimeError(payload["userErrors"])
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


async def measure(base: str, runs: int, samples: int) -> dict[str, Any]:
    client = Client(base)
    assessment_id = await _prepare(client)
    results: dict[str, Any] = {}
    for kind in ("CLIENT", "CONSULTANT"):
        await _generate(client, assessment_id, kind)  # warm-up: templates, fonts, imports
        times: list[float] = []
        report: dict[str, Any] = {}
        for index in range(runs):
            elapsed, report = await _generate(client, assessment_id, kind)
            times.append(elapsed)
            print(f"  {kind.lower()} report {index + 1}/{runs}: {elapsed:.2f} s", file=sys.stderr)
        results[kind] = (times, report)

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
    results["idle"], results["busy"], results["rendered"] = idle, busy, rendered
    await client.http.aclose()
    return results


def _serve(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("RISE_")}
    # The bench generates far more reports a minute than a consultant may.
    env |= {
        "RISE_DATA_DIR": str(data_dir),
        "RISE_LOG_LEVEL": "WARNING",
        "RISE_REPORTS_PER_MINUTE": "100000",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("rise serve did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rise-bench-") as tmp:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        process = _serve(Path(tmp), port)
        try:
            print("starting rise serve on an empty data directory", file=sys.stderr)
            _wait_ready(base)
            results = asyncio.run(measure(base, args.runs, args.samples))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    write_section("reports", _body(results, args.runs, args.samples))
    print((REPO / "BENCHMARKS.md").read_text())


def _body(results: dict[str, Any], runs: int, samples: int) -> str:
    lines = [
        "## Report generation (`bench/reports.py`)",
        "",
        "`generateReports` over HTTP against `rise serve` (embedded PostgreSQL) for an assessment"
        " with all 63 questions answered, each with a note: render, store and record, as the"
        f" consultant waits. {runs} runs of each after one warm-up.",
        "",
        "| report | median | pages | size | runs |",
        "|---|---|---|---|---|",
    ]
    for kind in ("CLIENT", "CONSULTANT"):
        times, report = results[kind]
        runs_text = ", ".join(f"{t:.2f}" for t in times)
        lines.append(
            f"| {kind.lower()} | {statistics.median(times):.2f} s | {report['pageCount']} |"
            f" {report['fileSizeBytes'] / 1024:.0f} KiB | {runs_text} |"
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
