"""What GraphQL execution alone costs for the dashboard read, with no database behind it.

The dashboard's `assessments(first: 50)` query completes about 51,000 fields. This runs that
shape over plain Python objects already in memory, in process, three ways:

(a) graphql-core alone: a schema built from the same SDL, default resolvers, dicts as sources,
    `graphql.execute` on a parsed document;
(b) a Strawberry schema of that shape with Strawberry's default executor;
(c) the same Strawberry schema with `FastPathExecutionContext`.

(b) and (c) go through `Schema.execute_sync` with the parser and validation caches on, so
what remains besides execution is Strawberry's per-request constant. Runs are interleaved;
the three results are checked to be identical first. Writes medians to BENCHMARKS.md.

    uv run python -m bench.graphql_floor [--runs 11] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import graphql
import strawberry
from strawberry import ID
from strawberry.extensions import ParserCache, ValidationCache

from bench.report import write_section
from domain.model import AssessmentStatus, DiscType, Phase, Priority, QuestionType, ReportType
from server.graphql.execution import FastPathExecutionContext
from server.graphql.types import common  # noqa: F401 - registers the domain enums

ASSESSMENTS, RESPONSES, CHECKLIST_ITEMS, REPORTS = 50, 63, 20, 2
T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@strawberry.type
class Question:
    id: strawberry.ID
    key: str
    text: str
    type: QuestionType
    order_index: int


@strawberry.type
class Response:
    id: strawberry.ID
    value: str | None
    values: list[str] | None
    rating: int | None
    not_applicable: bool
    consultant_notes: str | None
    updated_at: datetime
    question: Question


@strawberry.type
class PhaseResult:
    stabilize: float
    organize: float
    build: float
    grow: float
    systemic: float
    primary_phase: Phase
    secondary_phases: list[Phase]
    flags: list[str]
    calculated_at: datetime


@strawberry.type
class DiscProfile:
    dominance: float
    influence: float
    steadiness: float
    compliance: float
    primary_type: DiscType
    secondary_type: DiscType | None
    calculated_at: datetime


@strawberry.type
class ChecklistItem:
    id: strawberry.ID
    item_text: str
    item_order: int
    phase_category: Phase | None
    priority: Priority | None
    is_completed: bool
    completed_at: datetime | None
    due_date: date | None


@strawberry.type
class Report:
    id: strawberry.ID
    report_type: ReportType
    file_size_bytes: int | None
    page_count: int | None
    share_url: str | None
    view_count: int
    created_at: datetime


@strawberry.type
class Assessment:
    id: strawberry.ID
    client_name: str
    client_business_name: str
    client_email: str
    status: AssessmentStatus
    entity_type: str | None
    confidence_before: int | None
    progress_percentage: float
    created_at: datetime
    responses: list[Response]
    phase_result: PhaseResult | None
    disc_profile: DiscProfile | None
    checklist_items: list[ChecklistItem]
    reports: list[Report]


@strawberry.type
class AssessmentEdge:
    node: Assessment


@strawberry.type
class AssessmentConnection:
    edges: list[AssessmentEdge]


def _assessment(n: int) -> Assessment:
    when = T0 + timedelta(days=n)
    questions = [
        Question(id=ID(f"q{i}"), key=f"key_{i}", text=f"Question {i}?", type=QuestionType.RATING,
                 order_index=i)
        for i in range(RESPONSES)
    ]  # fmt: skip
    return Assessment(
        id=ID(f"a{n}"), client_name=f"Client {n}", client_business_name=f"Business {n} LLC",
        client_email=f"client{n}@example.com", status=AssessmentStatus.COMPLETED,
        entity_type="llc" if n % 2 else None, confidence_before=n % 10,
        progress_percentage=100.0, created_at=when,
        responses=[
            Response(id=ID(f"r{n}-{i}"), value=f"answer {i}" if i % 3 else None,
                     values=["a", "b"] if i % 5 == 0 else None, rating=i % 5 or None,
                     not_applicable=i % 7 == 0, consultant_notes=None, updated_at=when,
                     question=questions[i])
            for i in range(RESPONSES)
        ],
        phase_result=PhaseResult(
            stabilize=61.5, organize=48.0, build=72.25, grow=33.0, systemic=55.5,
            primary_phase=Phase.ORGANIZE, secondary_phases=[Phase.GROW], flags=["cash"],
            calculated_at=when,
        ),
        disc_profile=DiscProfile(
            dominance=40.0, influence=25.0, steadiness=20.0, compliance=15.0,
            primary_type=DiscType.D, secondary_type=None, calculated_at=when,
        ),
        checklist_items=[
            ChecklistItem(id=ID(f"c{n}-{i}"), item_text=f"Do thing {i}", item_order=i,
                          phase_category=Phase.BUILD, priority=Priority.HIGH,
                          is_completed=i % 2 == 0, completed_at=when if i % 2 == 0 else None,
                          due_date=when.date())
            for i in range(CHECKLIST_ITEMS)
        ],
        reports=[
            Report(id=ID(f"p{n}-{i}"), report_type=ReportType.CLIENT, file_size_bytes=13_000,
                   page_count=4, share_url=None, view_count=i, created_at=when)
            for i in range(REPORTS)
        ],
    )  # fmt: skip


PAGE = AssessmentConnection(edges=[AssessmentEdge(node=_assessment(n)) for n in range(ASSESSMENTS)])


@strawberry.type
class Query:
    @strawberry.field
    def assessments(self, first: int | None = 20) -> AssessmentConnection:
        return PAGE


QUERY = """
query Dashboard {
  assessments(first: 50) { edges { node {
    id clientName clientBusinessName clientEmail status entityType confidenceBefore
    progressPercentage createdAt
    responses { id value values rating notApplicable consultantNotes updatedAt
                question { id key text type orderIndex } }
    phaseResult { stabilize organize build grow systemic primaryPhase secondaryPhases flags
                  calculatedAt }
    discProfile { dominance influence steadiness compliance primaryType secondaryType
                  calculatedAt }
    checklistItems { id itemText itemOrder phaseCategory priority isCompleted completedAt
                     dueDate }
    reports { id reportType fileSizeBytes pageCount shareUrl viewCount createdAt }
  } } }
}
"""


def _strawberry_runner(executor: type | None) -> Callable[[], Any]:
    schema = strawberry.Schema(
        query=Query,
        extensions=[ParserCache, ValidationCache],
        execution_context_class=executor,
    )

    def run() -> Any:
        result = schema.execute_sync(QUERY)
        assert result.errors is None, result.errors
        return result.data

    return run


def _graphql_core_runner(sdl: str, data: dict[str, Any]) -> Callable[[], Any]:
    """The schema rebuilt from SDL has default resolvers and pass-through custom scalars, so
    the completed JSON itself serves as its source."""
    schema = graphql.build_schema(sdl)
    document = graphql.parse(QUERY)
    assert not graphql.validate(schema, document)

    def run() -> Any:
        result = graphql.execute(schema, document, root_value=data)
        assert not isinstance(result, graphql.ExperimentalIncrementalExecutionResults)
        assert result.errors is None, result.errors  # type: ignore[union-attr]
        return result.data  # type: ignore[union-attr]

    return run


def count_fields(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="a smoke run; BENCHMARKS.md stays")
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    fast = _strawberry_runner(FastPathExecutionContext)
    data = fast()
    sdl = str(strawberry.Schema(query=Query))
    runners = {
        "graphql-core alone": _graphql_core_runner(sdl, data),
        "Strawberry, default executor": _strawberry_runner(None),
        "Strawberry, fast path": fast,
    }
    expected = json.dumps(data)
    assert all(json.dumps(run()) == expected for run in runners.values())
    fields = count_fields(data)
    times: dict[str, list[float]] = {name: [] for name in runners}
    for run_number in range(1, args.runs + 1):
        for name, run in runners.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
        print(f"run {run_number}/{args.runs}", flush=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    core, default, ours = medians.values()
    rows = "".join(
        f"| {name} | {median * 1000:.1f} ms | {median / fields * 1e6:.2f} µs |\n"
        for name, median in medians.items()
    )
    body = (
        "## GraphQL execution floor (`bench/graphql_floor.py`)\n\n"
        f"The dashboard read's shape ({ASSESSMENTS} assessments, each with {RESPONSES} "
        f"responses and their questions, {CHECKLIST_ITEMS} checklist items, {REPORTS} reports, "
        f"phase and DISC results: {fields:,} fields) over plain objects in memory, no "
        "database: graphql-core alone (schema from SDL, default resolvers, dicts), then the "
        "same shape as a Strawberry schema with Strawberry's executor and with the fast path "
        f"(`server/graphql/execution.py`). Median of {args.runs} interleaved runs.\n\n"
        "| execution | median | per field |\n|---|---|---|\n"
        f"{rows}\n"
        f"Fast path / graphql-core alone: **{ours / core:.2f}**; "
        f"fast path / Strawberry's executor: **{ours / default:.2f}**."
    )
    for name, median in medians.items():
        print(f"{name}: {median * 1000:.1f} ms, {median / fields * 1e6:.2f} µs/field")
    if args.quick:
        print(f"{fields} fields (quick: BENCHMARKS.md stays)")
        return
    write_section("graphql-floor", body)
    print(f"{fields} fields; wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
