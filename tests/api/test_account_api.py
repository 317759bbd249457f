"""An account's own changes through GraphQL: updateMe and changePassword (validation, the
lockout, the end of the other logins, the rate limit, the audit rows), and who sees an
account's lockout (lockedUntil, failedLoginAttempts: administrators only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from server.app import create_app
from server.graphql.ids import to_global_id
from server.settings import Settings
from tests.api.conftest import Account, Api, roomy_rules
from tests.builders import unique_address, unique_email
from tests.database import execute, query

PASSWORD = "Ledger-Balance-42"
NEW_PASSWORD = "Fresh-Start-2026!"
WRONG = "Wrong-Password-1!"

UPDATE_ME = """mutation($i: UpdateMeInput!) { updateMe(input: $i) {
  user { email firstName lastName } userErrors { field code message } } }"""
CHANGE = """mutation($i: ChangePasswordInput!) { changePassword(input: $i) {
  ok userErrors { field code message } } }"""
LOGIN = """mutation($i: LoginInput!) { login(input: $i) {
  accessToken refreshToken userErrors { code } } }"""
REFRESH = """mutation($t: String!) { refreshToken(input: {refreshToken: $t}) {
  accessToken refreshToken userErrors { code } } }"""
LOCKOUT = "lockedUntil failedLoginAttempts"


@dataclass(frozen=True)
class Login:
    """One login of an account: its tokens."""

    account: Account
    refresh_token: str


async def _register(api: Api, password: str = PASSWORD) -> Login:
    email = unique_email()
    variables = {"i": {"email": email, "password": password, "firstName": "Ann", "lastName": "Lee"}}
    result = await api(
        "mutation($i: RegisterInput!) { register(input: $i) "
        "{ accessToken refreshToken user { id } userErrors { code } } }",
        variables,
    )
    payload = result["data"]["register"]
    assert payload["userErrors"] == [], payload
    [(user_id,)] = query(api.url, "SELECT id FROM users WHERE email = :e", e=email)
    return Login(Account(user_id, email, payload["accessToken"]), payload["refreshToken"])


async def _login(api: Api, account: Account, password: str = PASSWORD) -> dict[str, Any]:
    result = await api(LOGIN, {"i": {"email": account.email, "password": password}})
    payload: dict[str, Any] = result["data"]["login"]
    return payload


async def _second_login(api: Api, first: Login) -> Login:
    payload = await _login(api, first.account)
    assert payload["userErrors"] == [], payload
    account = Account(first.account.id, first.account.email, payload["accessToken"])
    return Login(account, payload["refreshToken"])


async def _change(
    api: Api, who: Account, current: str = PASSWORD, new: str = NEW_PASSWORD
) -> dict[str, Any]:
    result = await api(CHANGE, {"i": {"currentPassword": current, "newPassword": new}}, as_=who)
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["changePassword"]
    return payload


async def _me(api: Api, who: Account) -> Any:
    return (await api("{ me { email firstName lastName } }", as_=who))["data"]["me"]


def _events(api: Api, user_id: UUID, event_type: str) -> list[Any]:
    return query(
        api.url,
        "SELECT event_category, description, metadata, ip_address FROM activity_logs "
        "WHERE user_id = :u AND event_type = :t ORDER BY created_at, id",
        u=user_id,
        t=event_type,
    )


def _names(api: Api, user_id: UUID) -> tuple[str, str]:
    [row] = query(api.url, "SELECT first_name, last_name FROM users WHERE id = :u", u=user_id)
    return row.first_name, row.last_name


# -- updateMe --------------------------------------------------------------------------------


async def test_update_me_changes_the_viewers_names_and_audits_old_and_new(api: Api) -> None:
    me = api.account()  # named Test User
    result = await api(UPDATE_ME, {"i": {"firstName": "  Grace ", "lastName": "Hopper"}}, as_=me)
    assert result["data"]["updateMe"] == {
        "user": {"email": me.email, "firstName": "Grace", "lastName": "Hopper"},
        "userErrors": [],
    }
    assert await _me(api, me) == {"email": me.email, "firstName": "Grace", "lastName": "Hopper"}
    [event] = _events(api, me.id, "user.profile_updated")
    assert event.event_category == "admin"
    assert event.metadata == {
        "changes": {
            "first_name": {"old": "Test", "new": "Grace"},
            "last_name": {"old": "User", "new": "Hopper"},
        }
    }
    assert me.email in event.description

    # One name alone: the other stays, and the audit row names only the one that changed.
    only_last = await api(UPDATE_ME, {"i": {"lastName": "Murray Hopper"}}, as_=me)
    assert only_last["data"]["updateMe"]["user"]["firstName"] == "Grace"
    assert _names(api, me.id) == ("Grace", "Murray Hopper")
    latest = _events(api, me.id, "user.profile_updated")[-1]
    assert latest.metadata == {"changes": {"last_name": {"old": "Hopper", "new": "Murray Hopper"}}}


async def test_update_me_with_nothing_new_changes_nothing_and_audits_nothing(api: Api) -> None:
    me = api.account()
    for names in ({}, {"firstName": "Test", "lastName": " User "}, {"firstName": None}):
        result = await api(UPDATE_ME, {"i": names}, as_=me)
        assert result["data"]["updateMe"] == {
            "user": {"email": me.email, "firstName": "Test", "lastName": "User"},
            "userErrors": [],
        }
    assert _events(api, me.id, "user.profile_updated") == []


@pytest.mark.parametrize(
    ("names", "field", "message"),
    [
        ({"firstName": "   "}, "firstName", "first name must not be blank"),
        ({"lastName": ""}, "lastName", "last name must not be blank"),
        ({"firstName": "A" * 101}, "firstName", "first name must be at most 100 characters"),
        ({"lastName": "Hop\tper"}, "lastName", "last name must not contain control characters"),
        ({"firstName": "Grace", "lastName": "x" * 101}, "lastName", "at most 100 characters"),
    ],
    ids=["blank-first", "empty-last", "long-first", "control-last", "good-first-long-last"],
)
async def test_update_me_refuses_names_registration_refuses(
    api: Api, names: dict[str, str], field: str, message: str
) -> None:
    me = api.account()
    result = await api(UPDATE_ME, {"i": names}, as_=me)
    payload = result["data"]["updateMe"]
    assert payload["user"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ([field], "VALIDATION")
    assert message in error["message"]
    assert _names(api, me.id) == ("Test", "User")  # nothing changed, not even the good name
    assert _events(api, me.id, "user.profile_updated") == []


async def test_registration_refuses_the_same_names(api: Api) -> None:
    """One rule for names: what updateMe refuses, register refuses alike."""
    variables = {
        "i": {"email": unique_email(), "password": PASSWORD, "firstName": " ", "lastName": "L"}
    }
    result = await api(
        "mutation($i: RegisterInput!) { register(input: $i) { userErrors { field message } } }",
        variables,
    )
    mine = await api(UPDATE_ME, {"i": {"firstName": " "}}, as_=api.account())
    assert (
        result["data"]["register"]["userErrors"][0]["message"]
        == mine["data"]["updateMe"]["userErrors"][0]["message"]
    )


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (UPDATE_ME, {"i": {"firstName": "Grace"}}),
        (CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}),
    ],
    ids=["updateMe", "changePassword"],
)
async def test_anonymous_callers_must_sign_in(
    api: Api, document: str, variables: dict[str, Any]
) -> None:
    result = await api(document, variables)
    [error] = result["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert result["data"] is None


async def test_an_ended_login_cannot_change_anything(api: Api) -> None:
    first = await _register(api)
    out = await api("mutation { logout { ok } }", as_=first.account)
    assert out["data"]["logout"]["ok"] is True
    for document, variables in [
        (UPDATE_ME, {"i": {"firstName": "Mallory"}}),
        (CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}),
    ]:
        result = await api(document, variables, as_=first.account)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _names(api, first.account.id) == ("Ann", "Lee")
    assert (await _login(api, first.account))["userErrors"] == []  # the old password stays


# -- changePassword --------------------------------------------------------------------------


async def test_change_password_ends_every_other_login_and_keeps_this_one(api: Api) -> None:
    this = await _register(api)
    other = await _second_login(api, this)
    third = await _second_login(api, this)
    assert await _me(api, other.account) is not None

    assert await _change(api, this.account) == {"ok": True, "userErrors": []}

    # The other logins are over: their access tokens at once, their refresh tokens too.
    for ended in (other, third):
        assert await _me(api, ended.account) is None
        refused = (await api(REFRESH, {"t": ended.refresh_token}))["data"]["refreshToken"]
        assert [e["code"] for e in refused["userErrors"]] == ["INVALID_TOKEN"]
    # This one goes on, and its refresh token still rotates.
    assert (await _me(api, this.account))["email"] == this.account.email
    rotated = (await api(REFRESH, {"t": this.refresh_token}))["data"]["refreshToken"]
    assert rotated["userErrors"] == []
    # The new password signs in; the old one no longer does.
    assert [e["code"] for e in (await _login(api, this.account))["userErrors"]] == [
        "INVALID_CREDENTIALS"
    ]
    assert (await _login(api, this.account, NEW_PASSWORD))["userErrors"] == []

    sessions = query(
        api.url,
        "SELECT family_id, revoked_reason FROM sessions WHERE user_id = :u ORDER BY created_at, id",
        u=this.account.id,
    )
    by_family: dict[UUID, set[str | None]] = {}
    for row in sessions:
        by_family.setdefault(row.family_id, set()).add(row.revoked_reason)
    this_family = sessions[0].family_id
    assert by_family[this_family] == {"rotated", None}  # rotated once, the newest active
    ended_reasons = [by_family[row.family_id] for row in sessions[1:3]]
    assert ended_reasons == [{"password_reset"}, {"password_reset"}]

    [event] = _events(api, this.account.id, "auth.password_changed")
    assert event.event_category == "auth"
    assert event.metadata["sessions_revoked"] == 2
    assert str(event.ip_address) == "192.0.2.10"  # the suite's client address


async def test_no_audit_row_holds_a_password(api: Api) -> None:
    this = await _register(api)
    await _change(api, this.account, WRONG)
    await _change(api, this.account)
    rows = query(
        api.url, "SELECT row_to_json(a)::text AS row FROM activity_logs a WHERE user_id = :u",
        u=this.account.id,
    )  # fmt: skip
    assert len(rows) >= 4  # registered, login, the failure, the change
    for (text,) in rows:
        for secret in (PASSWORD, NEW_PASSWORD, WRONG):
            assert secret not in text


async def test_a_wrong_current_password_is_a_user_error_and_a_failed_login(api: Api) -> None:
    this = await _register(api)
    payload = await _change(api, this.account, WRONG)
    assert payload == {
        "ok": False,
        "userErrors": [
            {
                "field": ["currentPassword"],
                "code": "INVALID_CREDENTIALS",
                "message": "the current password is incorrect",
            }
        ],
    }
    [failure] = _events(api, this.account.id, "auth.login_failed")
    assert failure.metadata["reason"] == "wrong_current_password"
    assert failure.metadata["attempts"] == 1
    [row] = query(
        api.url, "SELECT failed_login_attempts FROM users WHERE id = :u", u=this.account.id
    )
    assert row.failed_login_attempts == 1
    assert _events(api, this.account.id, "auth.password_changed") == []
    assert (await _login(api, this.account))["userErrors"] == []  # the password is unchanged


async def test_wrong_current_passwords_lock_the_account_like_failed_logins(api: Api) -> None:
    this = await _register(api)
    # Two failed logins and three wrong current passwords: five failures in the window.
    for _ in range(2):
        assert [e["code"] for e in (await _login(api, this.account, WRONG))["userErrors"]] == [
            "INVALID_CREDENTIALS"
        ]
    codes = [
        [(e["field"], e["code"]) for e in (await _change(api, this.account, WRONG))["userErrors"]]
        for _ in range(3)
    ]
    assert codes == [[(["currentPassword"], "INVALID_CREDENTIALS")]] * 2 + [
        [(None, "ACCOUNT_LOCKED")]
    ]
    # Locked: neither the right password at login nor the right current password gets in,
    # and the refusal is not counted.
    assert [e["code"] for e in (await _login(api, this.account))["userErrors"]] == [
        "ACCOUNT_LOCKED"
    ]
    locked = await _change(api, this.account)
    assert [e["code"] for e in locked["userErrors"]] == ["ACCOUNT_LOCKED"]
    assert "try again after" in locked["userErrors"][0]["message"]
    [row] = query(
        api.url,
        "SELECT failed_login_attempts, account_locked_until FROM users WHERE id = :u",
        u=this.account.id,
    )
    assert row.failed_login_attempts == 5
    assert row.account_locked_until > datetime.now(UTC) + timedelta(minutes=14)
    blocked = _events(api, this.account.id, "auth.login_blocked")
    assert [e.description.split(":")[0] for e in blocked] == [
        "login refused",
        "password change refused",
    ]
    assert _events(api, this.account.id, "auth.password_changed") == []
    # This login's access token still works: a lock stops signing in, not a session.
    assert await _me(api, this.account) is not None


async def test_a_right_current_password_clears_the_failures(api: Api) -> None:
    this = await _register(api)
    await _change(api, this.account, WRONG)
    assert (await _change(api, this.account))["ok"] is True
    [row] = query(
        api.url, "SELECT failed_login_attempts FROM users WHERE id = :u", u=this.account.id
    )
    assert row.failed_login_attempts == 0


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-1A!", "password must be at least 12 characters long"),
        ("lowercase-only-pass-1", "contain an upper-case letter"),
        ("No-Digits-Here-At-All", "contain a digit"),
        ("A1-" + "x" * 126, "password must be at most 128 characters long"),
    ],
    ids=["short", "no-upper", "no-digit", "too-long"],
)
async def test_the_new_password_must_meet_the_policy(api: Api, new: str, message: str) -> None:
    this = await _register(api)
    payload = await _change(api, this.account, PASSWORD, new)
    assert payload["ok"] is False
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["newPassword"], "VALIDATION")
    assert message in error["message"]
    assert (await _login(api, this.account))["userErrors"] == []  # unchanged
    assert _events(api, this.account.id, "auth.login_failed") == []  # and no failure counted


@pytest.fixture
async def strict_app(database_url: str) -> AsyncIterator[Starlette]:
    rules = roomy_rules() | {"change_password": ("100/minute", "2/minute")}
    app = create_app(Settings(secret_key=SecretStr("c" * 40)), database_url, rate_rules=rules)
    async with app.router.lifespan_context(app):
        yield app


async def test_change_password_is_rate_limited_per_account(
    strict_app: Starlette, database_url: str
) -> None:
    # An address of its own: the windows are shared with every other app on this database.
    transport = httpx.ASGITransport(app=strict_app, client=(unique_address(), 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://rise") as client:
        api = Api(client, database_url)
        this = (await _register(api)).account
        codes = []
        for _ in range(3):
            body = await api(
                CHANGE, {"i": {"currentPassword": WRONG, "newPassword": NEW_PASSWORD}}, as_=this
            )
            codes.append(
                body["errors"][0]["extensions"]["code"]
                if "errors" in body
                else body["data"]["changePassword"]["userErrors"][0]["code"]
            )
        assert codes == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]
        # The refused attempt was not counted as a failed login.
        assert len(_events(api, this.id, "auth.login_failed")) == 2


# -- lockedUntil and failedLoginAttempts -------------------------------------------------------


def _lock(api: Api, account: Account, until: datetime, attempts: int = 5) -> None:
    execute(
        api.url,
        "UPDATE users SET failed_login_attempts = :n, account_locked_until = :t WHERE id = :u",
        n=attempts,
        t=until,
        u=account.id,
    )


async def test_administrators_see_the_lockout_of_any_account(api: Api) -> None:
    admin, locked = api.account("admin"), api.account()
    until = (datetime.now(UTC) + timedelta(minutes=10)).replace(microsecond=0)
    _lock(api, locked, until)
    node = await api(
        f"query($id: ID!) {{ node(id: $id) {{ ... on User {{ email {LOCKOUT} }} }} }}",
        {"id": to_global_id("User", locked.id)},
        as_=admin,
    )
    assert node["data"]["node"]["email"] == locked.email
    assert node["data"]["node"]["failedLoginAttempts"] == 5
    assert datetime.fromisoformat(node["data"]["node"]["lockedUntil"]) == until
    listed = await api(
        f"query($s: String) {{ users(search: $s) {{ edges {{ node {{ email {LOCKOUT} }} }} }} }}",
        {"s": locked.email},
        as_=admin,
    )
    [edge] = listed["data"]["users"]["edges"]
    assert edge["node"]["failedLoginAttempts"] == 5
    assert datetime.fromisoformat(edge["node"]["lockedUntil"]) == until
    own = await api(f"{{ me {{ {LOCKOUT} }} }}", as_=admin)
    assert own["data"]["me"] == {"lockedUntil": None, "failedLoginAttempts": 0}


async def test_a_lock_that_has_run_out_reads_null_with_its_failures_still_counted(
    api: Api,
) -> None:
    admin, account = api.account("admin"), api.account()
    _lock(api, account, datetime.now(UTC) - timedelta(minutes=1), attempts=7)
    node = await api(
        f"query($id: ID!) {{ node(id: $id) {{ ... on User {{ {LOCKOUT} }} }} }}",
        {"id": to_global_id("User", account.id)},
        as_=admin,
    )
    assert node["data"]["node"] == {"lockedUntil": None, "failedLoginAttempts": 7}


async def test_nobody_else_sees_a_lockout_not_even_the_account_itself(api: Api) -> None:
    this = await _register(api)
    await _change(api, this.account, WRONG)
    _lock(api, this.account, datetime.now(UTC) + timedelta(minutes=10))
    own = await api(f"{{ me {{ email {LOCKOUT} }} }}", as_=this.account)
    assert own["data"]["me"] == {
        "email": this.account.email,
        "lockedUntil": None,
        "failedLoginAttempts": None,
    }
    assert "errors" not in own
    # Reached another way, by its global id, it stays hidden.
    node = await api(
        f"query($id: ID!) {{ node(id: $id) {{ ... on User {{ {LOCKOUT} }} }} }}",
        {"id": to_global_id("User", this.account.id)},
        as_=this.account,
    )
    assert node["data"]["node"] == {"lockedUntil": None, "failedLoginAttempts": None}
