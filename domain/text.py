"""What text the service accepts, in every input it stores, hashes or searches by.

Any Unicode text, except two things that are not text to PostgreSQL or UTF-8:

- the NUL character (U+0000), which no PostgreSQL text column can hold;
- lone surrogates (U+D800 to U+DFFF): halves of a UTF-16 pair that are not characters and
  have no UTF-8 form. JSON's ``"\\ud800"`` escape makes one; a pair of them that forms a
  character (``"\\ud83d\\ude00"``) arrives as that character and is fine.

Every check of an input applies this rule first, then its own (names also refuse other
control characters, each field has its length limit). The checks of the rule:
`text_problem` says what is wrong, `check_text` raises the `ValidationError` for a field.
"""

from __future__ import annotations

import re

from domain.errors import ValidationError

_REFUSED = re.compile("[\x00\ud800-\udfff]")

NUL = "must not contain the NUL character (U+0000)"
LONE_SURROGATE = "must not contain a lone surrogate (U+D800 to U+DFFF); send valid Unicode"


def text_problem(value: str) -> str | None:
    """Why `value` is not text the service accepts (the end of a sentence naming the input),
    or None when it is."""
    refused = _REFUSED.search(value)
    if refused is None:
        return None
    return NUL if refused.group() == "\x00" else LONE_SURROGATE


def check_text(value: str, *, field: str) -> str:
    """`value` unchanged if it is acceptable text; a ValidationError naming `field` if not."""
    problem = text_problem(value)
    if problem is not None:
        raise ValidationError(field, f"{field.replace('_', ' ')} {problem}")
    return value
