"""API.md password policy, RFC 5321/5322 email addresses and personal names."""

from __future__ import annotations

import pytest

from domain.accounts import check_password, clean_name, normalize_email
from domain.errors import ValidationError, WeakPassword


@pytest.mark.parametrize(
    "password",
    ["Correct-Horse-9", "aB3$aB3$aB3$", "Ünïcødé-Pässwörd-7", "x" * 100 + "A1!"],
)
def test_password_meeting_the_policy_is_accepted(password: str) -> None:
    assert check_password(password) == password


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("aB3$aB3$aB3", "at least 12 characters"),  # 11 characters
        ("correct-horse-9", "upper-case letter"),
        ("CORRECT-HORSE-9", "lower-case letter"),
        ("Correct-Horse-!", "digit"),
        ("CorrectHorse99", "symbol"),
        ("Correct Horse 9", "symbol"),  # a space is not a symbol
    ],
)
def test_password_missing_one_requirement_names_it(password: str, missing: str) -> None:
    with pytest.raises(WeakPassword) as raised:
        check_password(password)
    assert missing in raised.value.message
    assert raised.value.field == "password"


def test_password_missing_everything_lists_every_requirement_in_one_sentence() -> None:
    with pytest.raises(WeakPassword) as raised:
        check_password("")
    assert raised.value.message == (
        "password must be at least 12 characters long, contain an upper-case letter, "
        "contain a lower-case letter, contain a digit and contain a symbol such as ! ? # or %"
    )


def test_password_longer_than_the_ceiling_is_refused() -> None:
    with pytest.raises(WeakPassword, match="at most 128"):
        check_password("aB3$" * 33)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Smith@Example.COM ", "ann.smith@example.com"),
        ("o'brien+tax@firm.co.uk", "o'brien+tax@firm.co.uk"),
        ("ledger@xn--bcher-kva.example", "ledger@xn--bcher-kva.example"),
        ("kontakt@bücher.example", "kontakt@bücher.example"),
        ("a" * 64 + "@example.com", "a" * 64 + "@example.com"),
    ],
)
def test_valid_email_is_trimmed_and_lower_cased(raw: str, normalized: str) -> None:
    assert normalize_email(raw) == normalized


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "ann smith@example.com",
        ".ann@example.com",
        "ann.@example.com",
        "ann..smith@example.com",
        "ann@example..com",
        "ann@-example.com",
        "ann@example-.com",
        "ann@exa_mple.com",
        "ann@example.123",
        'ann"@example.com',
        "ann@[10.0.0.1]",
        "ann(comment)@example.com",
        "a" * 65 + "@example.com",
        "ann@" + "a" * 64 + ".com",
        "a" * 64 + "@" + ("a" * 60 + ".") * 4 + "com",  # 312 characters, over 254
        "ann\n@example.com",
    ],
)
def test_invalid_email_is_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_email(raw)
    assert raised.value.field == "email"
    assert raised.value.message


def test_email_error_names_the_callers_field() -> None:
    with pytest.raises(ValidationError) as raised:
        normalize_email("nope", field="client_email")
    assert raised.value.field == "client_email"


def test_name_is_trimmed() -> None:
    assert clean_name("  Grace  ", field="first_name") == "Grace"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "must not be blank"),
        (" \t ", "must not be blank"),
        ("x" * 101, "at most 100 characters"),
        ("Gr\x07ace", "control characters"),
        ("Gr\x00ace", "NUL character"),
        ("Gr\ud800ace", "lone surrogate"),
    ],
)
def test_bad_name_is_refused(raw: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as raised:
        clean_name(raw, field="first_name")
    assert raised.value.message.startswith("first name")


def test_name_at_the_length_limit_is_accepted() -> None:
    assert clean_name("x" * 100, field="last_name") == "x" * 100
