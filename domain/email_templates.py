"""Email templates: the kinds of message the service sends, the variables each kind offers,
the built-in wording, the checks a consultant's own wording must pass, and rendering.

A template is plain text with variables written `{{name}}` (spaces inside the braces are
allowed: `{{ client_name }}`). Nothing else in it has a meaning: there are no expressions,
filters, loops or attribute lookups, so a template can never run code or reach anything but
the values it is given. A lone `{` or `}` is ordinary text; a `{{` without its `}}` (or the
reverse) is an error, as is a variable the kind does not offer.

Rendering for an HTML part escapes every value (`&`, `<`, `>`, quotes), so a client's name
such as `<b>Ann</b>` arrives as text; the template's own words are escaped as well. The
value of a link variable (`report_link`, `booking_link`, `reset_link`) that is an http(s)
address becomes a link to itself.
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.text import check_text

SUBJECT_MAX = 200
BODY_MAX = 20_000


class EmailKind(enum.StrEnum):
    REPORT_READY = "REPORT_READY"
    PASSWORD_RESET = "PASSWORD_RESET"
    ASSESSMENT_INVITATION = "ASSESSMENT_INVITATION"


_CLIENT = ("client_name", "client_first_name", "business_name")
_CONSULTANT = ("consultant_name", "company_name")

# The variables each kind offers, in the order they are listed to a consultant.
VARIABLES: Mapping[EmailKind, tuple[str, ...]] = {
    EmailKind.REPORT_READY: (
        *_CLIENT,
        *_CONSULTANT,
        "report_link",
        "booking_link",
        "expires_on",
    ),
    EmailKind.PASSWORD_RESET: ("consultant_name", "company_name", "reset_link", "expires_on"),
    EmailKind.ASSESSMENT_INVITATION: (*_CLIENT, *_CONSULTANT, "booking_link"),
}


@dataclass(frozen=True, slots=True)
class EmailTemplate:
    kind: EmailKind
    subject: str
    body: str


DEFAULTS: Mapping[EmailKind, EmailTemplate] = {
    EmailKind.REPORT_READY: EmailTemplate(
        EmailKind.REPORT_READY,
        "Your financial readiness report for {{business_name}}",
        "Hi {{client_first_name}},\n\n"
        "Thank you for the time you spent on the financial readiness assessment for "
        "{{business_name}}. Your personal report is ready: it shows where your finances "
        "stand today and the steps that will make the biggest difference next.\n\n"
        "Read it here: {{report_link}}\n"
        "(the link works until {{expires_on}})\n\n"
        "When you are ready to talk it through, book a time that suits you: {{booking_link}}\n\n"
        "{{consultant_name}}\n{{company_name}}",
    ),
    EmailKind.PASSWORD_RESET: EmailTemplate(
        EmailKind.PASSWORD_RESET,
        "Reset your Financial RISE password",
        "Hi {{consultant_name}},\n\n"
        "Someone asked to reset the password of your Financial RISE account. To choose a new "
        "one, open this link: {{reset_link}}\n\n"
        "The link works once, until {{expires_on}}. If you did not ask for it, ignore this "
        "message: your password stays as it is.",
    ),
    EmailKind.ASSESSMENT_INVITATION: EmailTemplate(
        EmailKind.ASSESSMENT_INVITATION,
        "Let's look at the finances of {{business_name}} together",
        "Hi {{client_first_name}},\n\n"
        "I'd like to walk through a short financial readiness assessment with you: about "
        "30 to 45 minutes of questions about how {{business_name}} runs its money today. "
        "There are no wrong answers, and you'll come away with a clear plan for what to do "
        "next.\n\n"
        "Book a time that suits you: {{booking_link}}\n\n"
        "{{consultant_name}}\n{{company_name}}",
    ),
}

_TOKEN = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_NAME = re.compile(r"[a-z_]+")


def _parts(text: str, field: str) -> list[tuple[bool, str]]:
    """The text as (is_variable, piece) pairs: literal text and variable names in order. A
    `{{` or `}}` outside a well-formed `{{name}}` is a ValidationError naming where it is."""
    parts: list[tuple[bool, str]] = []
    position = 0
    for match in _TOKEN.finditer(text):
        _literal(text[position : match.start()], position, field, parts)
        parts.append((True, match.group(1)))
        position = match.end()
    _literal(text[position:], position, field, parts)
    return parts


def _literal(piece: str, offset: int, field: str, parts: list[tuple[bool, str]]) -> None:
    for brace in ("{{", "}}"):
        at = piece.find(brace)
        if at >= 0:
            raise ValidationError(
                field,
                f"{field} has unbalanced braces: {brace!r} at character {offset + at + 1} has "
                "no partner; write variables as {{name}}",
            )
    if piece:
        parts.append((False, piece))


def email_kind(value: str) -> EmailKind:
    """The kind named `value` (its exact name); a ValidationError naming `kind` and listing
    the kinds if it names none."""
    check_text(value, field="kind")
    if value not in EmailKind.__members__:
        raise ValidationError(
            "kind", f"kind must be one of {', '.join(EmailKind)}: there is no kind {value!r}"
        )
    return EmailKind[value]


def used_variables(template: EmailTemplate) -> tuple[str, ...]:
    """The variables the template's subject or body uses, in the order its kind offers them.
    The template must have passed `check_template`."""
    used = {
        piece
        for text in (template.subject, template.body)
        for is_variable, piece in _parts(text, "template")
        if is_variable
    }
    return tuple(name for name in VARIABLES[template.kind] if name in used)


def check_template(kind: EmailKind, subject: str, body: str) -> EmailTemplate:
    """A consultant's own template for `kind`, checked: the subject 1-200 characters on one
    line, the body 1-20,000 characters, both well formed with only the kind's variables."""
    subject = check_text(subject, field="subject").strip()
    body = check_text(body, field="body").strip()
    if not subject:
        raise ValidationError("subject", "subject must not be empty")
    if len(subject) > SUBJECT_MAX:
        raise ValidationError("subject", f"subject must be at most {SUBJECT_MAX} characters")
    if "\n" in subject or "\r" in subject:
        raise ValidationError("subject", "subject must be one line")
    if not body:
        raise ValidationError("body", "body must not be empty")
    if len(body) > BODY_MAX:
        raise ValidationError("body", f"body must be at most {BODY_MAX:,} characters")
    offered = VARIABLES[kind]
    for field, text in (("subject", subject), ("body", body)):
        for is_variable, piece in _parts(text, field):
            if not is_variable:
                continue
            if not _NAME.fullmatch(piece) or piece not in offered:
                raise ValidationError(
                    field,
                    f"{field} uses the unknown variable {{{{{piece}}}}}; "
                    f"{kind.value} offers {', '.join(offered)}",
                )
    return EmailTemplate(kind, subject, body)


def render(text: str, values: Mapping[str, str], *, for_html: bool = False) -> str:
    """The text with each variable replaced by its value (an empty string for a variable
    without one). `for_html` escapes the values and the words around them for an HTML part,
    and makes the value of a `..._link` variable a link to itself. The text must have passed
    `check_template` (the built-in ones have)."""
    if not for_html:
        return "".join(
            values.get(piece, "") if is_variable else piece
            for is_variable, piece in _parts(text, "template")
        )
    return "".join(
        _html_value(piece, values.get(piece, "")) if is_variable else html.escape(piece)
        for is_variable, piece in _parts(text, "template")
    )


def _html_value(name: str, value: str) -> str:
    escaped = html.escape(value)
    if name.endswith("_link") and value.startswith(("https://", "http://")):
        return f'<a href="{escaped}">{escaped}</a>'
    return escaped
