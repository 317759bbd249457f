"""Erasure that really erases: a client's assessments (by one consultant, or by an
administrator everywhere) and a consultant's account, made through the API with what a real
practice leaves behind (answers with notes, results, checklists, reports shared and mailed,
the audit trail, the job queue), then erased; afterwards every row of every table, the job
queue's included, and every file of the storage are read for the erased names, addresses and
ids, and none is found. What belongs to others stays."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
from psycopg.types.json import Jsonb
from starlette.applications import Starlette

from server.graphql.ids import expect_id, to_global_id
from tests.api.conftest import Account, Api
from tests.api.test_client_mail_api import SEND, _reports, _settled
from tests.api.test_reports_api import GENERATE_DEFAULT, SHARE
from tests.builders import unique_email
from tests.database import libpq_url, query
from tests.smtp import MailServer

UPDATE = """
mutation($id: ID!, $name: String!) {
  updateAssessment(input: {id: $id, clientName: $name}) { userErrors { code } }
}"""


def _client(tag: str) -> dict[str, str]:
    """A client's details no other test uses."""
    unique = uuid4().hex[:10]
    return {
        "clientName": f"Erin {tag} Quill{unique}",
        "clientBusinessName": f"Quill{unique} {tag} Stationers",
        "clientEmail": unique_email(),
    }


async def _practice(api: Api, owner: Account, client: dict[str, str]) -> dict[str, Any]:
    """A completed assessment of `client`'s with both reports, the client report shared and
    mailed (and delivered), the client's name changed once: its ids and the details."""
    assessment_id, consultant_report, client_report = await _reports(api, owner, **client)
    renamed = client["clientName"] + " Jr"
    changed = await api(UPDATE, {"id": assessment_id, "name": renamed}, as_=owner)
    assert changed["data"]["updateAssessment"]["userErrors"] == []
    shared = await api(SHARE, {"id": client_report, "days": 7}, as_=owner)
    assert shared["data"]["shareReport"]["userErrors"] == []
    sent = await api(SEND, {"input": {"reportId": client_report}}, as_=owner)
    assert sent["data"]["sendReportToClient"]["userErrors"] == []
    [message] = await _settled(api, owner, assessment_id)
    assert message["status"] == "SENT"
    return {
        "ids": [
            str(expect_id(assessment_id, "Assessment")),
            str(expect_id(consultant_report, "Report")),
            str(expect_id(client_report, "Report")),
            str(expect_id(message["id"], "EmailMessage")),
        ],
        "texts": [*client.values(), renamed],
    }


def _tables(url: str) -> list[str]:
    rows = query(
        url,
        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM"
        " information_schema.tables WHERE table_type = 'BASE TABLE'"
        " AND table_schema IN ('public', 'procrastinate')",
    )
    return [row[0] for row in rows]


def _found(url: str, data_dir: Path, needles: list[str]) -> list[str]:
    """Where any of the needles is, compared lower-cased: in a row of any table (read as
    the row's text) or in a stored file's path or bytes."""
    lowered = [needle.lower() for needle in needles]
    places = []
    for table in _tables(url):
        rows = query(url, f"SELECT t::text FROM {table} AS t")
        places += [
            f"{table}: {r[0][:200]}" for r in rows if any(n in r[0].lower() for n in lowered)
        ]
    for path in (p for p in data_dir.rglob("*") if p.is_file()):
        content = path.read_bytes().lower()
        if any(n in str(path).lower() or n.encode() in content for n in lowered):
            places.append(str(path))
    return places


def _data_dir(app: Starlette) -> Path:
    root: Path = app.state.services.reports.store.root
    return root


ERASE_CLIENT = """
mutation($input: EraseClientInput!) {
  eraseClient(input: $input) { assessments reportFiles userErrors { field code message } }
}"""
DELETE_USER = """
mutation($id: ID!) {
  deleteUser(id: $id) { assessments reportFiles userErrors { field code message } }
}"""


async def _erase_client(api: Api, who: Account, email: str, **more: Any) -> dict[str, Any]:
    result = await api(ERASE_CLIENT, {"input": {"email": email, **more}}, as_=who)
    payload: dict[str, Any] = result["data"]["eraseClient"]
    return payload


async def _delete_user(api: Api, who: Account, account: Account) -> dict[str, Any]:
    result = await api(DELETE_USER, {"id": to_global_id("User", account.id)}, as_=who)
    payload: dict[str, Any] = result["data"]["deleteUser"]
    return payload


async def test_a_consultant_erases_a_client_and_nothing_of_them_is_left(
    api: Api, app: Starlette, database_url: str, mail: MailServer
) -> None:
    ann, bob = api.account(), api.account()
    client = _client("Erased")
    erased = await _practice(api, ann, client)
    again = await _practice(api, ann, client)  # a second assessment of the same client
    kept_by_ann = await _practice(api, ann, _client("Kept"))
    # the same client (by address) at another consultant's is that consultant's to erase
    elsewhere = _client("Elsewhere") | {"clientEmail": client["clientEmail"]}
    kept_by_bob = await _practice(api, bob, elsewhere)
    # a delivery waiting for its retry, as the queue holds it (due tomorrow: no worker takes it)
    with psycopg.connect(libpq_url(database_url), autocommit=True) as queue:
        queue.execute("SET search_path TO procrastinate")  # as the queue's own connections
        queue.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, scheduled_at)"
            " VALUES ('mail', 'deliver_email', %s, now() + interval '1 day')",
            [Jsonb({"message_id": again["ids"][-1]})],
        )
    address = client["clientEmail"]
    needles = [*erased["ids"], *again["ids"], *(t for t in erased["texts"] if t != address)]
    assert _found(database_url, _data_dir(app), needles)  # the scan finds what is there

    done = await _erase_client(api, ann, address.upper())

    assert done == {"assessments": 2, "reportFiles": 4, "userErrors": []}
    assert _found(database_url, _data_dir(app), needles) == []
    # the address is left only where Bob's assessment of the client is
    bobs = kept_by_bob["ids"]
    with_address = _found(database_url, _data_dir(app), [address])
    assert with_address
    assert all(any(i in place for i in bobs) for place in with_address), with_address
    for kept in (kept_by_ann, kept_by_bob):
        assessment = kept["ids"][0]
        assert query(database_url, "SELECT 1 FROM assessments WHERE id = :a", a=assessment)
    [record] = query(
        database_url,
        "SELECT user_id, description, metadata FROM activity_logs"
        " WHERE event_type = 'client.erased' AND user_id = :u",
        u=ann.id,
    )
    assert record.metadata["assessments"] == 2
    assert record.metadata["audit_rows"] > 0
    assert record.metadata["scope"] == "one consultant"
    assert record.description.startswith("client erased for good")
    again = await _erase_client(api, ann, address)
    assert [e["code"] for e in again["userErrors"]] == ["NOT_FOUND"]


async def test_an_administrator_erases_a_client_everywhere(
    api: Api, app: Starlette, database_url: str, mail: MailServer
) -> None:
    ann, bob, admin = api.account(), api.account(), api.account("admin")
    client = _client("Everywhere")
    at_ann = await _practice(api, ann, client)
    at_bob = await _practice(api, bob, client | {"clientName": "Erin Everywhere Too"})
    # a consultant cannot reach into another's practice
    bobs = to_global_id("User", bob.id)
    refused = await _erase_client(api, ann, client["clientEmail"], consultantId=bobs)
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]

    done = await _erase_client(api, admin, client["clientEmail"])

    assert (done["assessments"], done["reportFiles"]) == (2, 4)
    needles = [*at_ann["ids"], *at_bob["ids"], *at_ann["texts"], *at_bob["texts"]]
    assert _found(database_url, _data_dir(app), needles) == []


async def test_erasing_a_consultant_leaves_nothing_of_them_or_their_clients(
    api: Api, app: Starlette, database_url: str, mail: MailServer
) -> None:
    ann, admin = api.account(), api.account("admin")
    renamed = await api(
        'mutation { updateMe(input: {firstName: "Annabel"}) { userErrors { code } } }',
        as_=ann,
    )
    assert renamed["data"]["updateMe"]["userErrors"] == []
    practice = await _practice(api, ann, _client("Consultant"))
    needles = [str(ann.id), ann.email, *practice["ids"], *practice["texts"]]

    done = await _delete_user(api, admin, ann)

    assert done == {"assessments": 1, "reportFiles": 2, "userErrors": []}
    assert _found(database_url, _data_dir(app), needles) == []
    [record] = query(
        database_url,
        "SELECT metadata FROM activity_logs WHERE event_type = 'user.erased' AND user_id = :u",
        u=admin.id,
    )
    assert record.metadata["assessments"] == 1
    assert record.metadata["audit_rows"] > 0


async def test_deleting_users_keeps_its_guards(api: Api) -> None:
    admin = api.account("admin")
    own = await _delete_user(api, admin, admin)
    assert [(e["code"], e["message"]) for e in own["userErrors"]] == [
        ("CONFLICT", "an administrator cannot erase their own account; another one can")
    ]
    missing = await api(DELETE_USER, {"id": to_global_id("User", uuid4())}, as_=admin)
    assert [e["code"] for e in missing["data"]["deleteUser"]["userErrors"]] == ["NOT_FOUND"]
    # an account that made reports on another consultant's assessment is kept
    author, ann = api.account("admin"), api.account()
    assessment_id, *_ = await _reports(api, ann, **_client("Authored"))
    await api(GENERATE_DEFAULT, {"id": assessment_id}, as_=author)
    kept = await _delete_user(api, admin, author)
    assert [e["code"] for e in kept["userErrors"]] == ["CONFLICT"]
    assert "deactivate it instead" in kept["userErrors"][0]["message"]


async def test_an_address_that_is_not_one_is_a_validation_error(api: Api) -> None:
    bad = await _erase_client(api, api.account(), "not an address")
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [(["email"], "VALIDATION")]
