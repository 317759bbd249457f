"""New orders of a list the caller owns (booking links, a checklist's items): the complete list
of its live members, each exactly once, in the new order. `check_order` checks one and
`OrderMismatch` says what is missing, what is not one of the list's, and what is repeated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.errors import ValidationError

SHOWN_IDS = 10  # ids named in a message; the rest are counted


@dataclass(frozen=True, slots=True)
class Listing:
    """A list that can be reordered, in the words of its error: `field`, the input of ids
    (the domain's name for it); `whole`, the start of the message ("ids must list each of your
    booking links exactly once"); `outsider`, what an id that is none of them is called
    ("not one of your links")."""

    field: str
    whole: str
    outsider: str


class OrderMismatch(ValidationError):
    """A new order that is not the complete list of live members, each once: `missing` members
    it leaves out, `extra` ids that are not one of them, `repeated` ids given more than once
    (each id named once, in the order given)."""

    def __init__(
        self,
        missing: Sequence[UUID],
        extra: Sequence[UUID],
        repeated: Sequence[UUID],
        listing: Listing,
    ) -> None:
        self.missing, self.extra, self.repeated = tuple(missing), tuple(extra), tuple(repeated)
        self.listing = listing
        super().__init__(listing.field, self.describe(str))

    def describe(self, name: Callable[[UUID], str]) -> str:
        """The message, naming each id with `name` (the API names them by its own ids)."""
        parts = []
        for ids, what in (
            (self.missing, "missing"),
            (self.extra, self.listing.outsider),
            (self.repeated, "repeated"),
        ):
            if ids:
                parts.append(f"{what}: {_listed([name(i) for i in ids])}")
        return f"{self.listing.whole}; " + "; ".join(parts)


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_IDS])
    rest = len(names) - SHOWN_IDS
    return f"{shown} and {rest} more" if rest > 0 else shown


def check_order(live: Sequence[UUID], ids: Sequence[UUID], listing: Listing) -> None:
    """Raises OrderMismatch unless `ids` lists each of `live` exactly once and nothing else."""
    known = set(live)
    seen: set[UUID] = set()
    extra: list[UUID] = []
    repeated: list[UUID] = []
    for member in ids:
        if member in seen:
            if member not in repeated:
                repeated.append(member)
            continue
        seen.add(member)
        if member not in known:
            extra.append(member)
    missing = [member for member in live if member not in seen]
    if missing or extra or repeated:
        raise OrderMismatch(missing, extra, repeated, listing)
