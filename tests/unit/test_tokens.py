"""Access tokens: what they carry, how long they last, and what they refuse."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from server import tokens
from server.tokens import (
    ACCESS_TOKEN_LIFETIME,
    DOWNLOAD_LINK_LIFETIME,
    DownloadGrant,
    InvalidAccessToken,
    issue_access_token,
    read_access_token,
    sign_download,
    signing_key,
    verify_download,
)

SECRET = "s" * 48
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _claims() -> dict[str, object]:
    return {
        "sub": str(uuid.uuid4()),
        "iss": "financial-rise",
        "aud": "financial-rise-api",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=5)).timestamp()),
    }


def test_a_token_names_its_user_and_session_and_lasts_fifteen_minutes() -> None:
    user, session = uuid.uuid4(), uuid.uuid4()
    issued = issue_access_token(secret=SECRET, user_id=user, session_id=session, now=NOW)
    assert issued.expires_at == NOW + timedelta(minutes=15) == NOW + ACCESS_TOKEN_LIFETIME
    claims = read_access_token(issued.token, secret=SECRET, now=NOW + timedelta(minutes=14))
    assert (claims.user_id, claims.session_id) == (user, session)


def test_an_expired_token_is_refused() -> None:
    issued = issue_access_token(secret=SECRET, user_id=uuid.uuid4(), session_id=None, now=NOW)
    with pytest.raises(InvalidAccessToken):
        read_access_token(issued.token, secret=SECRET, now=NOW + ACCESS_TOKEN_LIFETIME)


def test_a_token_that_verified_is_remembered_but_still_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = issue_access_token(secret=SECRET, user_id=uuid.uuid4(), session_id=None, now=NOW)
    verifications = []
    verify = tokens._verify
    monkeypatch.setattr(tokens, "_verify", lambda *a: verifications.append(a) or verify(*a))
    for minute in (1, 2, 3):
        read_access_token(issued.token, secret=SECRET, now=NOW + timedelta(minutes=minute))
    assert len(verifications) == 1
    with pytest.raises(InvalidAccessToken):
        read_access_token(issued.token, secret=SECRET, now=NOW + ACCESS_TOKEN_LIFETIME)
    with pytest.raises(InvalidAccessToken):  # another secret verifies for itself, and fails
        read_access_token(issued.token, secret="another-" + SECRET, now=NOW)
    assert len(verifications) == 2


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "not-a-token",
        lambda token: "",
    ],
)
def test_forged_or_garbled_tokens_are_refused(tamper: object) -> None:
    issued = issue_access_token(secret=SECRET, user_id=uuid.uuid4(), session_id=None, now=NOW)
    with pytest.raises(InvalidAccessToken):
        read_access_token(tamper(issued.token), secret=SECRET, now=NOW)  # type: ignore[operator]


def test_a_token_signed_with_another_secret_or_for_another_purpose_is_refused() -> None:
    issued = issue_access_token(secret=SECRET, user_id=uuid.uuid4(), session_id=None, now=NOW)
    with pytest.raises(InvalidAccessToken):
        read_access_token(issued.token, secret="t" * 48, now=NOW)
    claims = _claims()
    other_purpose = jwt.encode(claims, signing_key(SECRET, "download-link"), algorithm="HS256")
    with pytest.raises(InvalidAccessToken):
        read_access_token(other_purpose, secret=SECRET, now=NOW)


def test_the_none_algorithm_is_refused() -> None:
    claims = _claims()
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    with pytest.raises(InvalidAccessToken):
        read_access_token(unsigned, secret=SECRET, now=NOW)


# -- download links ---------------------------------------------------------------------------

REPORT = uuid.uuid4()
GRANT = DownloadGrant(uuid.uuid4(), uuid.uuid4())


def test_a_download_link_carries_its_grant_until_it_expires() -> None:
    params = sign_download(secret=SECRET, report_id=REPORT, grant=GRANT, now=NOW)
    assert verify_download(secret=SECRET, report_id=REPORT, params=params, now=NOW) == GRANT
    last = NOW + DOWNLOAD_LINK_LIFETIME
    assert verify_download(secret=SECRET, report_id=REPORT, params=params, now=last) == GRANT
    later = last + timedelta(seconds=1)
    assert verify_download(secret=SECRET, report_id=REPORT, params=params, now=later) is None


def test_a_link_without_a_login_session_still_verifies() -> None:
    grant = DownloadGrant(uuid.uuid4(), None)
    params = sign_download(secret=SECRET, report_id=REPORT, grant=grant, now=NOW)
    assert "session" not in params
    assert verify_download(secret=SECRET, report_id=REPORT, params=params, now=NOW) == grant


@pytest.mark.parametrize(
    "change",
    [
        {"user": str(uuid.uuid4())},
        {"session": str(uuid.uuid4())},
        {"expires": "99999999999"},
        {"signature": "0" * 64},
        {"signature": "é" * 64},  # not ASCII: refused, not an error
        {"signature": "zz"},
        {"user": "not-a-uuid"},
    ],
)
def test_an_altered_link_is_refused(change: dict[str, str]) -> None:
    params = sign_download(secret=SECRET, report_id=REPORT, grant=GRANT, now=NOW) | change
    assert verify_download(secret=SECRET, report_id=REPORT, params=params, now=NOW) is None


def test_a_link_opens_only_its_own_report_and_needs_all_its_parts() -> None:
    params = sign_download(secret=SECRET, report_id=REPORT, grant=GRANT, now=NOW)
    other = uuid.uuid4()
    assert verify_download(secret=SECRET, report_id=other, params=params, now=NOW) is None
    for part in params:
        partial = {k: v for k, v in params.items() if k != part}
        assert verify_download(secret=SECRET, report_id=REPORT, params=partial, now=NOW) is None
    assert verify_download(secret="x" * 48, report_id=REPORT, params=params, now=NOW) is None
