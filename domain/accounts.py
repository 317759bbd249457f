"""Rules for account data: the password policy, email addresses and personal names.

Each check returns the cleaned value or raises a `ValidationError` naming the field; the
messages are complete sentences a person can act on. Each applies `domain.text`'s rule of
what text is accepted before its own.
"""

from __future__ import annotations

import string
import unicodedata

from domain.errors import ValidationError, WeakPassword
from domain.text import check_text

PASSWORD_MIN_LENGTH = 12
# argon2 accepts any length; the ceiling only stops someone from making us hash megabytes.
PASSWORD_MAX_LENGTH = 128
EMAIL_MAX_LENGTH = 254  # RFC 5321: a path is at most 256 octets including the angle brackets
EMAIL_LOCAL_MAX_LENGTH = 64  # RFC 5321 §4.5.3.1.1
DOMAIN_LABEL_MAX_LENGTH = 63  # RFC 1035 §2.3.4
NAME_MAX_LENGTH = 100  # users.first_name and users.last_name are VARCHAR(100)

# RFC 5322 §3.2.3 atext; anything outside ASCII is allowed too (RFC 6531 internationalised mail).
_ATEXT = frozenset(string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-")


def check_password(password: str) -> str:
    """API.md policy: at least 12 characters with an upper- and a lower-case letter, a digit
    and a symbol. Returns the password unchanged; raises `WeakPassword` listing what is missing.
    """
    check_text(password, field="password")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise WeakPassword(f"password must be at most {PASSWORD_MAX_LENGTH} characters long")
    missing: list[str] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        missing.append(f"be at least {PASSWORD_MIN_LENGTH} characters long")
    if not any(ch.isupper() for ch in password):
        missing.append("contain an upper-case letter")
    if not any(ch.islower() for ch in password):
        missing.append("contain a lower-case letter")
    if not any(ch.isdigit() for ch in password):
        missing.append("contain a digit")
    if not any(_is_symbol(ch) for ch in password):
        missing.append("contain a symbol such as ! ? # or %")
    if missing:
        raise WeakPassword("password must " + _join(missing))
    return password


def _is_symbol(ch: str) -> bool:
    return not ch.isalnum() and not ch.isspace()


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def normalize_email(value: str, *, field: str = "email") -> str:
    """Checks an address against RFC 5321/5322 (dot-atom local part, host name domain) and
    returns it trimmed and lower-cased, so that one mailbox cannot hold two accounts.

    Quoted local parts and address literals (``user@[10.0.0.1]``) are refused: no real client
    of a small-business consultant uses them, and they are a common vector for injection.
    """
    email = check_text(value, field=field).strip()
    if not email:
        raise ValidationError(field, "email must not be blank")
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(field, f"email must be at most {EMAIL_MAX_LENGTH} characters long")
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError(field, f"{email!r} is not an email address (expected name@domain)")
    _check_local_part(local, field)
    _check_domain(domain, field)
    return email.lower()


def _check_local_part(local: str, field: str) -> None:
    if len(local) > EMAIL_LOCAL_MAX_LENGTH:
        raise ValidationError(
            field, f"the part before @ must be at most {EMAIL_LOCAL_MAX_LENGTH} characters long"
        )
    for atom in local.split("."):
        if not atom:
            raise ValidationError(
                field, "the part before @ must not start or end with a dot or contain two dots"
            )
        bad = sorted({ch for ch in atom if ch not in _ATEXT and ord(ch) < 128})
        if bad or any(unicodedata.category(ch).startswith(("C", "Z")) for ch in atom):
            shown = " ".join(repr(ch) for ch in bad) or "a control or space character"
            raise ValidationError(
                field, f"the part before @ contains {shown}, which is not allowed"
            )


def _check_domain(domain: str, field: str) -> None:
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(field, f"{domain!r} is not a valid domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise ValidationError(field, f"the domain {domain!r} needs a dot, as in example.com")
    for label in labels:
        if (
            not label
            or len(label) > DOMAIN_LABEL_MAX_LENGTH
            or label.startswith("-")
            or label.endswith("-")
            or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in label)
        ):
            raise ValidationError(field, f"{domain!r} is not a valid domain name")
    if labels[-1].isdigit():
        raise ValidationError(field, f"{domain!r} is not a valid domain name")


def clean_name(value: str, *, field: str, max_length: int = NAME_MAX_LENGTH) -> str:
    """A personal or business name: trimmed, not blank, no control characters, bounded."""
    name = check_text(value, field=field).strip()
    label = field.replace("_", " ")
    if not name:
        raise ValidationError(field, f"{label} must not be blank")
    if len(name) > max_length:
        raise ValidationError(field, f"{label} must be at most {max_length} characters long")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValidationError(field, f"{label} must not contain control characters")
    return name
