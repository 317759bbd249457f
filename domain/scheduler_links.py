"""Booking links: the consultant's pages on an external scheduler (Calendly, Cal.com...) that
the client report offers, and the rules for their fields.

A link has a meeting-type label (1-100 characters), an https URL (at most 2,048 characters,
with a host and no credentials, spaces or control characters), an optional duration (5-480
minutes), the phases it is recommended for (a set), whether it is active, and its place in the
consultant's list. A consultant has at most `MAX_ACTIVE_LINKS` active links. Each check
returns the cleaned value or raises a `ValidationError` naming the field; each applies
`domain.text`'s rule of what text is accepted before its own.
"""

from __future__ import annotations

import enum
import ipaddress
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import UUID

from domain.accounts import clean_name
from domain.errors import ValidationError
from domain.model import PHASE_SEQUENCE, Phase
from domain.ordering import Listing
from domain.text import check_text, text_problem

LABEL_MAX = 100  # scheduler_links.meeting_type_label VARCHAR(100)
URL_MAX = 2048
DURATION_MIN, DURATION_MAX = 5, 480
MAX_ACTIVE_LINKS = 20
HOST_LABEL_MAX = 63  # RFC 1035 §2.3.4
HOST_MAX = 253
# Spaces of every kind, and characters that are not text a person sees: control and format
# characters (such as the right-to-left override, which makes a URL read as another).
_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp")


@dataclass(frozen=True, slots=True)
class SchedulerLink:
    """A booking link as a report reads it. Reports offer only active links whose URL the
    service accepts (`url_problem`) and whose label is not blank."""

    label: str
    url: str
    duration_minutes: int | None = None
    recommended_for_phases: tuple[Phase, ...] = ()
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class SchedulerLinkRecord:
    """A stored (live: not deleted) link of a consultant's, with its place in their list
    (smaller first)."""

    id: UUID
    consultant_id: UUID
    link: SchedulerLink
    display_order: int


class Unchanged(enum.Enum):
    """An update's "leave this field as it is", for fields where None means "clear"."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


def new_link(
    *,
    label: str,
    url: str,
    duration_minutes: int | None = None,
    recommended_for_phases: Sequence[Phase] = (),
    is_active: bool = True,
) -> SchedulerLink:
    """A link of checked fields; raises ValidationError naming the first bad one."""
    return SchedulerLink(
        label=check_label(label),
        url=check_url(url),
        duration_minutes=check_duration(duration_minutes),
        recommended_for_phases=check_phases(recommended_for_phases),
        is_active=is_active,
    )


@dataclass(frozen=True, slots=True)
class LinkChanges:
    """Checked fields of an update; None (UNCHANGED for the duration, which None clears)
    where the update leaves a field as it is."""

    label: str | None = None
    url: str | None = None
    duration_minutes: int | Unchanged | None = UNCHANGED
    recommended_for_phases: tuple[Phase, ...] | None = None
    is_active: bool | None = None

    def applied_to(self, link: SchedulerLink) -> SchedulerLink:
        return SchedulerLink(
            label=link.label if self.label is None else self.label,
            url=link.url if self.url is None else self.url,
            duration_minutes=link.duration_minutes
            if self.duration_minutes is UNCHANGED
            else self.duration_minutes,
            recommended_for_phases=link.recommended_for_phases
            if self.recommended_for_phases is None
            else self.recommended_for_phases,
            is_active=link.is_active if self.is_active is None else self.is_active,
        )


def check_changes(
    *,
    label: str | None = None,
    url: str | None = None,
    duration_minutes: int | Unchanged | None = UNCHANGED,
    recommended_for_phases: Sequence[Phase] | None = None,
    is_active: bool | None = None,
) -> LinkChanges:
    """Validates whichever fields are given; raises ValidationError naming the first bad one."""
    return LinkChanges(
        label=None if label is None else check_label(label),
        url=None if url is None else check_url(url),
        duration_minutes=duration_minutes
        if isinstance(duration_minutes, Unchanged)
        else check_duration(duration_minutes),
        recommended_for_phases=None
        if recommended_for_phases is None
        else check_phases(recommended_for_phases),
        is_active=is_active,
    )


def check_label(value: str, field: str = "meeting_type_label") -> str:
    """The meeting type's name: 1-100 characters once trimmed, no control characters."""
    return clean_name(value, field=field, max_length=LABEL_MAX)


def check_duration(value: int | None, field: str = "duration_minutes") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "the duration is a whole number of minutes")
    if not DURATION_MIN <= value <= DURATION_MAX:
        raise ValidationError(
            field,
            f"the duration is from {DURATION_MIN} to {DURATION_MAX} minutes, not {value}",
        )
    return value


def check_phases(
    phases: Sequence[Phase], field: str = "recommended_for_phases"
) -> tuple[Phase, ...]:
    """A set of phases: each at most once; returned in the phases' own sequence."""
    counts = Counter(phases)
    repeated = [p.name for p in PHASE_SEQUENCE if counts[p] > 1]
    if repeated:
        raise ValidationError(
            field, f"list each recommended phase once; repeated: {', '.join(repeated)}"
        )
    return tuple(p for p in PHASE_SEQUENCE if counts[p])


def check_url(value: str, *, field: str = "scheduler_url") -> str:
    """An https URL a client's browser can open as it is: returned trimmed."""
    check_text(value, field=field)
    url = value.strip()
    problem = url_problem(url)
    if problem is not None:
        raise ValidationError(field, f"the scheduler URL {problem}")
    return url


def url_problem(url: str) -> str | None:
    """Why `url` is not a booking link the service accepts (the end of a sentence naming the
    URL), or None when it is: an https URL of at most 2,048 characters, with a host name or
    address (and a valid port, if any), no user name or password, and no spaces or control
    characters anywhere."""
    refused = text_problem(url)
    if refused is not None:
        return refused
    if not url:
        return "must not be blank"
    if len(url) > URL_MAX:
        return f"must be at most {URL_MAX} characters long"
    if any(unicodedata.category(ch) in _INVISIBLE for ch in url):
        return "must not contain spaces or control characters"
    if "\\" in url:
        return "must not contain a backslash"
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket
        return "needs a valid host name, as in https://calendly.com/your-name"
    if parts.scheme.lower() != "https":
        return "must start with https:// (links are opened by clients: https only)"
    if not parts.netloc:
        return "needs a host, as in https://calendly.com/your-name"
    if "@" in parts.netloc:
        return "must not contain a user name or password"
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        return "has an invalid port"
    host = parts.hostname or ""
    if not _is_host(host, bracketed=parts.netloc.startswith("[")):
        return "needs a valid host name, as in https://calendly.com/your-name"
    return None


def _is_host(host: str, *, bracketed: bool) -> bool:
    """A DNS name (internationalised names allowed), an IPv4 address, or a bracketed IPv6
    address."""
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    name = host.removesuffix(".")
    if not name or len(name) > HOST_MAX:
        return False
    labels = name.split(".")
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return False
        return True
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(
        0 < len(label) <= HOST_LABEL_MAX
        and not label.startswith("-")
        and not label.endswith("-")
        and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in label)
        for label in ascii_name.split(".")
    )


class TooManyActiveLinks(ValidationError):
    """Creating or re-activating a link would give the consultant more than the limit."""

    def __init__(self) -> None:
        super().__init__(
            "is_active",
            f"a consultant has at most {MAX_ACTIVE_LINKS} active booking links; deactivate or "
            "delete one first, or save this one as inactive",
        )


# How a new order of a consultant's links must list them (`domain.ordering.check_order`).
LINK_ORDER = Listing(
    field="ids",
    whole="ids must list each of your booking links exactly once",
    outsider="not one of your links",
)
