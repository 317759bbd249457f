"""The rules for booking links (domain/scheduler_links.py): what URL, label, duration and
phases are accepted, what an update changes, and what a new order must list."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import ValidationError
from domain.model import Phase
from domain.ordering import OrderMismatch, check_order
from domain.scheduler_links import (
    LINK_ORDER,
    MAX_ACTIVE_LINKS,
    UNCHANGED,
    SchedulerLink,
    TooManyActiveLinks,
    check_changes,
    check_url,
    new_link,
    url_problem,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://calendly.com/jane-doe/30min",
        "HTTPS://Cal.com/jane?month=2026-12#top",
        "https://cal.example.com:8443/book",
        "https://zürich.example/termine",
        "https://203.0.113.7/book",
        "https://[2001:db8::1]/book",
        "https://calendly.com./jane",
        "https://" + "a" * 60 + ".example.com/" + "p" * (2048 - 81),
    ],
)
def test_https_urls_with_a_host_are_accepted(url: str) -> None:
    assert len(url) <= 2048
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "blank"),
        ("http://calendly.com/jane", "https"),
        ("javascript:alert(1)", "https"),
        ("data:text/html,<b>hi</b>", "https"),
        ("calendly.com/jane", "https"),
        ("//calendly.com/jane", "https"),
        ("https:calendly.com/jane", "host"),
        ("https:///jane", "host"),
        ("https://:443/jane", "host"),
        ("https://jane:secret@calendly.com/", "user name or password"),
        ("https://jane@calendly.com/", "user name or password"),
        ("https://calendly.com@evil.example/", "user name or password"),
        ("https://cal endly.com/", "spaces"),
        ("https://calendly.com/jane doe", "spaces"),
        ("https://calendly.com/\tjane", "control"),
        ("https://calendly.com/jane\u202egnp.exe", "control"),  # right-to-left override
        ("https://calendly.com/jane\u00a0", "spaces"),  # a no-break space
        ("https://calendly.com/\x00", "NUL"),
        ("https://calendly.com/\ud800", "surrogate"),
        ("https://calendly.com\\@evil.example/", "backslash"),
        ("https://calendly.com:99999/", "port"),
        ("https://calendly.com:http/", "port"),
        ("https://[2001:db8::1/", "host"),
        ("https://[not-an-address]/", "host"),
        ("https://-calendly.com/", "host"),
        ("https://calendly..com/", "host"),
        ("https://cal_endly.com/", "host"),
        ("https://999.0.0.1/", "host"),
        ("https://" + "a" * 64 + ".com/", "host"),
        ("https://calendly.com/" + "p" * 2028, "2048"),
    ],
)
def test_other_urls_are_refused_saying_why(url: str, problem: str) -> None:
    found = url_problem(url)
    assert found is not None
    assert problem in found.replace(",", "")


def test_a_url_is_trimmed_and_its_error_names_the_field() -> None:
    assert check_url("  https://calendly.com/jane \n") == "https://calendly.com/jane"
    with pytest.raises(ValidationError) as raised:
        check_url("http://calendly.com/jane")
    assert raised.value.field == "scheduler_url"
    assert raised.value.message.startswith("the scheduler URL must start with https://")


def _refused(**fields: object) -> ValidationError:
    given: dict[str, object] = {"label": "Intro call", "url": "https://cal.example.com/intro"}
    with pytest.raises(ValidationError) as raised:
        new_link(**(given | fields))  # type: ignore[arg-type]
    return raised.value


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"label": ""}, "meeting_type_label", "must not be blank"),
        ({"label": "   "}, "meeting_type_label", "must not be blank"),
        ({"label": "x" * 101}, "meeting_type_label", "at most 100"),
        ({"label": "Intro\x07call"}, "meeting_type_label", "control characters"),
        ({"label": "Intro\x00"}, "meeting_type_label", "NUL"),
        ({"label": "Intro\udc00"}, "meeting_type_label", "surrogate"),
        ({"url": "ftp://cal.example.com"}, "scheduler_url", "https"),
        ({"url": "https://cal.example.com/\x00"}, "scheduler_url", "NUL"),
        ({"duration_minutes": 4}, "duration_minutes", "from 5 to 480 minutes, not 4"),
        ({"duration_minutes": 481}, "duration_minutes", "not 481"),
        ({"duration_minutes": 0}, "duration_minutes", "not 0"),
        ({"duration_minutes": -30}, "duration_minutes", "not -30"),
        ({"duration_minutes": True}, "duration_minutes", "whole number"),
        (
            {"recommended_for_phases": [Phase.BUILD, Phase.GROW, Phase.BUILD]},
            "recommended_for_phases",
            "repeated: BUILD",
        ),
    ],
)
def test_each_bad_field_is_named(fields: dict[str, object], field: str, words: str) -> None:
    error = _refused(**fields)
    assert error.field == field
    assert words in error.message


def test_a_new_link_is_cleaned() -> None:
    link = new_link(
        label="  Intro call ",
        url=" https://cal.example.com/intro",
        duration_minutes=480,
        recommended_for_phases=[Phase.GROW, Phase.STABILIZE],
    )
    assert link == SchedulerLink(
        "Intro call",
        "https://cal.example.com/intro",
        480,
        (Phase.STABILIZE, Phase.GROW),  # a set, in the phases' own order
        is_active=True,
    )
    assert new_link(label="x", url="https://a.example", duration_minutes=5).duration_minutes == 5
    assert new_link(label="x" * 100, url="https://a.example").duration_minutes is None


def test_an_update_changes_only_what_it_names() -> None:
    link = SchedulerLink("Intro", "https://a.example/i", 30, (Phase.BUILD,), is_active=True)
    assert check_changes().applied_to(link) == link
    assert check_changes(label=" Deep dive ").applied_to(link).label == "Deep dive"
    assert check_changes(duration_minutes=None).applied_to(link).duration_minutes is None
    assert check_changes(duration_minutes=UNCHANGED).applied_to(link).duration_minutes == 30
    assert check_changes(recommended_for_phases=[]).applied_to(link).recommended_for_phases == ()
    assert check_changes(is_active=False).applied_to(link).is_active is False
    with pytest.raises(ValidationError) as raised:
        check_changes(label="fine", url="https://a.example", duration_minutes=500)
    assert raised.value.field == "duration_minutes"


def test_the_limit_names_is_active() -> None:
    error = TooManyActiveLinks()
    assert error.field == "is_active"
    assert f"at most {MAX_ACTIVE_LINKS} active" in error.message


A, B, C, D = (uuid.UUID(int=n) for n in range(1, 5))


def test_an_order_lists_every_live_link_once() -> None:
    check_order([A, B, C], [C, A, B], LINK_ORDER)
    check_order([], [], LINK_ORDER)


@pytest.mark.parametrize(
    ("given", "missing", "extra", "repeated"),
    [
        ([A, B], [C], [], []),
        ([A, B, C, D], [], [D], []),
        ([A, B, C, A], [], [], [A]),
        ([A, A, A, B], [C], [], [A]),
        ([D, D, B], [A, C], [D], [D]),
        ([], [A, B, C], [], []),
    ],
)
def test_an_order_that_is_not_the_whole_list_says_what_is_wrong(
    given: list[uuid.UUID],
    missing: list[uuid.UUID],
    extra: list[uuid.UUID],
    repeated: list[uuid.UUID],
) -> None:
    with pytest.raises(OrderMismatch) as raised:
        check_order([A, B, C], given, LINK_ORDER)
    error = raised.value
    assert (list(error.missing), list(error.extra), list(error.repeated)) == (
        missing,
        extra,
        repeated,
    )
    assert error.field == "ids"
    named = error.describe(lambda key: f"<{key.int}>")
    for label, ids in (
        ("missing", missing),
        ("not one of your links", extra),
        ("repeated", repeated),
    ):
        assert (label in named) == bool(ids), named
        for key in ids:
            assert f"<{key.int}>" in named


def test_a_long_list_of_wrong_ids_is_counted_not_all_named() -> None:
    strangers = [uuid.uuid4() for _ in range(25)]
    with pytest.raises(OrderMismatch) as raised:
        check_order([A], [A, *strangers], LINK_ORDER)
    message = raised.value.message
    assert "and 15 more" in message
    assert str(strangers[9]) in message
    assert str(strangers[10]) not in message
