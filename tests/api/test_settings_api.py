"""The consultant's settings as a client sees them: `updateSettings` (every rule and its field
path, fields left out or cleared), `User.settings` for the user and for admins only, and an
audit row with the old and new values for each change."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from server.graphql.ids import to_global_id
from tests.api.conftest import Account, Api
from tests.database import execute, query

SETTINGS = "companyName brandColor logoUrl emailSignature updatedAt"
UPDATE = f"""
mutation($input: UpdateSettingsInput!) {{
  updateSettings(input: $input) {{
    settings {{ {SETTINGS} }}
    userErrors {{ field code message }}
  }}
}}"""
MINE = f"{{ me {{ settings {{ {SETTINGS} }} }} }}"
THEIRS = f"""
query($id: ID!) {{ node(id: $id) {{ ... on User {{ email settings {{ {SETTINGS} }} }} }} }}"""
EMPTY = dict.fromkeys(["companyName", "brandColor", "logoUrl", "emailSignature", "updatedAt"])


async def _update(api: Api, who: Account, **fields: Any) -> dict[str, Any]:
    result = await api(UPDATE, {"input": fields}, as_=who)
    payload: dict[str, Any] = result["data"]["updateSettings"]
    return payload


async def _mine(api: Api, who: Account) -> dict[str, Any]:
    settings: dict[str, Any] = (await api(MINE, as_=who))["data"]["me"]["settings"]
    return settings


def _audit(api: Api, who: Account) -> list[tuple[str, dict[str, Any]]]:
    rows = query(
        api.url,
        "SELECT event_type, metadata FROM activity_logs WHERE user_id = :u"
        " AND event_type LIKE 'settings.%' ORDER BY created_at",
        u=who.id,
    )
    return [(row[0], row[1]) for row in rows]


async def test_settings_are_empty_until_saved(api: Api) -> None:
    ann = api.account()
    assert await _mine(api, ann) == EMPTY
    cleared = await _update(api, ann, companyName=None, brandColor=None)  # changes nothing
    assert cleared == {"settings": EMPTY, "userErrors": []}
    assert _audit(api, ann) == []
    assert query(
        api.url, "SELECT count(*) FROM consultant_settings WHERE consultant_id = :u", u=ann.id
    ) == [(0,)]


async def test_update_sets_what_is_given_and_keeps_the_rest(api: Api) -> None:
    ann = api.account()
    first = await _update(
        api,
        ann,
        companyName="  Northwind Advisory  ",
        brandColor="#4b006e",
        emailSignature="Kind regards,\nAnn\tNorthwind",
    )
    assert first["userErrors"] == []
    settings = first["settings"]
    assert settings["companyName"] == "Northwind Advisory"
    assert settings["brandColor"] == "#4B006E"
    assert settings["emailSignature"] == "Kind regards,\nAnn\tNorthwind"
    assert settings["logoUrl"] is None
    assert settings["updatedAt"] is not None
    assert await _mine(api, ann) == settings

    # a field left out stays; one given changes
    second = await _update(api, ann, brandColor="#1F4E79")
    assert second["settings"] | {"updatedAt": None} == settings | {
        "brandColor": "#1F4E79",
        "updatedAt": None,
    }
    # an explicit null clears, a blank signature too
    third = await _update(api, ann, companyName=None, emailSignature="   ")
    assert third["userErrors"] == []
    assert (third["settings"]["companyName"], third["settings"]["emailSignature"]) == (None, None)
    assert third["settings"]["brandColor"] == "#1F4E79"
    cleared = await _update(api, ann, brandColor=None)
    assert cleared["settings"] | {"updatedAt": None} == EMPTY
    assert query(
        api.url, "SELECT count(*) FROM consultant_settings WHERE consultant_id = :u", u=ann.id
    ) == [(1,)]


async def test_each_change_is_audited_with_its_old_and_new_values(api: Api) -> None:
    ann = api.account()
    await _update(api, ann, companyName="Northwind", brandColor="#4B006E")
    await _update(api, ann, companyName="Northwind", brandColor="#4b006e")  # no change
    await _update(api, ann, companyName="Southwind")
    await _update(api, ann, emailSignature=None)  # already none: no change
    assert _audit(api, ann) == [
        (
            "settings.updated",
            {
                "changes": {
                    "brand_color": {"old": None, "new": "#4B006E"},
                    "company_name": {"old": None, "new": "Northwind"},
                }
            },
        ),
        (
            "settings.updated",
            {"changes": {"company_name": {"old": "Northwind", "new": "Southwind"}}},
        ),
    ]


LONG_NAME = "N" * 201
LONG_SIGNATURE = "s" * 2001


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"companyName": ""}, "companyName", "company name must not be blank"),
        ({"companyName": "   "}, "companyName", "company name must not be blank"),
        ({"companyName": LONG_NAME}, "companyName", "company name must be at most 200"),
        ({"companyName": "North\x07wind"}, "companyName", "must not contain control"),
        ({"companyName": "North\x00wind"}, "companyName", "company name must not contain the NUL"),
        ({"brandColor": "red"}, "brandColor", 'brand color must be "#RRGGBB"'),
        ({"brandColor": "#12345"}, "brandColor", 'brand color must be "#RRGGBB"'),
        ({"brandColor": "#1234567"}, "brandColor", 'brand color must be "#RRGGBB"'),
        ({"brandColor": "#GGGGGG"}, "brandColor", 'brand color must be "#RRGGBB"'),
        ({"brandColor": "1F4E79"}, "brandColor", 'brand color must be "#RRGGBB"'),
        ({"brandColor": ""}, "brandColor", 'brand color must be "#RRGGBB"'),
        ({"emailSignature": LONG_SIGNATURE}, "emailSignature", "at most 2,000 characters"),
        ({"emailSignature": "Bye\x1b[31m"}, "emailSignature", "must not contain control"),
        # the first bad field is reported, and nothing of the others is saved
        ({"companyName": "Fine", "brandColor": "blue"}, "brandColor", "brand color must be"),
    ],
)
async def test_every_rule_is_a_user_error_naming_its_field(
    api: Api, fields: dict[str, Any], path: str, message: str
) -> None:
    ann = api.account()
    payload = await _update(api, ann, **fields)
    assert payload["settings"] is None
    [error] = payload["userErrors"]
    assert (error["code"], error["field"]) == ("VALIDATION", [path])
    assert message in error["message"]
    assert await _mine(api, ann) == EMPTY
    assert _audit(api, ann) == []


async def test_the_longest_values_are_accepted(api: Api) -> None:
    ann = api.account()
    payload = await _update(api, ann, companyName="N" * 200, emailSignature="s" * 2000)
    assert payload["userErrors"] == []
    assert len(payload["settings"]["companyName"]) == 200


BRANDING_MUTATIONS = {
    "updateSettings": (UPDATE, {"input": {"companyName": "Nobody"}}),
    "uploadLogo": (
        "mutation($file: Upload!) { uploadLogo(file: $file) { settings { logoUrl } } }",
        {"file": None},
    ),
    "removeLogo": ("mutation { removeLogo { settings { logoUrl } } }", {}),
    "previewClientReport": ("mutation { previewClientReport { downloadUrl } }", {}),
}


@pytest.mark.parametrize("name", sorted(BRANDING_MUTATIONS))
async def test_anonymous_callers_must_sign_in(api: Api, name: str) -> None:
    document, variables = BRANDING_MUTATIONS[name]
    if name == "uploadLogo":  # a real upload, as a signed-in client would send it
        response = await api.client.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": document, "variables": variables}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("logo.png", b"\x89PNG not really", "image/png")},
        )
        result = response.json()
    else:
        result = await api(document, variables)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"]
    assert result["data"] is None
    assert (await api(MINE))["data"]["me"] is None


async def test_an_admin_reads_anyones_settings(api: Api) -> None:
    ann, admin = api.account(), api.account("admin")
    await _update(api, ann, companyName="Northwind", brandColor="#4B006E")
    ann_id = to_global_id("User", ann.id)
    seen = (await api(THEIRS, {"id": ann_id}, as_=admin))["data"]["node"]
    assert seen["email"] == ann.email
    assert seen["settings"]["companyName"] == "Northwind"
    assert seen["settings"]["brandColor"] == "#4B006E"
    listed = await api(
        "query($q: String) { users(search: $q) { edges { node { email settings { companyName } } }"
        " } }",
        {"q": ann.email},
        as_=admin,
    )
    edges = listed["data"]["users"]["edges"]
    assert [e["node"] for e in edges] == [
        {"email": ann.email, "settings": {"companyName": "Northwind"}}
    ]
    # an admin's own change is to the admin's settings, never to someone else's
    await _update(api, admin, companyName="Head Office")
    assert (await _mine(api, ann))["companyName"] == "Northwind"


async def test_a_consultant_cannot_read_another_consultants_settings(api: Api) -> None:
    ann, bob = api.account(), api.account()
    await _update(api, ann, companyName="Northwind")
    result = await api(THEIRS, {"id": to_global_id("User", ann.id)}, as_=bob)
    assert result["data"]["node"] is None
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]
    # the same as for an account that does not exist at all
    missing = await api(THEIRS, {"id": to_global_id("User", uuid.uuid4())}, as_=bob)
    assert [e["extensions"]["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    assert (await _mine(api, bob)) == EMPTY


async def test_settings_of_a_deleted_account_go_with_it(api: Api) -> None:
    ann = api.account()
    await _update(api, ann, companyName="Northwind")
    execute(api.url, "DELETE FROM users WHERE id = :u", u=ann.id)
    assert query(
        api.url, "SELECT count(*) FROM consultant_settings WHERE consultant_id = :u", u=ann.id
    ) == [(0,)]
