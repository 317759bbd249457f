"""Data exports through the API: an account's and a client's, built by the job, downloaded
by the requester alone through a signed link, recorded in the audit trail, and gone with
an erasure of what they hold."""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile
from typing import Any

from starlette.applications import Starlette

from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api
from tests.api.flows import STORY
from tests.api.test_assessments_api import QID, SAVE
from tests.api.test_client_mail_api import _reports
from tests.api.test_erasure_api import _client, _data_dir, _erase_client
from tests.database import execute, query

ACCOUNT = "mutation { requestAccountExport { export { id status subject } userErrors { code } } }"
CLIENT = """
mutation($input: RequestClientExportInput!) {
  requestClientExport(input: $input) {
    export { id status subject clientEmail } userErrors { field code message }
  }
}"""
EXPORTS = "{ dataExports { id status subject downloadUrl fileSizeBytes error } }"
LINK = (
    'mutation { createSchedulerLink(input: {meetingTypeLabel: "Export call", '
    'schedulerUrl: "https://cal.example.com/export"}) { link { id } } }'
)


async def _built(api: Api, who: Account, export_id: str) -> dict[str, Any]:
    """The export once the job has built it."""
    deadline = time.monotonic() + 60
    while True:
        found = (await api(EXPORTS, as_=who))["data"]["dataExports"]
        [export] = [e for e in found if e["id"] == export_id]
        if export["status"] != "PENDING":
            return export
        assert time.monotonic() < deadline, "the export was not built in time"
        await asyncio.sleep(0.2)


async def _download(api: Api, url: str) -> tuple[dict[str, Any], zipfile.ZipFile]:
    response = await api.client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    document: dict[str, Any] = json.loads(archive.read("export.json"))
    return document, archive


async def _noted(api: Api, owner: Account, assessment_id: str, note: str) -> None:
    item = {"questionId": QID["STAB-001"], "value": STORY.sheet()["STAB-001"].value}
    item["consultantNotes"] = note
    saved = await api(
        SAVE, {"input": {"assessmentId": assessment_id, "responses": [item]}}, as_=owner
    )
    assert saved["data"]["saveResponses"]["userErrors"] == []


async def test_an_account_export_holds_what_the_consultant_created(api: Api) -> None:
    owner = api.account()
    details = _client("Export")
    assessment_id, _, _ = await _reports(api, owner, **details)
    await _noted(api, owner, assessment_id, "owner wants monthly books")
    assert (await api(LINK, as_=owner))["data"]["createSchedulerLink"]["link"]["id"]

    asked = (await api(ACCOUNT, as_=owner))["data"]["requestAccountExport"]
    assert asked["userErrors"] == []
    assert (asked["export"]["status"], asked["export"]["subject"]) == ("PENDING", "ACCOUNT")
    export = await _built(api, owner, asked["export"]["id"])
    assert export["status"] == "READY", export["error"]
    document, archive = await _download(api, export["downloadUrl"])

    assert document["format"] == "financial-rise-export/1"
    assert document["subject"] == {"kind": "account", "user_id": str(owner.id)}
    assert document["account"]["email"] == owner.email
    assert "password_hash" not in document["account"]
    assert [link["meeting_type_label"] for link in document["scheduler_links"]] == ["Export call"]
    [assessment] = document["assessments"]
    assert assessment["id"] == str(expect_id(assessment_id, "Assessment"))
    assert assessment["client_business_name"] == details["clientBusinessName"]
    answers = {a["question_key"]: a for a in assessment["answers"]}
    sheet = STORY.sheet()
    assert set(answers) == set(sheet)
    for key, given in sheet.items():
        assert answers[key]["value"] == given.value, key
        assert answers[key]["values"] == list(given.values), key
        assert answers[key]["rating"] == given.rating, key
    assert answers["STAB-001"]["notes"] == "owner wants monthly books"
    assert assessment["phase_result"]["primary_phase"]
    assert assessment["disc_profile"]["primary_type"]
    [(items,)] = query(
        api.url,
        "SELECT count(*) FROM checklist_items WHERE assessment_id = :a",
        a=expect_id(assessment_id, "Assessment"),
    )
    assert len(assessment["checklist"]) == items > 0
    files = sorted(r["file"] for r in assessment["reports"])
    assert len(files) == 2
    assert all("file_url" not in r and "share_token" not in r for r in assessment["reports"])
    assert sorted(n for n in archive.namelist() if n != "export.json") == files
    assert all(archive.read(name).startswith(b"%PDF") for name in files)
    trail = {row["event_type"] for row in document["audit_trail"]}
    assert {"assessment.created", "assessment.completed", "data.export_requested"} <= trail

    events = [
        row.event_type
        for row in query(
            api.url,
            "SELECT event_type FROM activity_logs WHERE user_id = :u AND event_type LIKE"
            " 'data.export%' ORDER BY created_at",
            u=owner.id,
        )
    ]
    assert events == ["data.export_requested", "data.export_built", "data.export_downloaded"]


async def test_a_client_export_holds_that_client_alone(api: Api) -> None:
    owner, admin, other = api.account(), api.account("admin"), api.account()
    client, neighbour = _client("Wanted"), _client("Neighbour")
    wanted, _, _ = await _reports(api, owner, **client)
    await _reports(api, owner, **neighbour)
    elsewhere, _, _ = await _reports(api, other, **client)  # the same client at another practice

    asked = await api(CLIENT, {"input": {"email": client["clientEmail"].upper()}}, as_=owner)
    export = await _built(api, owner, asked["data"]["requestClientExport"]["export"]["id"])
    document, _ = await _download(api, export["downloadUrl"])
    assert document["subject"]["kind"] == "client"
    assert document["subject"]["email"] == client["clientEmail"]
    assert [a["id"] for a in document["assessments"]] == [str(expect_id(wanted, "Assessment"))]
    text = json.dumps(document)
    assert neighbour["clientBusinessName"] not in text
    assert str(expect_id(elsewhere, "Assessment")) not in text
    assert document["audit_trail"]
    mine = str(expect_id(wanted, "Assessment"))
    assert all(row["metadata"]["assessment_id"] == mine for row in document["audit_trail"])
    assert "account" not in document

    # An administrator exports the client from every practice; a consultant only their own.
    everywhere = await api(CLIENT, {"input": {"email": client["clientEmail"]}}, as_=admin)
    built = await _built(api, admin, everywhere["data"]["requestClientExport"]["export"]["id"])
    document, _ = await _download(api, built["downloadUrl"])
    assert len(document["assessments"]) == 2
    foreign = {"email": client["clientEmail"], "consultantId": to_global_id("User", owner.id)}
    refused = await api(CLIENT, {"input": foreign}, as_=other)
    assert refused["data"]["requestClientExport"]["export"] is None
    assert refused["data"]["requestClientExport"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_only_the_requester_downloads_and_only_while_it_is_kept(api: Api) -> None:
    owner, other = api.account(), api.account()
    asked = (await api(ACCOUNT, as_=owner))["data"]["requestAccountExport"]["export"]
    export = await _built(api, owner, asked["id"])
    url = export["downloadUrl"]
    path = url.split("?")[0]
    assert (await api.client.get(path)).status_code == 401
    bearer = {"authorization": f"Bearer {other.token}"}
    assert (await api.client.get(path, headers=bearer)).status_code == 404
    assert (await api.client.get(url.replace("signature=", "signature=0"))).status_code == 401
    own = {"authorization": f"Bearer {owner.token}"}
    assert (await api.client.get(path, headers=own)).status_code == 200
    assert all(
        e["id"] != asked["id"] for e in (await api(EXPORTS, as_=other))["data"]["dataExports"]
    )

    execute(
        api.url,
        "UPDATE data_exports SET expires_at = now() - interval '1 second' WHERE id = :e",
        e=expect_id(asked["id"], "DataExport"),
    )
    [expired] = (await api(EXPORTS, as_=owner))["data"]["dataExports"]
    assert expired["downloadUrl"] is None
    assert (await api.client.get(path, headers=own)).status_code == 404


async def test_an_erasure_takes_the_exports_that_hold_what_it_erases(
    api: Api, app: Starlette
) -> None:
    owner = api.account()
    client = _client("Exported")
    await _reports(api, owner, **client)
    made = []
    for operation, variables in [
        (CLIENT, {"input": {"email": client["clientEmail"]}}),
        (ACCOUNT, None),
    ]:
        answer = await api(operation, variables, as_=owner)
        [payload] = answer["data"].values()
        made.append((await _built(api, owner, payload["export"]["id"]))["id"])
    files = [_data_dir(app) / "exports" / f"{expect_id(e, 'DataExport')}.zip" for e in made]
    assert all(f.exists() for f in files)

    erased = await _erase_client(api, owner, client["clientEmail"])
    assert erased["userErrors"] == []
    assert not any(f.exists() for f in files)
    assert (await api(EXPORTS, as_=owner))["data"]["dataExports"] == []
