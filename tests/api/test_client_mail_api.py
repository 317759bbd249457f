"""sendReportToClient, sendAssessmentInvitation and Assessment.emails, through the API,
delivered by the session's worker to a real SMTP server (tests.smtp)."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

from server.graphql.ids import expect_id
from server.rate_limits import RULES
from tests.api.conftest import Account, Api, strict_api
from tests.api.flows import completed_assessment
from tests.api.test_assessments_api import CREATE, _input
from tests.api.test_reports_api import GENERATE, SHARE
from tests.builders import unique_email
from tests.database import query
from tests.smtp import MailServer, html_of, text_of

SEND = """
mutation($input: SendReportInput!) {
  sendReportToClient(input: $input) {
    message { id kind to subject status attempts lastError sentAt createdAt }
    userErrors { field code message }
  }
}"""
INVITE = """
mutation($input: SendInvitationInput!) {
  sendAssessmentInvitation(input: $input) {
    message { id kind to subject status }
    userErrors { field code message }
  }
}"""
EMAILS = """
query($id: ID!) {
  assessment(id: $id) { emails { id kind to subject status attempts lastError sentAt } }
}"""
SIGNATURE = "Jane Doe\nDoe Advisory & Co."
LINK = re.compile(r"http://127\.0\.0\.1:8000(/shared/[\w-]+)")


async def _reports(api: Api, owner: Account, **details: Any) -> tuple[str, str, str]:
    """A completed assessment of the owner's: its id, consultant report, client report."""
    assessment_id = await completed_assessment(api, owner, **details)
    result = await api(GENERATE, {"id": assessment_id}, as_=owner)
    consultant, client = result["data"]["generateReports"]["reports"]
    return assessment_id, consultant["id"], client["id"]


async def _send(api: Api, owner: Account, **fields: Any) -> dict[str, Any]:
    result = await api(SEND, {"input": fields}, as_=owner)
    payload: dict[str, Any] = result["data"]["sendReportToClient"]
    return payload


async def _settled(api: Api, owner: Account, assessment_id: str) -> list[dict[str, Any]]:
    """The assessment's emails once none is queued any more."""
    deadline = time.monotonic() + 15
    while True:
        emails = (await api(EMAILS, {"id": assessment_id}, as_=owner))["data"]["assessment"]
        found: list[dict[str, Any]] = emails["emails"]
        if all(e["status"] != "QUEUED" for e in found) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.1)


async def test_the_client_gets_a_link_to_their_report(api: Api, mail: MailServer) -> None:
    ann = api.account()
    client_email = unique_email()
    await api(
        'mutation($s: String!) { updateSettings(input: {companyName: "Doe Advisory",'
        " emailSignature: $s}) { userErrors { code } } }",
        {"s": SIGNATURE},
        as_=ann,
    )
    await api(
        'mutation { createSchedulerLink(input: {meetingTypeLabel: "Review call",'
        ' schedulerUrl: "https://cal.example.com/jane"}) { userErrors { code } } }',
        as_=ann,
    )
    assessment_id, _, client_report = await _reports(
        api, ann, clientName="Grace <b>Hopper</b>", clientEmail=client_email,
        clientBusinessName="Hopper & Sons",
    )  # fmt: skip

    sent = await _send(api, ann, reportId=client_report)
    assert sent["userErrors"] == []
    queued = sent["message"]
    assert (queued["kind"], queued["to"], queued["status"]) == (
        "REPORT_READY",
        client_email,
        "QUEUED",
    )
    assert queued["subject"] == "Your financial readiness report for Hopper & Sons"

    [message] = await mail.wait_for(client_email)
    assert message["Subject"] == queued["subject"]
    assert message["Reply-To"] == ann.email
    assert message["Message-ID"].startswith("<")
    text = text_of(message)
    assert text.startswith("Hi Grace,\n")
    assert "https://cal.example.com/jane" in text
    assert text.rstrip().endswith("-- \n" + SIGNATURE)
    link = LINK.search(text)
    assert link is not None
    opened = await api.client.get(link.group(1))  # the client, signed in as no one
    assert (opened.status_code, opened.headers["content-type"]) == (200, "application/pdf")

    page = html_of(message)
    assert page is not None
    assert "Grace &lt;b&gt;Hopper&lt;/b&gt;" not in page  # the first name only, escaped
    assert "Hopper &amp; Sons" in page
    assert "<b>" not in page
    assert f'<a href="http://127.0.0.1:8000{link.group(1)}">' in page
    assert "Doe Advisory &amp; Co." in page  # the signature, escaped

    [listed] = await _settled(api, ann, assessment_id)
    assert listed["id"] == queued["id"]
    assert (listed["status"], listed["attempts"], listed["lastError"]) == ("SENT", 1, None)
    assert listed["sentAt"] is not None
    [(body,)] = query(
        api.url, "SELECT text_body FROM email_messages WHERE recipient = :e", e=client_email
    )
    assert body is None  # the link is not kept once the mail server has it
    events = query(
        api.url,
        "SELECT metadata->>'message_id' FROM activity_logs"
        " WHERE user_id = :u AND event_type = 'report.emailed'",
        u=ann.id,
    )
    assert len(events) == 1


async def test_the_live_link_is_reused_and_a_longer_one_replaces_it(
    api: Api, mail: MailServer
) -> None:
    ann = api.account()
    client_email = unique_email()
    _, _, client_report = await _reports(api, ann, clientEmail=client_email)
    shared = (await api(SHARE, {"id": client_report, "days": 14}, as_=ann))["data"]["shareReport"]
    link = shared["report"]["shareUrl"]

    await _send(api, ann, reportId=client_report)
    [first] = await mail.wait_for(client_email)
    assert LINK.search(text_of(first)).group(1) == link  # type: ignore[union-attr]

    await _send(api, ann, reportId=client_report, expiresInDays=60)
    [_, second] = await mail.wait_for(client_email, count=2)
    new_link = LINK.search(text_of(second)).group(1)  # type: ignore[union-attr]
    assert new_link != link
    assert (await api.client.get(link)).status_code == 404  # replaced
    assert (await api.client.get(new_link)).status_code == 200


async def test_the_consultants_template_and_this_emails_own_wording(
    api: Api, mail: MailServer
) -> None:
    ann = api.account()
    client_email = unique_email()
    _, _, client_report = await _reports(api, ann, clientEmail=client_email)
    saved = await api(
        'mutation { saveEmailTemplate(input: {kind: "REPORT_READY",'
        ' subject: "{{business_name}}: your plan", body: "Dear {{client_name}}, {{report_link}}"})'
        " { userErrors { code } } }",
        as_=ann,
    )
    assert saved["data"]["saveEmailTemplate"]["userErrors"] == []
    await _send(api, ann, reportId=client_report)
    [templated] = await mail.wait_for(client_email)
    assert templated["Subject"] == "Hopper Bakery: your plan"
    assert text_of(templated).startswith("Dear Grace Hopper, http://127.0.0.1:8000/shared/")

    other = unique_email()
    await _send(
        api, ann, reportId=client_report, to=other.upper(), subject="For {{client_first_name}}"
    )
    [own] = await mail.wait_for(other)
    assert own["Subject"] == "For Grace"
    assert text_of(own).startswith("Dear Grace Hopper,")  # the template's body still

    bad = await _send(api, ann, reportId=client_report, body="Hi {{client_nmae}}")
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("VALIDATION", ["body"])]
    assert "{{client_nmae}}" in bad["userErrors"][0]["message"]


async def test_what_cannot_be_sent_says_why(api: Api) -> None:
    ann, bob = api.account(), api.account()
    _, consultant_report, client_report = await _reports(api, ann)
    cases = [
        ({"reportId": consultant_report}, ann, ("NOT_SHAREABLE", ["reportId"])),
        ({"reportId": client_report}, bob, ("NOT_FOUND", ["reportId"])),
        ({"reportId": "not-an-id"}, ann, ("NOT_FOUND", ["reportId"])),
        ({"reportId": client_report, "to": "not an address"}, ann, ("VALIDATION", ["to"])),
        (
            {"reportId": client_report, "expiresInDays": 0},
            ann,
            ("VALIDATION", ["expiresInDays"]),
        ),
        (
            {"reportId": client_report, "subject": "x" * 201},
            ann,
            ("VALIDATION", ["subject"]),
        ),
    ]
    for fields, who, expected in cases:
        payload = await _send(api, who, **fields)
        assert payload["message"] is None, fields
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [expected], fields
    assert query(
        api.url,
        "SELECT count(*) FROM email_messages m JOIN reports r ON r.assessment_id = m.assessment_id"
        " WHERE r.id::text = :r",
        r=str(expect_id(client_report, "Report")),
    ) == [(0,)]


async def test_a_refused_recipient_fails_at_once_with_the_servers_answer(
    api: Api, mail: MailServer
) -> None:
    ann = api.account()
    refused = unique_email()
    mail.refuse(refused)
    assessment_id, _, client_report = await _reports(api, ann, clientEmail=refused)
    await _send(api, ann, reportId=client_report)
    [failed] = await _settled(api, ann, assessment_id)
    assert (failed["status"], failed["attempts"]) == ("FAILED", 1)
    assert failed["lastError"].startswith("550 5.1.1 no mailbox here")
    assert mail.for_address(refused) == []


async def test_sending_is_rate_limited_per_account(api: Api, tmp_path: Path) -> None:
    rules = RULES | {"client_mail": ("100/minute", "2/minute")}
    async with strict_api(api.url, tmp_path, rules) as strict:
        ann = strict.account()
        _, _, client_report = await _reports(strict, ann)
        codes = []
        for _ in range(3):
            result = await strict(SEND, {"input": {"reportId": client_report}}, as_=ann)
            codes.append(result["errors"][0]["extensions"]["code"] if "errors" in result else "ok")
        assert codes == ["ok", "ok", "RATE_LIMITED"]


async def test_an_invitation_reaches_the_client_with_the_booking_link(
    api: Api, mail: MailServer
) -> None:
    ann, bob = api.account(), api.account()
    await api(
        'mutation { createSchedulerLink(input: {meetingTypeLabel: "Intro",'
        ' schedulerUrl: "https://cal.example.com/intro"}) { userErrors { code } } }',
        as_=ann,
    )
    client_email = unique_email()
    created = await api(CREATE, {"input": _input(clientEmail=client_email)}, as_=ann)
    assessment_id = created["data"]["createAssessment"]["assessment"]["id"]

    invited = await api(INVITE, {"input": {"assessmentId": assessment_id}}, as_=ann)
    payload = invited["data"]["sendAssessmentInvitation"]
    assert payload["userErrors"] == []
    assert payload["message"]["kind"] == "ASSESSMENT_INVITATION"
    [message] = await mail.wait_for(client_email)
    assert message["Subject"] == "Let's look at the finances of Hopper Bakery together"
    assert message["Reply-To"] == ann.email
    assert "Book a time that suits you: https://cal.example.com/intro" in text_of(message)
    [listed] = await _settled(api, ann, assessment_id)
    assert (listed["kind"], listed["status"]) == ("ASSESSMENT_INVITATION", "SENT")
    assert query(
        api.url,
        "SELECT count(*) FROM activity_logs"
        " WHERE user_id = :u AND event_type = 'assessment.invitation_sent'",
        u=ann.id,
    ) == [(1,)]

    stranger = await api(INVITE, {"input": {"assessmentId": assessment_id}}, as_=bob)
    assert [e["code"] for e in stranger["data"]["sendAssessmentInvitation"]["userErrors"]] == [
        "NOT_FOUND"
    ]
    bad = await api(
        INVITE, {"input": {"assessmentId": assessment_id, "body": "{{report_link}}"}}, as_=ann
    )
    [error] = bad["data"]["sendAssessmentInvitation"]["userErrors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["body"])
    assert "ASSESSMENT_INVITATION offers" in error["message"]  # no report to link to
    finished = await completed_assessment(api, ann)  # only a completed one is archived
    put_away = await api(
        "mutation($id: ID!) { archiveAssessment(id: $id) { userErrors { code } } }",
        {"id": finished},
        as_=ann,
    )
    assert put_away["data"]["archiveAssessment"]["userErrors"] == []
    archived = await api(INVITE, {"input": {"assessmentId": finished}}, as_=ann)
    assert [e["code"] for e in archived["data"]["sendAssessmentInvitation"]["userErrors"]] == [
        "ARCHIVED"
    ]
