"""Signing in through GraphQL: register, login, refresh rotation and reuse, logout, reset."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tests.api.conftest import Api
from tests.builders import unique_email
from tests.smtp import MailServer, text_of

PASSWORD = "Ledger-Balance-42"
TOKENS = "accessToken refreshToken expiresAt user { email role } userErrors { field code message }"
REGISTER = f"""mutation($i: RegisterInput!) {{ register(input: $i) {{ {TOKENS} }} }}"""
LOGIN = f"""mutation($i: LoginInput!) {{ login(input: $i) {{ {TOKENS} }} }}"""
REFRESH = f"""mutation($i: RefreshInput!) {{ refreshToken(input: $i) {{ {TOKENS} }} }}"""


async def _register(api: Api, email: str, password: str = PASSWORD) -> dict[str, Any]:
    variables = {"i": {"email": email, "password": password, "firstName": "Ada", "lastName": "L"}}
    result = await api(REGISTER, variables)
    payload: dict[str, Any] = result["data"]["register"]
    return payload


async def _me(api: Api, token: str) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql",
        json={"query": "{ me { email role } }"},
        headers={"authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    return body


async def test_register_signs_in_a_consultant(api: Api) -> None:
    email = unique_email()
    payload = await _register(api, email.upper())
    assert payload["userErrors"] == []
    assert payload["user"] == {"email": email, "role": "CONSULTANT"}
    assert (await _me(api, payload["accessToken"]))["data"]["me"]["email"] == email
    again = await _register(api, email)
    assert [e["code"] for e in again["userErrors"]] == ["EMAIL_TAKEN"]
    weak = await _register(api, unique_email(), "short")
    assert [(e["field"], e["code"]) for e in weak["userErrors"]] == [(["password"], "VALIDATION")]


async def test_unknown_email_and_wrong_password_look_the_same(api: Api) -> None:
    email = unique_email()
    await _register(api, email)
    wrong = await api(LOGIN, {"i": {"email": email, "password": "Wrong-Password-1"}})
    unknown = await api(LOGIN, {"i": {"email": unique_email(), "password": PASSWORD}})
    assert wrong["data"]["login"]["userErrors"] == unknown["data"]["login"]["userErrors"]
    assert wrong["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["data"]["login"]["accessToken"] is None


async def test_five_failures_lock_the_account(api: Api) -> None:
    email = unique_email()
    await _register(api, email)
    codes = []
    for _ in range(5):
        result = await api(LOGIN, {"i": {"email": email, "password": "Wrong-Password-1"}})
        codes.append(result["data"]["login"]["userErrors"][0]["code"])
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["ACCOUNT_LOCKED"]
    right = await api(LOGIN, {"i": {"email": email, "password": PASSWORD}})
    assert right["data"]["login"]["userErrors"][0]["code"] == "ACCOUNT_LOCKED"


async def test_refresh_rotates_and_a_reused_token_ends_the_login(api: Api) -> None:
    first = await _register(api, unique_email())
    rotated = (await api(REFRESH, {"i": {"refreshToken": first["refreshToken"]}}))["data"][
        "refreshToken"
    ]
    assert rotated["userErrors"] == []
    assert rotated["refreshToken"] != first["refreshToken"]
    reused = (await api(REFRESH, {"i": {"refreshToken": first["refreshToken"]}}))["data"][
        "refreshToken"
    ]
    assert [e["code"] for e in reused["userErrors"]] == ["INVALID_TOKEN"]
    # The whole family is over: the newest refresh token and the access tokens too.
    newest = (await api(REFRESH, {"i": {"refreshToken": rotated["refreshToken"]}}))["data"][
        "refreshToken"
    ]
    assert [e["code"] for e in newest["userErrors"]] == ["INVALID_TOKEN"]
    assert (await _me(api, rotated["accessToken"]))["data"]["me"] is None


async def test_logout_ends_the_access_token_at_once(api: Api) -> None:
    signed = await _register(api, unique_email())
    headers = {"authorization": f"Bearer {signed['accessToken']}"}
    out = await api.client.post(
        "/graphql", json={"query": "mutation { logout { ok } }"}, headers=headers
    )
    assert out.json()["data"]["logout"]["ok"] is True
    assert (await _me(api, signed["accessToken"]))["data"]["me"] is None
    gone = await api(REFRESH, {"i": {"refreshToken": signed["refreshToken"]}})
    assert gone["data"]["refreshToken"]["userErrors"][0]["code"] == "INVALID_TOKEN"


async def test_password_reset_by_mail_link_works_once(api: Api, mail: MailServer) -> None:
    email = unique_email()
    await _register(api, email)
    asked = await api(
        "mutation($e: String!) { requestPasswordReset(email: $e) { ok } }", {"e": email}
    )
    assert asked["data"]["requestPasswordReset"]["ok"] is True
    [message] = await mail.wait_for(email)
    assert message["Subject"] == "Reset your Financial RISE password"
    link = re.search(r"http://\S+/reset-password\?token=([\w-]+)", text_of(message))
    assert link is not None
    page = await api.client.get(urlsplit(link.group()).path + "?" + urlsplit(link.group()).query)
    assert page.status_code == 200  # the link opens the service's own page
    assert page.headers["content-type"].startswith("text/html")
    token = link
    reset = (
        "mutation($t: String!, $p: String!) "
        "{ resetPassword(token: $t, newPassword: $p) { ok userErrors { code field } } }"
    )
    new_password = "Balanced-Books-77"
    done = await api(reset, {"t": token.group(1), "p": new_password})
    assert done["data"]["resetPassword"] == {"ok": True, "userErrors": []}
    again = await api(reset, {"t": token.group(1), "p": "Another-Pass-99"})
    assert again["data"]["resetPassword"]["userErrors"][0]["code"] == "INVALID_TOKEN"
    login = await api(LOGIN, {"i": {"email": email, "password": new_password}})
    assert login["data"]["login"]["userErrors"] == []
    [_, confirmation] = await mail.wait_for(email, count=2)
    assert confirmation["Subject"] == "Your Financial RISE password was changed"
    assert "every session of the account was signed out" in text_of(confirmation)
    unknown = await api(
        "mutation($e: String!) { requestPasswordReset(email: $e) { ok } }", {"e": unique_email()}
    )
    assert unknown["data"]["requestPasswordReset"]["ok"] is True  # the same answer


SIGNED_IN_READ = """
mutation($i: LoginInput!) { login(input: $i) {
  user { email assessments { totalCount edges { node { clientName questions { id key } } } } }
  userErrors { code }
} }"""


async def test_what_a_login_payload_shows_is_shown_to_the_account_it_signed_in(
    api: Api,
) -> None:
    """Nested fields of a sign-in payload act for the account just signed in: its own
    assessments, with their questions, although the request carried no token."""
    email = unique_email()
    token = (await _register(api, email))["accessToken"]
    created = await api.client.post(
        "/graphql",
        json={
            "query": "mutation($i: CreateAssessmentInput!) { createAssessment(input: $i) {"
            " assessment { id } } }",
            "variables": {
                "i": {"clientName": "Ann", "clientBusinessName": "Bake", "clientEmail": email}
            },
        },
        headers={"authorization": f"Bearer {token}"},
    )
    assert created.json()["data"]["createAssessment"]["assessment"]["id"]
    result = await api(SIGNED_IN_READ, {"i": {"email": email, "password": PASSWORD}})
    assert "errors" not in result, result
    user = result["data"]["login"]["user"]
    assert user["assessments"]["totalCount"] == 1
    [edge] = user["assessments"]["edges"]
    assert edge["node"]["clientName"] == "Ann"
    assert len(edge["node"]["questions"]) > 40
