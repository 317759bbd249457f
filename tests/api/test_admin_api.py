"""Administration through GraphQL: who may, and the rules that keep an administrator."""

from __future__ import annotations

import pytest

from server.graphql.ids import to_global_id
from tests.api.conftest import Api
from tests.builders import unique_email

PASSWORD = "Ledger-Balance-42"
UPDATE = """mutation($i: UpdateUserInput!) { updateUser(input: $i) {
  user { email role isActive } userErrors { field code message } } }"""
CREATE = """mutation($i: CreateUserInput!) { createUser(input: $i) {
  user { email role } userErrors { field code } } }"""


def gid(account: object) -> str:
    return str(to_global_id("User", account.id))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "operation",
    [
        "{ users { totalCount } }",
        "{ activityLogs { totalCount } }",
        'mutation { unlockUser(id: "x") { userErrors { code } } }',
    ],
)
async def test_consultants_are_forbidden_and_strangers_unauthenticated(
    api: Api, operation: str
) -> None:
    as_consultant = await api(operation, as_=api.account())
    assert as_consultant["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await api(operation)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_admins_list_create_and_search_accounts(api: Api) -> None:
    boss = api.account("admin")
    email = unique_email()
    account = {"email": email, "password": PASSWORD, "firstName": "Max", "lastName": "Planck"}
    created = await api(CREATE, {"i": account | {"role": "ADMIN"}}, as_=boss)
    expected = {"user": {"email": email, "role": "ADMIN"}, "userErrors": []}
    assert created["data"]["createUser"] == expected
    search = "query($s: String) { users(search: $s, role: ADMIN) { edges { node { email } } } }"
    found = await api(search, {"s": email.split("@")[0].upper()}, as_=boss)
    assert [e["node"]["email"] for e in found["data"]["users"]["edges"]] == [email]
    weak = await api(
        CREATE, {"i": account | {"email": unique_email(), "password": "short"}}, as_=boss
    )
    assert weak["data"]["createUser"]["userErrors"][0]["code"] == "VALIDATION"


async def test_deactivation_takes_effect_on_the_next_request(api: Api) -> None:
    boss, worker = api.account("admin"), api.account()
    assert (await api("{ me { email } }", as_=worker))["data"]["me"]["email"] == worker.email
    result = await api(UPDATE, {"i": {"id": gid(worker), "isActive": False}}, as_=boss)
    assert result["data"]["updateUser"]["user"]["isActive"] is False
    assert (await api("{ me { email } }", as_=worker))["data"]["me"] is None


async def test_nobody_demotes_themselves_or_the_last_admin(api: Api) -> None:
    boss = api.account("admin")
    self_demotion = await api(UPDATE, {"i": {"id": gid(boss), "role": "CONSULTANT"}}, as_=boss)
    assert self_demotion["data"]["updateUser"]["userErrors"][0]["code"] == "CONFLICT"
    other = api.account("admin")
    demoted = await api(UPDATE, {"i": {"id": gid(other), "role": "CONSULTANT"}}, as_=boss)
    assert demoted["data"]["updateUser"]["user"]["role"] == "CONSULTANT"


async def test_unknown_users_are_not_found(api: Api) -> None:
    boss = api.account("admin")
    result = await api(UPDATE, {"i": {"id": "not-an-id", "isActive": False}}, as_=boss)
    assert result["data"]["updateUser"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_the_audit_trail_lists_sign_in_events(api: Api) -> None:
    boss = api.account("admin")
    email = unique_email()
    account = {"email": email, "password": PASSWORD, "firstName": "A", "lastName": "B"}
    await api(CREATE, {"i": account}, as_=boss)
    wrong = (
        "mutation($e: String!) "
        '{ login(input: {email: $e, password: "Wrong-1-pass"}) { accessToken } }'
    )
    await api(wrong, {"e": email})
    trail = (
        "{ activityLogs(category: AUTH, first: 100) "
        "{ edges { node { eventType user { email } } } } }"
    )
    edges = (await api(trail, as_=boss))["data"]["activityLogs"]["edges"]
    events = [(e["node"]["eventType"], (e["node"]["user"] or {}).get("email")) for e in edges]
    assert ("auth.login_failed", email) in events
