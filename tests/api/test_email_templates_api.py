"""A consultant's email templates as a client sees them: `ConsultantSettings.emailTemplates`
(every kind, the built-in wording until one is saved), `saveEmailTemplate` (every rule as a
user error naming its field, the override stored keyed by kind), `resetEmailTemplate`, an
audit row for each change, and the templates of one consultant never another's."""

from __future__ import annotations

from typing import Any

import pytest

from domain.email_templates import BODY_MAX, DEFAULTS, SUBJECT_MAX, VARIABLES, EmailKind
from server.graphql.ids import to_global_id
from tests.api.conftest import Account, Api
from tests.api.test_settings_api import THEIRS, _audit
from tests.database import query

TEMPLATE = "kind subject body variables isDefault"
ERRORS = "userErrors { field code message }"
SAVE = f"""
mutation($input: EmailTemplateInput!) {{
  saveEmailTemplate(input: $input) {{ settings {{ emailTemplates {{ {TEMPLATE} }} }} {ERRORS} }}
}}"""
RESET = f"""
mutation($kind: String!) {{
  resetEmailTemplate(kind: $kind) {{ settings {{ emailTemplates {{ {TEMPLATE} }} }} {ERRORS} }}
}}"""
MINE = f"{{ me {{ settings {{ companyName emailTemplates {{ {TEMPLATE} }} }} }} }}"
KINDS = ["REPORT_READY", "PASSWORD_RESET", "ASSESSMENT_INVITATION"]


def built_in(kind: str) -> dict[str, Any]:
    default = DEFAULTS[EmailKind(kind)]
    return {
        "kind": kind,
        "subject": default.subject,
        "body": default.body,
        "variables": list(VARIABLES[EmailKind(kind)]),
        "isDefault": True,
    }


BUILT_IN = [built_in(kind) for kind in KINDS]


async def _save(api: Api, who: Account | None, **fields: str) -> dict[str, Any]:
    result = await api(SAVE, {"input": fields}, as_=who)
    payload: dict[str, Any] = result["data"]["saveEmailTemplate"]
    return payload


async def _reset(api: Api, who: Account, kind: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await api(RESET, {"kind": kind}, as_=who))["data"][
        "resetEmailTemplate"
    ]
    return payload


async def _mine(api: Api, who: Account) -> list[dict[str, Any]]:
    settings = (await api(MINE, as_=who))["data"]["me"]["settings"]
    templates: list[dict[str, Any]] = settings["emailTemplates"]
    return templates


def _stored(api: Api, who: Account) -> list[Any]:
    return [
        row[0]
        for row in query(
            api.url,
            "SELECT email_templates FROM consultant_settings WHERE consultant_id = :u",
            u=who.id,
        )
    ]


async def test_every_kind_shows_the_built_in_wording_until_one_is_saved(api: Api) -> None:
    ann = api.account()
    assert await _mine(api, ann) == BUILT_IN
    assert _stored(api, ann) == []  # reading makes no row


async def test_a_saved_template_is_read_back_and_reset_to_the_built_in_one(api: Api) -> None:
    ann = api.account()
    saved = await _save(
        api,
        ann,
        kind="REPORT_READY",
        subject="  Your report, {{ business_name }}  ",
        body="Hi {{client_first_name}},\n\nRead it: {{report_link}}\n{x} stays text\n",
    )
    assert saved["userErrors"] == []
    mine = {
        "kind": "REPORT_READY",
        "subject": "Your report, {{ business_name }}",
        "body": "Hi {{client_first_name}},\n\nRead it: {{report_link}}\n{x} stays text",
        "variables": list(VARIABLES[EmailKind.REPORT_READY]),  # what the kind offers
        "isDefault": False,
    }
    assert saved["settings"]["emailTemplates"] == [mine, *BUILT_IN[1:]]
    assert await _mine(api, ann) == [mine, *BUILT_IN[1:]]
    # stored keyed by kind, with the variables the template uses
    assert _stored(api, ann) == [
        {
            "REPORT_READY": {
                "subject": mine["subject"],
                "body": mine["body"],
                "variables": ["client_first_name", "business_name", "report_link"],
            }
        }
    ]

    reset = await _reset(api, ann, "REPORT_READY")
    assert reset == {"settings": {"emailTemplates": BUILT_IN}, "userErrors": []}
    assert await _mine(api, ann) == BUILT_IN
    assert _stored(api, ann) == [None]
    # resetting again, or a kind never saved, is no error and changes nothing
    assert await _reset(api, ann, "REPORT_READY") == reset
    assert await _reset(api, ann, "PASSWORD_RESET") == reset
    assert [event for event, _ in _audit(api, ann)] == [
        "settings.email_template_saved",
        "settings.email_template_reset",
    ]


async def test_saving_the_built_in_wording_is_an_own_template_all_the_same(api: Api) -> None:
    ann = api.account()
    default = DEFAULTS[EmailKind.PASSWORD_RESET]
    payload = await _save(
        api, ann, kind="PASSWORD_RESET", subject=default.subject, body=default.body
    )
    assert payload["settings"]["emailTemplates"][1] == built_in("PASSWORD_RESET") | {
        "isDefault": False
    }


async def test_each_kind_has_its_own_and_other_settings_stay(api: Api) -> None:
    ann = api.account()
    await api(
        'mutation { updateSettings(input: {companyName: "Northwind"}) { userErrors { code } } }',
        as_=ann,
    )
    await _save(api, ann, kind="ASSESSMENT_INVITATION", subject="Shall we?", body="Hi")
    await _save(api, ann, kind="REPORT_READY", subject="Ready", body="{{report_link}}")
    templates = await _mine(api, ann)
    assert [(t["kind"], t["subject"], t["isDefault"]) for t in templates] == [
        ("REPORT_READY", "Ready", False),
        ("PASSWORD_RESET", DEFAULTS[EmailKind.PASSWORD_RESET].subject, True),
        ("ASSESSMENT_INVITATION", "Shall we?", False),
    ]
    # a later save of one kind replaces that kind's only
    await _save(api, ann, kind="REPORT_READY", subject="Ready now", body="{{report_link}}")
    assert [t["subject"] for t in await _mine(api, ann)][::2] == ["Ready now", "Shall we?"]
    settings = (await api(MINE, as_=ann))["data"]["me"]["settings"]
    assert settings["companyName"] == "Northwind"
    await api(
        'mutation { updateSettings(input: {companyName: "Southwind"}) { userErrors { code } } }',
        as_=ann,
    )
    assert [t["subject"] for t in await _mine(api, ann)][::2] == ["Ready now", "Shall we?"]


async def test_each_save_and_reset_is_audited_with_its_old_and_new_wording(api: Api) -> None:
    ann = api.account()
    await _save(api, ann, kind="REPORT_READY", subject="Ready", body="{{report_link}}")
    await _save(api, ann, kind="REPORT_READY", subject=" Ready ", body="{{report_link}}")  # same
    await _save(api, ann, kind="REPORT_READY", subject="Ready now", body="{{report_link}}")
    await _reset(api, ann, "REPORT_READY")
    await _reset(api, ann, "REPORT_READY")  # none to reset
    assert _audit(api, ann) == [
        (
            "settings.email_template_saved",
            {
                "kind": "REPORT_READY",
                "changes": {
                    "subject": {"old": None, "new": "Ready"},
                    "body": {"old": None, "new": "{{report_link}}"},
                },
            },
        ),
        (
            "settings.email_template_saved",
            {"kind": "REPORT_READY", "changes": {"subject": {"old": "Ready", "new": "Ready now"}}},
        ),
        (
            "settings.email_template_reset",
            {
                "kind": "REPORT_READY",
                "changes": {
                    "subject": {"old": "Ready now", "new": None},
                    "body": {"old": "{{report_link}}", "new": None},
                },
            },
        ),
    ]
    [(description,)] = query(
        api.url,
        "SELECT description FROM activity_logs WHERE user_id = :u"
        " AND event_type = 'settings.email_template_reset'",
        u=ann.id,
    )
    assert description == "email template REPORT_READY reset to the default"


KIND_LIST = "REPORT_READY, PASSWORD_RESET, ASSESSMENT_INVITATION"


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"body": "Dear {{client_nam}}"}, "body", "unknown variable {{client_nam}}"),
        ({"subject": "Hi {{reset_link}}"}, "subject", "unknown variable {{reset_link}}"),
        ({"body": "Dear {{client_name}"}, "body", "unbalanced braces: '{{' at character 6"),
        ({"subject": "Hi }} there"}, "subject", "unbalanced braces: '}}' at character 4"),
        ({"subject": "s" * (SUBJECT_MAX + 1)}, "subject", "at most 200 characters"),
        ({"body": "b" * (BODY_MAX + 1)}, "body", "at most 20,000 characters"),
        ({"subject": "   "}, "subject", "must not be empty"),
        ({"subject": "Two\nlines"}, "subject", "one line"),
        ({"kind": "WELCOME"}, "kind", f"kind must be one of {KIND_LIST}"),
        ({"kind": "report_ready"}, "kind", f"kind must be one of {KIND_LIST}"),
    ],
)
async def test_every_rule_is_a_user_error_naming_its_field(
    api: Api, fields: dict[str, str], path: str, message: str
) -> None:
    ann = api.account()
    given = {"kind": "REPORT_READY", "subject": "Ready", "body": "{{report_link}}"} | fields
    payload = await _save(api, ann, **given)
    assert payload["settings"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("VALIDATION", [path])
    assert message in error["message"]
    assert await _mine(api, ann) == BUILT_IN
    assert _stored(api, ann) == []
    assert _audit(api, ann) == []


async def test_the_unknown_variable_error_lists_what_the_kind_offers(api: Api) -> None:
    ann = api.account()
    payload = await _save(api, ann, kind="PASSWORD_RESET", subject="Reset", body="{{report_link}}")
    [error] = payload["userErrors"]
    assert error["message"] == (
        "body uses the unknown variable {{report_link}}; PASSWORD_RESET offers "
        "consultant_name, company_name, reset_link, expires_on"
    )


async def test_resetting_an_unknown_kind_is_a_user_error(api: Api) -> None:
    ann = api.account()
    payload = await _reset(api, ann, "WELCOME")
    assert payload["settings"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("VALIDATION", ["kind"])
    assert KIND_LIST in error["message"]


async def test_the_longest_subject_and_body_are_accepted(api: Api) -> None:
    ann = api.account()
    subject, body = "s" * SUBJECT_MAX, "b" * (BODY_MAX - 15) + "{{report_link}}"
    payload = await _save(api, ann, kind="REPORT_READY", subject=subject, body=body)
    assert payload["userErrors"] == []
    [report, *_] = await _mine(api, ann)
    assert (report["subject"], report["body"]) == (subject, body)


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (SAVE, {"input": {"kind": "REPORT_READY", "subject": "Hi", "body": "Body"}}),
        (RESET, {"kind": "REPORT_READY"}),
    ],
    ids=["saveEmailTemplate", "resetEmailTemplate"],
)
async def test_anonymous_callers_must_sign_in(
    api: Api, document: str, variables: dict[str, Any]
) -> None:
    result = await api(document, variables)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert result["data"] is None


async def test_one_consultants_templates_are_never_anothers(api: Api) -> None:
    ann, bob = api.account(), api.account()
    await _save(api, ann, kind="REPORT_READY", subject="Ann's", body="{{report_link}}")
    assert await _mine(api, bob) == BUILT_IN
    # bob's reset and save are bob's own
    await _reset(api, bob, "REPORT_READY")
    await _save(api, bob, kind="ASSESSMENT_INVITATION", subject="Bob's", body="Hi")
    ann_templates = await _mine(api, ann)
    assert [t["subject"] for t in ann_templates][::2] == [
        "Ann's",
        DEFAULTS[EmailKind.ASSESSMENT_INVITATION].subject,
    ]
    assert (await _mine(api, bob))[0] == BUILT_IN[0]
    # nor can bob read ann's
    theirs = await api(THEIRS, {"id": to_global_id("User", ann.id)}, as_=bob)
    assert [e["extensions"]["code"] for e in theirs["errors"]] == ["NOT_FOUND"]


async def test_an_administrators_templates_are_their_own_as_for_update_settings(
    api: Api,
) -> None:
    """As with updateSettings, an administrator changes their own settings only, and reads
    anyone's."""
    ann, admin = api.account(), api.account("admin")
    await _save(api, ann, kind="REPORT_READY", subject="Ann's", body="{{report_link}}")
    saved = await _save(api, admin, kind="REPORT_READY", subject="Head office", body="Hi")
    assert saved["settings"]["emailTemplates"][0]["subject"] == "Head office"
    await _reset(api, admin, "REPORT_READY")
    assert (await _mine(api, ann))[0]["subject"] == "Ann's"
    seen = await api(
        "query($id: ID!) { node(id: $id) { ... on User {"
        " settings { emailTemplates { kind isDefault } } } } }",
        {"id": to_global_id("User", ann.id)},
        as_=admin,
    )
    assert seen["data"]["node"]["settings"]["emailTemplates"] == [
        {"kind": "REPORT_READY", "isDefault": False},
        {"kind": "PASSWORD_RESET", "isDefault": True},
        {"kind": "ASSESSMENT_INVITATION", "isDefault": True},
    ]
