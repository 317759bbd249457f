"""The question bank in the `questions` table: an idempotent load, and questions read back.

`sync_bank` upserts every question of the bank by its key-derived id. A row is written only
when something in it changed, so loading the same bank twice changes no row (not even
`updated_at`); a question no longer in the bank is soft-deleted (`deleted_at`), so answers
keep pointing at it, and comes back if the bank brings it back.

The JSON shapes follow database-design.md: `answer_options` is ``[{"value", "label"}]`` (the
payroll follow-up adds ``"mirror"``; a rating lists "1".."5"), `phase_weight_mapping` and
`disc_trait_mapping` are keyed by option value. A rating's mapping gives each value what it
earns (SCORING §2: weight × (r − 1) / 4), so "5" holds the full weight.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Table,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert

from domain.model import (
    AnswerOption,
    Condition,
    DiscType,
    Mirror,
    Phase,
    Question,
    QuestionType,
    Section,
    question_id,
)
from persistence.database import one_connection
from persistence.models import QuestionRow

log = logging.getLogger(__name__)

RATING_VALUES = ("1", "2", "3", "4", "5")
_TABLE: Table = QuestionRow.__table__  # type: ignore[assignment]
# Every column the bank decides; bookkeeping columns (timestamps) are not compared.
_BANK_COLUMNS = (
    "key",
    "question_text",
    "question_type",
    "section",
    "order_index",
    "is_required",
    "is_conditional",
    "conditional_parent_id",
    "conditional_trigger_value",
    "disc_trait_mapping",
    "phase_weight_mapping",
    "answer_options",
    "help_text",
    "allows_not_applicable",
    "phase_caps",
    "mirror",
)


@dataclass(frozen=True, slots=True)
class BankSync:
    added: int
    updated: int
    retired: int
    unchanged: int

    def describe(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.retired} retired, "
            f"{self.unchanged} unchanged"
        )


def sync_bank(connection: Connection, questions: Iterable[Question]) -> BankSync:
    """Loads `questions` in the caller's transaction; see the module docstring."""
    rows = [question_row(question) for question in questions]
    upsert = insert(_TABLE).values(rows)
    changed = [_TABLE.c[name].is_distinct_from(upsert.excluded[name]) for name in _BANK_COLUMNS]
    statement = upsert.on_conflict_do_update(
        index_elements=[_TABLE.c.id],
        set_={name: upsert.excluded[name] for name in _BANK_COLUMNS}
        | {"updated_at": func.now(), "deleted_at": None},
        where=or_(*changed, _TABLE.c.deleted_at.is_not(None)),
    ).returning(_TABLE.c.id, (literal_column("xmax") == 0).label("inserted"))
    written = list(connection.execute(statement))
    added = sum(1 for row in written if row.inserted)
    retired = connection.execute(
        update(_TABLE)
        .where(_TABLE.c.id.not_in([row["id"] for row in rows]), _TABLE.c.deleted_at.is_(None))
        .values(deleted_at=func.now(), updated_at=func.now())
        .returning(_TABLE.c.id)
    ).all()
    return BankSync(
        added=added,
        updated=len(written) - added,
        retired=len(retired),
        unchanged=len(rows) - len(written),
    )


def question_row(question: Question) -> dict[str, Any]:
    """The `questions` row of a bank question."""
    condition = question.condition
    return {
        "id": question.id,
        "key": question.key,
        "question_text": question.text,
        "question_type": question.type.value,
        "section": question.section.value,
        "order_index": question.order,
        "is_required": question.required,
        "is_conditional": condition is not None,
        "conditional_parent_id": question_id(condition.parent_key) if condition else None,
        "conditional_trigger_value": condition.value if condition else None,
        "disc_trait_mapping": _disc_mapping(question),
        "phase_weight_mapping": _phase_mapping(question),
        "answer_options": _answer_options(question),
        "help_text": question.help,
        "allows_not_applicable": question.allows_na,
        "phase_caps": {p.value: v for p, v in question.caps.items()} or None,
        "mirror": question.mirror.value if question.mirror else None,
    }


def _answer_options(question: Question) -> list[dict[str, Any]] | None:
    if question.type is QuestionType.RATING:
        return [
            {"value": value, "label": label}
            for value, label in zip(RATING_VALUES, question.scale, strict=True)
        ]
    if not question.options:
        return None
    return [
        {"value": o.value, "label": o.label}
        | ({"mirror": o.mirror} if question.mirror is Mirror.S_CORP_ON_PAYROLL else {})
        for o in question.options
    ]


def _phase_mapping(question: Question) -> dict[str, dict[str, float]] | None:
    # Rating values earn fractions of the weight; option values earn whole points.
    if question.type is QuestionType.RATING:
        steps = len(RATING_VALUES) - 1
        weights = question.rating_weights.items()
        return {
            value: {p.value: w * (int(value) - 1) / steps for p, w in weights}
            for value in RATING_VALUES
        }
    mapping = {
        o.value: {p.value: float(w) for p, w in o.phase_points.items()}
        for o in question.options
        if o.phase_points
    }
    return mapping or None


def _disc_mapping(question: Question) -> dict[str, dict[str, int]] | None:
    mapping = {
        o.value: {t.value: w for t, w in o.disc_points.items()}
        for o in question.options
        if o.disc_points
    }
    return mapping or None


def question_from_row(row: Row[Any], keys_by_id: Mapping[Any, str]) -> Question:
    """The domain question a `questions` row holds (the inverse of `question_row`)."""
    kind = QuestionType(row.question_type)
    phases = row.phase_weight_mapping or {}
    disc = row.disc_trait_mapping or {}
    options: tuple[AnswerOption, ...] = ()
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        options = tuple(
            AnswerOption(
                value=o["value"],
                label=o["label"],
                phase_points={Phase(p): int(w) for p, w in phases.get(o["value"], {}).items()},
                disc_points={DiscType(t): int(w) for t, w in disc.get(o["value"], {}).items()},
                mirror=o.get("mirror"),
            )
            for o in row.answer_options or []
        )
    rating = kind is QuestionType.RATING
    return Question(
        key=row.key,
        section=Section(row.section),
        type=kind,
        text=row.question_text,
        order=row.order_index,
        options=options,
        help=row.help_text,
        required=row.is_required,
        allows_na=row.allows_not_applicable,
        caps={Phase(p): int(v) for p, v in (row.phase_caps or {}).items()},
        rating_weights={Phase(p): int(w) for p, w in phases.get("5", {}).items()} if rating else {},
        scale=tuple(o["label"] for o in row.answer_options or []) if rating else (),
        condition=Condition(
            parent_key=keys_by_id[row.conditional_parent_id],
            value=row.conditional_trigger_value or "",
        )
        if row.conditional_parent_id
        else None,
        mirror=Mirror(row.mirror) if row.mirror else None,
    )


def read_questions(connection: Connection, *, include_retired: bool = False) -> list[Question]:
    """The bank as stored, in order (retired questions only when asked for)."""
    query = select(_TABLE).order_by(_TABLE.c.order_index, _TABLE.c.key)
    rows = list(connection.execute(query))
    keys_by_id = {row.id: row.key for row in rows}
    return [
        question_from_row(row, keys_by_id)
        for row in rows
        if include_retired or row.deleted_at is None
    ]


def load_bank_into(url: str, questions: Iterable[Question]) -> BankSync:
    """Opens its own connection to `url` and syncs the bank in one transaction."""
    with one_connection(url) as connection, connection.begin():
        return sync_bank(connection, questions)
