"""Reports as a client sees them: generate, list, download (bearer token or signed link),
share by public link, revoke; ownership on every path and an audit row for each step."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pypdf

from domain.services.reports import expire_report_shares
from persistence.connections import Database
from persistence.unit_of_work import SqlUnitOfWork
from server.clock import SystemClock
from server.graphql.ids import expect_id
from server.rate_limits import RULES
from tests.api.conftest import Account, Api, strict_api
from tests.api.flows import completed_assessment
from tests.api.test_assessments_api import CREATE, _input
from tests.database import execute, query
from tests.keys import suite_keyring

GENERATE = """
mutation($id: ID!, $types: [ReportType!]) {
  generateReports(input: {assessmentId: $id, types: $types}) {
    reports { id reportType downloadUrl fileSizeBytes pageCount isShared shareUrl viewCount
              createdAt generatedBy { email } }
    userErrors { field code message }
  }
}"""
GENERATE_DEFAULT = """
mutation($id: ID!) {
  generateReports(input: {assessmentId: $id}) { reports { id reportType } userErrors { code } }
}"""
SHARE = """
mutation($id: ID!, $days: Int) {
  shareReport(input: {reportId: $id, expiresInDays: $days}) {
    report { id isShared shareUrl shareExpiresAt viewCount }
    userErrors { field code message }
  }
}"""
REVOKE = """
mutation($id: ID!) {
  revokeReportShare(reportId: $id) {
    report { isShared shareUrl shareExpiresAt }
    userErrors { code }
  }
}"""
LISTED = "query($id: ID!) { assessment(id: $id) { reports { id reportType isShared viewCount } } }"


async def _assessment(api: Api, owner: Account, *, complete: bool = True) -> str:
    if complete:
        return await completed_assessment(api, owner, clientBusinessName="Hopper & Sons")
    created = await api(CREATE, {"input": _input(clientBusinessName="Hopper & Sons")}, as_=owner)
    assessment_id: str = created["data"]["createAssessment"]["assessment"]["id"]
    return assessment_id


async def _generate(api: Api, owner: Account, assessment_id: str, **variables: Any) -> Any:
    result = await api(GENERATE, {"id": assessment_id, **variables}, as_=owner)
    payload = result["data"]["generateReports"]
    assert payload["userErrors"] == []
    return payload["reports"]


def _bearer(account: Account) -> dict[str, str]:
    return {"authorization": f"Bearer {account.token}"}


def _path(url: str) -> str:
    return urlsplit(url).path


def _events(api: Api, owner: Account) -> list[str]:
    rows = query(
        api.url,
        "SELECT event_type FROM activity_logs WHERE user_id = :u AND event_category = 'report' "
        "ORDER BY created_at, event_type",
        u=owner.id,
    )
    return [row[0] for row in rows]


async def test_generating_needs_a_completed_assessment(api: Api) -> None:
    ann = api.account()
    draft = await _assessment(api, ann, complete=False)
    result = await api(GENERATE, {"id": draft}, as_=ann)
    payload = result["data"]["generateReports"]
    assert payload["reports"] == []
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_COMPLETED", None)]
    assert (await api(LISTED, {"id": draft}, as_=ann))["data"]["assessment"]["reports"] == []


async def test_generate_download_and_keep_the_history(api: Api) -> None:
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    first = await _generate(api, ann, assessment_id)
    assert [r["reportType"] for r in first] == ["CONSULTANT", "CLIENT"]
    for report in first:
        assert report["pageCount"] >= 2
        assert report["fileSizeBytes"] > 5_000
        assert report["generatedBy"] == {"email": ann.email}
        assert (report["isShared"], report["shareUrl"], report["viewCount"]) == (False, None, 0)

        response = await api.client.get(_path(report["downloadUrl"]), headers=_bearer(ann))
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        kind = report["reportType"].lower()
        assert response.headers["content-disposition"].startswith(
            f'attachment; filename="Financial-RISE-Hopper-Sons-{kind}-'
        )
        pdf = pypdf.PdfReader(io.BytesIO(response.content))
        assert len(pdf.pages) == report["pageCount"]
        assert len(response.content) == report["fileSizeBytes"]
        assert "Hopper & Sons" in "".join(page.extract_text() for page in pdf.pages)

    again = await _generate(api, ann, assessment_id, types=["CLIENT", "CLIENT"])
    assert [r["reportType"] for r in again] == ["CLIENT"]
    listed = (await api(LISTED, {"id": assessment_id}, as_=ann))["data"]["assessment"]["reports"]
    # newest first; the two of the first call were made in one transaction, at one time
    assert listed[0]["id"] == again[0]["id"]
    assert {r["id"] for r in listed[1:]} == {r["id"] for r in first}
    assert _events(api, ann).count("report.generated") == 3
    assert _events(api, ann).count("report.downloaded") == 2


async def test_the_default_is_both_reports(api: Api) -> None:
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    result = await api(GENERATE_DEFAULT, {"id": assessment_id}, as_=ann)
    assert [r["reportType"] for r in result["data"]["generateReports"]["reports"]] == [
        "CONSULTANT",
        "CLIENT",
    ]


async def test_downloads_are_for_the_owner_and_admins(api: Api) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    assessment_id = await _assessment(api, ann)
    [report] = await _generate(api, ann, assessment_id, types=["CONSULTANT"])
    path = _path(report["downloadUrl"])

    assert (await api.client.get(path, headers=_bearer(bob))).status_code == 404
    assert (await api.client.get(path)).status_code == 401
    assert (await api.client.get(path, headers={"authorization": "Bearer nope"})).status_code == 401
    assert (await api.client.get(path, headers=_bearer(admin))).status_code == 200
    missing = path.replace(
        path.split("/")[2], "UmVwb3J0OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"
    )
    assert (await api.client.get(missing, headers=_bearer(ann))).status_code == 404
    assert (
        await api.client.get("/reports/garbage/download", headers=_bearer(ann))
    ).status_code == 404


async def test_a_signed_link_works_without_a_token_and_only_as_signed(api: Api) -> None:
    ann, bob = api.account(), api.account()
    assessment_id = await _assessment(api, ann)
    [report] = await _generate(api, ann, assessment_id, types=["CLIENT"])
    url = report["downloadUrl"]
    assert url.startswith(f"/reports/{report['id']}/download?")

    signed = await api.client.get(url)
    assert signed.status_code == 200
    assert signed.content.startswith(b"%PDF")

    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    tampered = [
        params | {"signature": "0" * 64},
        params | {"expires": str(int(params["expires"]) + 3600)},
        params | {"user": str(bob.id)},
        {k: v for k, v in params.items() if k != "expires"},
    ]
    for bad in tampered:
        response = await api.client.get(_path(url), params=bad)
        assert response.status_code == 401, bad

    # a link that someone else could see signed for themselves does not open ann's report
    bobs_view = await api(
        "query($id: ID!) { node(id: $id) { ... on Report { downloadUrl } } }",
        {"id": report["id"]},
        as_=bob,
    )
    assert bobs_view["data"]["node"] is None


async def test_share_open_count_and_revoke(api: Api) -> None:
    ann, bob = api.account(), api.account()
    assessment_id = await _assessment(api, ann)
    consultant, client = await _generate(api, ann, assessment_id)

    refused = (await api(SHARE, {"id": consultant["id"]}, as_=ann))["data"]["shareReport"]
    assert refused["report"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_SHAREABLE"]
    for days in (0, 91, -3):
        bad = (await api(SHARE, {"id": client["id"], "days": days}, as_=ann))["data"]["shareReport"]
        assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [
            ("VALIDATION", ["expiresInDays"])
        ]
    stranger = (await api(SHARE, {"id": client["id"]}, as_=bob))["data"]["shareReport"]
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]

    shared = (await api(SHARE, {"id": client["id"]}, as_=ann))["data"]["shareReport"]
    assert shared["userErrors"] == []
    link = shared["report"]["shareUrl"]
    assert link.startswith("/shared/")
    assert len(link.removeprefix("/shared/")) >= 43  # 32 bytes of HMAC, base64url
    assert shared["report"]["isShared"] is True

    for expected_views in (1, 2):
        opened = await api.client.get(link)  # no sign-in
        assert opened.status_code == 200
        assert opened.headers["content-type"] == "application/pdf"
        assert opened.headers["content-disposition"].startswith("inline;")
        views = await api(LISTED, {"id": assessment_id}, as_=ann)
        [row] = [r for r in views["data"]["assessment"]["reports"] if r["id"] == client["id"]]
        assert row["viewCount"] == expected_views

    # only the hash is kept: the token is nowhere in the database
    token = link.removeprefix("/shared/")
    assert query(api.url, "SELECT count(*) FROM reports WHERE share_token = :t", t=token) == [(0,)]

    revoked = (await api(REVOKE, {"id": client["id"]}, as_=ann))["data"]["revokeReportShare"]
    assert revoked["report"] == {"isShared": False, "shareUrl": None, "shareExpiresAt": None}
    assert (await api.client.get(link)).status_code == 404
    assert _events(api, ann).count("report.shared") == 1
    assert _events(api, ann).count("report.share_revoked") == 1


async def test_sharing_again_replaces_the_link_and_links_expire(api: Api) -> None:
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    [client] = await _generate(api, ann, assessment_id, types=["CLIENT"])
    first = (await api(SHARE, {"id": client["id"], "days": 1}, as_=ann))["data"]["shareReport"]
    second = (await api(SHARE, {"id": client["id"], "days": 90}, as_=ann))["data"]["shareReport"]
    assert (await api.client.get(first["report"]["shareUrl"])).status_code == 404
    assert (await api.client.get(second["report"]["shareUrl"])).status_code == 200

    execute(
        api.url,
        "UPDATE reports SET share_expires_at = now() - interval '1 second' WHERE id IN "
        "(SELECT id FROM reports WHERE assessment_id IN "
        "(SELECT id FROM assessments WHERE consultant_id = :u))",
        u=ann.id,
    )
    assert (await api.client.get(second["report"]["shareUrl"])).status_code == 404
    listed = (await api(LISTED, {"id": assessment_id}, as_=ann))["data"]["assessment"]["reports"]
    assert [r["isShared"] for r in listed] == [False]  # an expired link is no longer shared
    for unknown in ("/shared/" + "x" * 43, "/shared/short"):
        assert (await api.client.get(unknown)).status_code == 404

    # The hourly job then ends the expired link, so that not even its hash stays.
    async with Database(api.url, statement_timeout_ms=10_000) as database:
        ended = await expire_report_shares(
            uow=SqlUnitOfWork(database.scope(), suite_keyring()), clock=SystemClock()
        )
    assert ended >= 1
    [row] = query(
        api.url,
        "SELECT is_shared, share_token, share_expires_at FROM reports WHERE id = :r",
        r=expect_id(client["id"], "Report"),
    )
    assert tuple(row) == (False, None, None)


async def test_a_deleted_assessments_reports_are_gone(api: Api) -> None:
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    consultant, client = await _generate(api, ann, assessment_id)
    link = (await api(SHARE, {"id": client["id"]}, as_=ann))["data"]["shareReport"]["report"]
    deleted = await api(
        "mutation($id: ID!) { deleteAssessment(id: $id) { ok } }", {"id": assessment_id}, as_=ann
    )
    assert deleted["data"]["deleteAssessment"]["ok"] is True
    assert (await api.client.get(link["shareUrl"])).status_code == 404
    path = _path(consultant["downloadUrl"])
    assert (await api.client.get(path, headers=_bearer(ann))).status_code == 404


async def test_downloads_are_pdf_bytes_not_html(api: Api) -> None:
    """Headers that keep a browser from guessing another type or leaking the link."""
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    [report] = await _generate(api, ann, assessment_id, types=["CLIENT"])
    response: httpx.Response = await api.client.get(report["downloadUrl"])
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_the_consultants_branding_and_booking_links_reach_the_client_report(
    api: Api,
) -> None:
    ann = api.account()
    execute(
        api.url,
        "INSERT INTO consultant_settings (consultant_id, company_name, brand_color) "
        "VALUES (:c, 'Northwind Advisory', '#4B006E')",
        c=ann.id,
    )
    execute(
        api.url,
        "INSERT INTO scheduler_links (consultant_id, meeting_type_label, scheduler_url,"
        " duration_minutes, recommended_for_phases, is_active, display_order) VALUES"
        " (:c, 'Quarterly review', 'https://cal.example.com/q', 60, '{grow}', true, 2),"
        " (:c, 'Kick-off call', 'https://cal.example.com/k', 30, '{build,unknown}', true, 1),"
        " (:c, 'Old link', 'https://cal.example.com/old', 30, NULL, false, 0)",
        c=ann.id,
    )
    assessment_id = await _assessment(api, ann)
    [report] = await _generate(api, ann, assessment_id, types=["CLIENT"])
    response = await api.client.get(report["downloadUrl"])
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Northwind Advisory" in text
    assert "Kick-off call" in text  # recommended for the client's phase, Build
    assert "Quarterly review" not in text  # for another phase: only shown when none is for Build
    assert "Old link" not in text


async def test_a_signed_link_ends_with_the_login_it_was_made_in(api: Api) -> None:
    email = f"links-{uuid.uuid4().hex[:8]}@example.com"
    registered = await api(
        "mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }",
        {
            "input": {
                "email": email,
                "password": "Correct-Horse-9-Battery",
                "firstName": "Lin",
                "lastName": "Kerr",
            }
        },
    )
    payload = registered["data"]["register"]
    ann = Account(expect_id(payload["user"]["id"], "User"), email, payload["accessToken"])
    assessment_id = await _assessment(api, ann)
    [report] = await _generate(api, ann, assessment_id, types=["CLIENT"])
    assert "session=" in report["downloadUrl"]
    assert (await api.client.get(report["downloadUrl"])).status_code == 200
    await api("mutation { logout { ok } }", as_=ann)
    assert (await api.client.get(report["downloadUrl"])).status_code == 401


async def test_generating_is_rate_limited_per_account(api: Api, tmp_path: Path) -> None:
    rules = RULES | {"generate_reports": ("100/minute", "2/minute")}
    async with strict_api(api.url, tmp_path, rules) as strict:
        ann, bob = strict.account(), strict.account()
        assessment_id = await _assessment(strict, ann)
        codes = []
        for _ in range(3):
            result = await strict(GENERATE, {"id": assessment_id, "types": ["CLIENT"]}, as_=ann)
            codes.append(result["errors"][0]["extensions"]["code"] if "errors" in result else "ok")
        assert codes == ["ok", "ok", "RATE_LIMITED"]
        other = await strict(GENERATE, {"id": assessment_id}, as_=bob)  # another account
        assert [e["code"] for e in other["data"]["generateReports"]["userErrors"]] == ["NOT_FOUND"]


async def test_a_missing_file_is_not_found_and_counts_nothing(api: Api) -> None:
    ann = api.account()
    assessment_id = await _assessment(api, ann)
    [client] = await _generate(api, ann, assessment_id, types=["CLIENT"])
    link = (await api(SHARE, {"id": client["id"]}, as_=ann))["data"]["shareReport"]["report"]
    for file_url in (f"reports/{uuid.uuid4()}/{uuid.uuid4()}.pdf", "../../etc/passwd"):
        execute(
            api.url,
            "UPDATE reports SET file_url = :f WHERE id IN (SELECT r.id FROM reports r"
            " JOIN assessments a ON a.id = r.assessment_id WHERE a.consultant_id = :u)",
            f=file_url,
            u=ann.id,
        )
        download = await api.client.get(_path(client["downloadUrl"]), headers=_bearer(ann))
        assert download.status_code == 404
        assert (await api.client.get(link["shareUrl"])).status_code == 404
    listed = (await api(LISTED, {"id": assessment_id}, as_=ann))["data"]["assessment"]["reports"]
    assert listed[0]["viewCount"] == 0
    assert "report.downloaded" not in _events(api, ann)
    assert "report.viewed" not in _events(api, ann)
