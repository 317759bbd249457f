"""assessmentStats as a dashboard reads it: a consultant's own figures, an administrator's
view of one consultant or of everyone, and who may ask for whose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from server.graphql.ids import to_global_id
from tests.api.conftest import Account, Api
from tests.database import execute, query

STATS = """
query($id: ID) { assessmentStats(consultantId: $id) {
  total byStatus { status count } byPrimaryPhase { phase count } byDiscType { type count }
  completedLast30Days averageCompletionMinutes } }"""


def _assessment(
    api: Api,
    owner: Account,
    *,
    status: str,
    started: datetime | None = None,
    completed: datetime | None = None,
    phase: str | None = None,
    style: str | None = None,
    archived: bool = False,
    deleted: bool = False,
) -> UUID:
    [(row_id,)] = execute(
        api.url,
        "INSERT INTO assessments (consultant_id, client_name, client_business_name,"
        " client_email, status, started_at, completed_at, archived_at, deleted_at)"
        " VALUES (:c, 'Client', 'Business', 'c@example.com', :s, :started, :completed,"
        " CASE WHEN :archived THEN now() END, CASE WHEN :deleted THEN now() END) RETURNING id",
        c=owner.id,
        s=status,
        started=started,
        completed=completed,
        archived=archived,
        deleted=deleted,
    )
    if phase is not None:
        execute(
            api.url,
            "INSERT INTO phase_results (assessment_id, stabilize_score, organize_score,"
            " build_score, grow_score, systemic_score, primary_phase)"
            " VALUES (:a, 50, 50, 50, 50, 50, :p)",
            a=row_id,
            p=phase,
        )
    if style is not None:
        execute(
            api.url,
            "INSERT INTO disc_profiles (assessment_id, dominance_score, influence_score,"
            " steadiness_score, compliance_score, primary_type) VALUES (:a, 40, 30, 20, 10, :t)",
            a=row_id,
            t=style,
        )
    return UUID(str(row_id))


def _practice(api: Api, owner: Account) -> None:
    """Two drafts, one in progress, four completed (one archived, one long ago), and a
    deleted completed one that never counts."""
    now = datetime.now(UTC)
    _assessment(api, owner, status="draft")
    _assessment(api, owner, status="draft")
    _assessment(api, owner, status="in_progress", started=now - timedelta(hours=1))

    def done(days_ago: float, minutes: float, phase: str, style: str, **flags: bool) -> None:
        completed = now - timedelta(days=days_ago)
        _assessment(
            api, owner, status="completed", started=completed - timedelta(minutes=minutes),
            completed=completed, phase=phase, style=style, **flags,
        )  # fmt: skip

    done(1, 30, "build", "D")
    done(29, 45, "build", "S", archived=True)  # archived ones count
    done(2, 40.5, "grow", "D")
    done(31, 60, "stabilize", "C")  # not in the last 30 days
    done(3, 600, "systemic", "I", deleted=True)  # deleted ones never count


def _figures(stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": stats["total"],
        "status": {s["status"]: s["count"] for s in stats["byStatus"]},
        "phase": {p["phase"]: p["count"] for p in stats["byPrimaryPhase"]},
        "style": {t["type"]: t["count"] for t in stats["byDiscType"]},
        "recent": stats["completedLast30Days"],
        "minutes": stats["averageCompletionMinutes"],
    }


PRACTICE = {
    "total": 7,
    "status": {"DRAFT": 2, "IN_PROGRESS": 1, "COMPLETED": 4},
    "phase": {"STABILIZE": 1, "ORGANIZE": 0, "BUILD": 2, "GROW": 1, "SYSTEMIC": 0},
    "style": {"D": 2, "I": 0, "S": 1, "C": 1},
    "recent": 3,
    "minutes": round((30 + 45 + 40.5 + 60) / 4, 2),
}


async def test_a_consultants_own_figures(api: Api) -> None:
    ann = api.account()
    _practice(api, ann)
    _practice(api, api.account())  # someone else's practice changes nothing of ann's
    result = await api(STATS, as_=ann)
    assert "errors" not in result, result
    stats = result["data"]["assessmentStats"]
    assert _figures(stats) == PRACTICE
    # every value, in the enums' order
    assert [s["status"] for s in stats["byStatus"]] == ["DRAFT", "IN_PROGRESS", "COMPLETED"]
    assert [p["phase"] for p in stats["byPrimaryPhase"]] == [
        "STABILIZE", "ORGANIZE", "BUILD", "GROW", "SYSTEMIC",
    ]  # fmt: skip
    assert [t["type"] for t in stats["byDiscType"]] == ["D", "I", "S", "C"]
    # their own id is fine too
    own = await api(STATS, {"id": str(to_global_id("User", ann.id))}, as_=ann)
    assert _figures(own["data"]["assessmentStats"]) == PRACTICE


async def test_no_assessments_no_average(api: Api) -> None:
    result = await api(STATS, as_=api.account())
    assert _figures(result["data"]["assessmentStats"]) == {
        "total": 0,
        "status": {"DRAFT": 0, "IN_PROGRESS": 0, "COMPLETED": 0},
        "phase": {"STABILIZE": 0, "ORGANIZE": 0, "BUILD": 0, "GROW": 0, "SYSTEMIC": 0},
        "style": {"D": 0, "I": 0, "S": 0, "C": 0},
        "recent": 0,
        "minutes": None,
    }


async def test_an_administrator_sees_one_consultant_or_everyone(api: Api) -> None:
    ann, admin = api.account(), api.account("admin")
    _practice(api, ann)
    one = await api(STATS, {"id": str(to_global_id("User", ann.id))}, as_=admin)
    assert _figures(one["data"]["assessmentStats"]) == PRACTICE
    everyone = _figures((await api(STATS, as_=admin))["data"]["assessmentStats"])
    # counted again here, from the rows, over every consultant's live assessments
    [(total, completed, recent, minutes)] = query(
        api.url,
        "SELECT count(*), count(*) FILTER (WHERE status = 'completed'),"
        " count(*) FILTER (WHERE status = 'completed'"
        " AND completed_at > now() - interval '30 days'),"
        " round(avg(extract(epoch FROM completed_at - started_at))"
        " FILTER (WHERE status = 'completed') / 60, 2)"
        " FROM assessments WHERE deleted_at IS NULL",
    )  # fmt: skip
    assert everyone["total"] == total >= PRACTICE["total"]
    assert everyone["status"]["COMPLETED"] == completed
    assert everyone["recent"] == recent
    assert everyone["minutes"] == (None if minutes is None else float(minutes))
    assert sum(everyone["status"].values()) == total


async def test_nobody_else_sees_a_consultants_figures(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    _practice(api, ann)
    for who, consultant_id in [
        (bob, str(to_global_id("User", ann.id))),  # another consultant's
        (bob, str(to_global_id("User", admin.id))),  # an administrator's
        (bob, "not-an-id"),
        (admin, str(to_global_id("User", uuid4()))),  # nobody's
        (admin, str(to_global_id("Assessment", ann.id))),  # an id of another kind
    ]:
        result = await api(STATS, {"id": consultant_id}, as_=who)
        assert result["data"] is None
        assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]
        assert "Client" not in str(result)


async def test_anonymous_callers_must_sign_in(api: Api) -> None:
    result = await api(STATS)
    assert result["data"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
