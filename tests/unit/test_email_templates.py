"""Email templates: the built-in ones, the checks of a consultant's own, rendering, and a
consultant's own in their settings (which one a kind uses, how they are stored)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.branding import ConsultantSettings, own_template, template_for, with_template
from domain.email_templates import (
    BODY_MAX,
    DEFAULTS,
    SUBJECT_MAX,
    VARIABLES,
    EmailKind,
    EmailTemplate,
    check_template,
    email_kind,
    render,
    used_variables,
)
from domain.errors import ValidationError
from persistence.settings_repository import templates_from_json, templates_to_json


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_built_in_template_passes_its_own_checks(kind: EmailKind) -> None:
    default = DEFAULTS[kind]
    assert check_template(kind, default.subject, default.body) == default


def test_the_report_email_offers_every_client_variable() -> None:
    assert VARIABLES[EmailKind.REPORT_READY] == (
        "client_name",
        "client_first_name",
        "business_name",
        "consultant_name",
        "company_name",
        "report_link",
        "booking_link",
        "expires_on",
    )


def test_variables_are_replaced_with_or_without_spaces_in_the_braces() -> None:
    text = check_template(
        EmailKind.REPORT_READY, "For {{ business_name }}", "Hi {{client_first_name}}, {x} }"
    )
    values = {"business_name": "Łódź Café", "client_first_name": "Zoë"}
    assert render(text.subject, values) == "For Łódź Café"
    assert render(text.body, values) == "Hi Zoë, {x} }"


def test_a_variable_without_a_value_is_empty() -> None:
    assert render("Book: {{booking_link}}.", {}) == "Book: ."


def test_html_rendering_escapes_values_and_words() -> None:
    values = {"client_name": '<script>alert("x")</script>'}
    assert render("Hi {{client_name}} & co", values, for_html=True) == (
        "Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"
    )
    assert render("Hi {{client_name}}", values) == 'Hi <script>alert("x")</script>'


def test_html_rendering_links_the_link_variables_and_nothing_else() -> None:
    values = {
        "report_link": 'https://rise.example/shared/a"b&c',
        "booking_link": "javascript:alert(1)",
        "client_name": "https://not-a-link.example",
    }
    assert render("{{report_link}}", values, for_html=True) == (
        '<a href="https://rise.example/shared/a&quot;b&amp;c">'
        "https://rise.example/shared/a&quot;b&amp;c</a>"
    )
    assert render("{{booking_link}}", values, for_html=True) == "javascript:alert(1)"
    assert render("{{client_name}}", values, for_html=True) == "https://not-a-link.example"
    assert render("{{report_link}}", values) == 'https://rise.example/shared/a"b&c'


def test_a_value_that_looks_like_a_variable_is_not_expanded_again() -> None:
    values = {"client_name": "{{report_link}}", "report_link": "https://secret"}
    assert render("Hi {{client_name}}", values) == "Hi {{report_link}}"


@pytest.mark.parametrize(
    ("subject", "body", "field", "words"),
    [
        ("Hi", "Dear {{client_nam}}", "body", "unknown variable {{client_nam}}"),
        ("Hi {{reset_link}}", "Body", "subject", "unknown variable {{reset_link}}"),
        ("Hi", "Dear {{client.__class__}}", "body", "unknown variable {{client.__class__}}"),
        ("Hi", "Dear {{ client_name | upper }}", "body", "unknown variable"),
        ("Hi", "Dear {{}}", "body", "unknown variable {{}}"),
        ("Hi", "Dear {{client_name}", "body", "unbalanced braces: '{{' at character 6"),
        ("Hi", "Dear client_name}}", "body", "unbalanced braces: '}}' at character 17"),
        ("Hi {{ {{business_name}}", "Body", "subject", "unbalanced braces: '{{' at character 4"),
        ("", "Body", "subject", "must not be empty"),
        ("Hi", "   ", "body", "must not be empty"),
        ("x" * (SUBJECT_MAX + 1), "Body", "subject", "at most 200 characters"),
        ("Hi\nthere", "Body", "subject", "one line"),
        ("Hi", "x" * (BODY_MAX + 1), "body", "at most 20,000 characters"),
        ("Hi", "Dear \x00", "body", "NUL"),
    ],
)
def test_a_bad_template_is_refused_naming_what_is_wrong(
    subject: str, body: str, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        check_template(EmailKind.REPORT_READY, subject, body)
    assert refused.value.field == field
    assert words in refused.value.message


def test_each_kind_offers_only_its_own_variables() -> None:
    with pytest.raises(ValidationError) as refused:
        check_template(EmailKind.PASSWORD_RESET, "Reset", "Open {{report_link}}")
    assert "unknown variable {{report_link}}" in refused.value.message
    assert check_template(EmailKind.PASSWORD_RESET, "Reset", "Open {{reset_link}}").body
    message = ""
    try:
        check_template(EmailKind.ASSESSMENT_INVITATION, "Hi", "{{expires_on}}")
    except ValidationError as error:
        message = error.message
    assert "ASSESSMENT_INVITATION offers client_name" in message


def test_a_template_is_kept_trimmed() -> None:
    template = check_template(EmailKind.REPORT_READY, "  Hi  ", "\n Body \n")
    assert (template.subject, template.body) == ("Hi", "Body")


def test_a_kind_is_named_exactly_or_refused_listing_the_kinds() -> None:
    assert email_kind("PASSWORD_RESET") is EmailKind.PASSWORD_RESET
    for name in ("report_ready", "WELCOME", "", "REPORT_READY "):
        with pytest.raises(ValidationError) as refused:
            email_kind(name)
        assert refused.value.field == "kind"
        assert "REPORT_READY, PASSWORD_RESET, ASSESSMENT_INVITATION" in refused.value.message


def test_the_variables_a_template_uses_are_listed_in_the_kinds_order() -> None:
    template = check_template(
        EmailKind.REPORT_READY,
        "{{ report_link }} for {{business_name}}",
        "Hi {{client_name}}, {{business_name}} again; {x}",
    )
    assert used_variables(template) == ("client_name", "business_name", "report_link")
    assert used_variables(check_template(EmailKind.PASSWORD_RESET, "Reset", "Plain")) == ()


OWN = EmailTemplate(EmailKind.ASSESSMENT_INVITATION, "Shall we?", "Hi {{client_first_name}}")


def test_a_kind_uses_the_consultants_own_template_or_the_built_in_one() -> None:
    settings = ConsultantSettings(uuid4(), email_templates=(OWN,))
    assert template_for(settings, EmailKind.ASSESSMENT_INVITATION) == OWN
    assert own_template(settings, EmailKind.ASSESSMENT_INVITATION) == OWN
    assert template_for(settings, EmailKind.REPORT_READY) == DEFAULTS[EmailKind.REPORT_READY]
    assert own_template(settings, EmailKind.REPORT_READY) is None
    assert template_for(None, EmailKind.PASSWORD_RESET) == DEFAULTS[EmailKind.PASSWORD_RESET]


def test_templates_are_replaced_and_removed_keeping_the_kinds_order() -> None:
    report = EmailTemplate(EmailKind.REPORT_READY, "Ready", "Here: {{report_link}}")
    both = with_template((OWN,), EmailKind.REPORT_READY, report)
    assert both == (report, OWN)
    newer = EmailTemplate(EmailKind.ASSESSMENT_INVITATION, "Now?", "Hi")
    assert with_template(both, EmailKind.ASSESSMENT_INVITATION, newer) == (report, newer)
    assert with_template(both, EmailKind.REPORT_READY, None) == (OWN,)
    assert with_template((), EmailKind.PASSWORD_RESET, None) == ()


def test_templates_are_stored_keyed_by_kind_with_the_variables_they_use() -> None:
    report = EmailTemplate(EmailKind.REPORT_READY, "For {{business_name}}", "{{report_link}}")
    stored = templates_to_json((report, OWN))
    assert stored == {
        "REPORT_READY": {
            "subject": "For {{business_name}}",
            "body": "{{report_link}}",
            "variables": ["business_name", "report_link"],
        },
        "ASSESSMENT_INVITATION": {
            "subject": "Shall we?",
            "body": "Hi {{client_first_name}}",
            "variables": ["client_first_name"],
        },
    }
    assert templates_from_json(stored) == (report, OWN)
    assert templates_to_json(()) is None
    assert templates_from_json(None) == ()


def test_a_stored_entry_no_check_passes_now_falls_back_to_the_built_in_one() -> None:
    stored = {
        "default": {"subject": "Old seed", "body": "Hi {{client_name}}"},  # no such kind
        "REPORT_READY": {"subject": "Hi", "body": "{{no_such_variable}}"},
        "PASSWORD_RESET": {"subject": "Reset", "body": None},
        "ASSESSMENT_INVITATION": {"subject": "Shall we?", "body": "Hi {{client_first_name}}"},
    }
    assert templates_from_json(stored) == (OWN,)
    assert templates_from_json(["not", "an", "object"]) == ()
