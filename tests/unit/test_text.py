"""The rule of what text the service accepts (domain.text)."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from domain.text import check_text, text_problem


@pytest.mark.parametrize(
    "text",
    ["", "Hopper Bakery", "tab\tand\nnewline", "Zoë Ångström", "名前", "\U0001f600", "\ufffd"],
)
def test_text_is_accepted_as_it_is(text: str) -> None:
    assert text_problem(text) is None
    assert check_text(text, field="client_name") is text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a\x00b", "NUL character"),
        ("\x00", "NUL character"),
        ("a\ud800b", "lone surrogate"),
        ("\udfff", "lone surrogate"),
        ("\udcff from a byte that was not UTF-8", "lone surrogate"),
        ("\ud83d\ude00", "lone surrogate"),  # two halves side by side are still not a character
    ],
)
def test_nul_and_lone_surrogates_are_refused(text: str, problem: str) -> None:
    assert problem in (text_problem(text) or "")
    with pytest.raises(ValidationError) as raised:
        check_text(text, field="client_name")
    assert raised.value.field == "client_name"
    assert raised.value.message.startswith("client name must not contain")
