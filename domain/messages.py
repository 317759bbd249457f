"""The messages the service sends, composed from their templates and what they speak of.

Every message has a plain-text part. A report message also has an HTML part, rendered with
every value escaped, that ends with the consultant's signature as the text part does.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime

from domain.email_templates import EmailTemplate, render
from domain.model import User
from domain.outbox import Draft, MessageKind

PRODUCT = "Financial RISE"


def moment(at: datetime) -> str:
    """A time as messages write it: 2026-12-01 14:30 UTC."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(at: datetime) -> str:
    """A date as messages write it: 1 December 2026."""
    return f"{at.day} {at.strftime('%B %Y')}"


def full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}".strip()


def password_reset(
    user: User, template: EmailTemplate, *, company_name: str | None, link: str, expires: datetime
) -> Draft:
    values = {
        "consultant_name": full_name(user),
        "company_name": company_name or PRODUCT,
        "reset_link": link,
        "expires_on": moment(expires),
    }
    return Draft(
        kind=MessageKind.PASSWORD_RESET,
        to=user.email,
        subject=render(template.subject, values),
        text=render(template.body, values) + "\n",
        user_id=user.id,
    )


def password_changed(user: User, at: datetime) -> Draft:
    """The confirmation of a password reset, which has no template of its own."""
    text = (
        f"Hi {full_name(user)},\n\n"
        f"The password of your {PRODUCT} account ({user.email}) was changed on {moment(at)} "
        "through a reset link, and every session of the account was signed out.\n\n"
        "If that was you, there is nothing more to do. If it was not, ask for a new reset "
        "link at once and tell your administrator.\n"
    )
    return Draft(
        kind=MessageKind.PASSWORD_CHANGED,
        to=user.email,
        subject=f"Your {PRODUCT} password was changed",
        text=text,
        user_id=user.id,
    )


def with_html(
    draft: Draft, template: EmailTemplate, values: dict[str, str], signature: str | None
) -> Draft:
    """The draft with an HTML part: the template's body rendered with escaped values, one
    paragraph per blank-line-separated block, and the signature after it."""
    body = render(template.body, values, for_html=True)
    paragraphs = [block.replace("\n", "<br>\n") for block in body.split("\n\n") if block.strip()]
    if signature:
        paragraphs.append(html.escape(signature).replace("\n", "<br>\n"))
    page = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    document = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(draft.subject)}</title></head>\n<body>\n{page}</body></html>\n"
    )
    return replace(draft, html=document)
