"""The consultant's branding: settings (company name, brand colour, email signature, logo,
their own email templates), the rules for each, and the rules a logo upload must meet.

Each check returns the cleaned value or raises a `ValidationError` naming the input. A logo is
checked in two steps around the image codec (`domain.ports.LogoImages`): what its header says
(the format, the size in pixels) is judged before any pixel is decoded, so that an image that
would take gigabytes to decode is refused for what it claims; only then is it decoded and
re-encoded, so that nothing of the uploaded bytes is ever stored or served as it came.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.accounts import clean_name
from domain.email_templates import DEFAULTS, EmailKind, EmailTemplate
from domain.errors import ValidationError
from domain.text import check_text

COMPANY_NAME_MAX = 200  # consultant_settings.company_name VARCHAR(200)
EMAIL_SIGNATURE_MAX = 2_000
BRAND_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")

MEBIBYTE = 1024 * 1024
LOGO_MAX_BYTES = 2 * MEBIBYTE
LOGO_MIN_WIDTH, LOGO_MIN_HEIGHT = 200, 75
LOGO_MAX_PIXELS = 16_000_000  # what is decoded at most: 64 MB of RGBA, e.g. 4,000 × 4,000
LOGO_STORED_WIDTH = 800  # wider logos are scaled down to this, keeping their proportions
LOGO_FORMATS = ("PNG", "JPEG")
LOGO_KEY = re.compile(r"logos/[0-9a-f]{32}\.(?:png|jpg)")
LOGO_FIELD = "file"


@dataclass(frozen=True, slots=True)
class ConsultantSettings:
    """A consultant's settings; every field None until set. `logo_key` is where the stored
    logo lives in the file store (`logo_path` is the URL path it is served at)."""

    consultant_id: UUID
    company_name: str | None = None
    brand_color: str | None = None
    email_signature: str | None = None
    logo_key: str | None = None
    updated_at: datetime | None = None
    # The consultant's own wording of some kinds of email, at most one a kind, in EmailKind
    # order; a kind without one uses the built-in wording (see `template_for`).
    email_templates: tuple[EmailTemplate, ...] = ()


SETTINGS_FIELDS = ("company_name", "brand_color", "email_signature")


def own_template(settings: ConsultantSettings | None, kind: EmailKind) -> EmailTemplate | None:
    """The consultant's own template for `kind`, or None while they have saved none."""
    if settings is None:
        return None
    return next((t for t in settings.email_templates if t.kind is kind), None)


def template_for(settings: ConsultantSettings | None, kind: EmailKind) -> EmailTemplate:
    """The template a consultant's email of `kind` is written from: their own if they saved
    one, else the built-in one. Either has passed `check_template`, ready for `render`."""
    return own_template(settings, kind) or DEFAULTS[kind]


def with_template(
    templates: tuple[EmailTemplate, ...], kind: EmailKind, template: EmailTemplate | None
) -> tuple[EmailTemplate, ...]:
    """`templates` with `kind`'s replaced by `template` (None: removed), in EmailKind order."""
    kept = {t.kind: t for t in templates if t.kind is not kind}
    if template is not None:
        kept[kind] = template
    return tuple(kept[k] for k in EmailKind if k in kept)


def clean_company_name(value: str) -> str:
    return clean_name(value, field="company_name", max_length=COMPANY_NAME_MAX)


def clean_brand_color(value: str) -> str:
    """A colour as "#RRGGBB" in hexadecimal digits, stored in capitals ("#4b006e" is
    "#4B006E")."""
    color = check_text(value, field="brand_color").strip()
    if not BRAND_COLOR.fullmatch(color):
        raise ValidationError(
            "brand_color", 'brand color must be "#RRGGBB" in hexadecimal digits, like "#1F4E79"'
        )
    return color.upper()


def clean_email_signature(value: str) -> str | None:
    """Lines of text, trimmed at both ends; a blank signature is no signature (None). Line
    breaks and tabs are kept; other control characters are refused."""
    text = check_text(value, field="email_signature").strip()
    if len(text) > EMAIL_SIGNATURE_MAX:
        raise ValidationError(
            "email_signature",
            f"email signature must be at most {EMAIL_SIGNATURE_MAX:,} characters long",
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text):
        raise ValidationError(
            "email_signature",
            "email signature must not contain control characters other than line breaks and tabs",
        )
    return text or None


def clean_settings(changes: dict[str, str | None]) -> dict[str, str | None]:
    """The changes an update asks for, each checked: a field absent stays as it is, a field
    given as None is cleared (the report then falls back to the default brand)."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a setting: {', '.join(sorted(unknown))}")
    cleaned: dict[str, str | None] = {}
    for field, value in changes.items():
        if value is None:
            cleaned[field] = None
        elif field == "company_name":
            cleaned[field] = clean_company_name(value)
        elif field == "brand_color":
            cleaned[field] = clean_brand_color(value)
        else:
            cleaned[field] = clean_email_signature(value)
    return cleaned


# -- logos ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What an image's header says, read without decoding its pixels."""

    format: str  # "PNG" or "JPEG"
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class EncodedLogo:
    """A logo decoded and encoded again: the only bytes the service stores and serves."""

    content: bytes
    format: str  # "PNG" or "JPEG", as uploaded
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.format == "PNG" else "jpg"


def check_logo_bytes(content: bytes) -> None:
    """The file before it is looked into: not empty, not over 2 MiB, not SVG."""
    if not content:
        raise ValidationError(LOGO_FIELD, "the file is empty: upload a PNG or JPEG logo")
    if len(content) > LOGO_MAX_BYTES:
        raise ValidationError(
            LOGO_FIELD, f"the logo is {len(content):,} bytes; a logo may have at most 2 MiB"
        )
    if looks_like_svg(content):
        raise ValidationError(
            LOGO_FIELD, "SVG images are not accepted: upload the logo as a PNG or JPEG"
        )


def looks_like_svg(content: bytes) -> bool:
    """SVG (or any XML) text: the most common not-a-picture upload, told apart to say so."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<svg" in head or head.startswith(b"<?xml"))


# How a PNG and a JPEG file begin, whatever follows.
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
UNREADABLE = "the image cannot be read: the file is truncated or damaged"


def check_logo_facts(facts: ImageFacts | None, content: bytes) -> ImageFacts:
    """The header's claims, judged before anything is decoded: a PNG or JPEG (whatever the
    file was called), at least 200 × 75 pixels, at most 16 megapixels."""
    if facts is None and content.startswith(_SIGNATURES):
        raise ValidationError(LOGO_FIELD, UNREADABLE)
    if facts is None or facts.format not in LOGO_FORMATS:
        raise ValidationError(
            LOGO_FIELD, "the file is not a PNG or JPEG image (its content decides, not its name)"
        )
    if facts.width < LOGO_MIN_WIDTH or facts.height < LOGO_MIN_HEIGHT:
        raise ValidationError(
            LOGO_FIELD,
            f"the logo is {facts.width} × {facts.height} pixels; it needs at least "
            f"{LOGO_MIN_WIDTH} × {LOGO_MIN_HEIGHT}",
        )
    if facts.width * facts.height > LOGO_MAX_PIXELS:
        raise ValidationError(
            LOGO_FIELD,
            f"the logo is {facts.width} × {facts.height} pixels; a logo may have at most "
            f"{LOGO_MAX_PIXELS // 1_000_000} megapixels",
        )
    return facts


def stored_size(width: int, height: int) -> tuple[int, int]:
    """The size a logo is stored at: at most 800 pixels wide, its proportions kept."""
    if width <= LOGO_STORED_WIDTH:
        return width, height
    return LOGO_STORED_WIDTH, max(1, round(height * LOGO_STORED_WIDTH / width))


def new_logo_key(extension: str) -> str:
    """Where a new logo is stored: 128 random bits, so that the URL cannot be guessed and a
    replaced logo never has the URL of the one before (a cache may keep each for ever)."""
    return f"logos/{secrets.token_hex(16)}.{extension}"


def logo_path(key: str) -> str:
    """The URL path a stored logo is served at: `/logos/<random>.png`."""
    return f"/{key}"
