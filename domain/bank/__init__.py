"""The question bank and recommendation library (SCORING §1 and §6), kept as data in
`bank.json` beside this module and read into frozen domain objects.

Loading checks the file's structure and its cross-references (unique keys and option values,
points within 0-5, one-hot DISC options, conditions and triggers that point at real questions
and options, a title and an introduction for every section) and raises `BankError` naming the
offending entry. The order of `questions` in the file is the bank order: the order questions
are asked, and the order SCORING §4's recency rule reads. Imports the rest of `domain` and the
standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, TypeVar
from uuid import UUID

from domain.model import (
    AnswerOption,
    Condition,
    DiscType,
    Mirror,
    Phase,
    Question,
    QuestionType,
    Section,
)
from domain.recommendations import Category, Level, Recommendation, Trigger

BANK_FILE = "bank.json"
ORDER_STEP = 10  # order_index gaps, so a question can be read between two others
MAX_POINTS = 5
TONES = ("D", "I", "S", "C", "neutral")
RATING_VALUES = ("1", "2", "3", "4", "5")


E = TypeVar("E", Phase, DiscType)


class BankError(ValueError):
    """bank.json breaks a structural rule; the message names the entry."""


@dataclass(frozen=True, slots=True)
class SectionText:
    title: str
    intro: str


@dataclass(frozen=True, slots=True)
class PhaseText:
    name: str
    client_summary: str
    consultant_summary: str
    strength: str


@dataclass(frozen=True, slots=True)
class Tone:
    """Client-report wording for one communication style (SCORING §6)."""

    welcome: str
    standing_intro: str
    quick_wins_intro: str
    roadmap_intro: str
    next_steps: str
    length: str


@dataclass(frozen=True, slots=True)
class Bank:
    version: str
    questions: tuple[Question, ...]
    recommendations: tuple[Recommendation, ...]
    sections: Mapping[Section, SectionText]
    phases: Mapping[Phase, PhaseText]
    tones: Mapping[str, Tone]
    # Indexes built once with the bank, for the lookups every request makes.
    by_key: Mapping[str, Question] = field(init=False, repr=False, compare=False)
    by_id: Mapping[UUID, Question] = field(init=False, repr=False, compare=False)
    position: Mapping[str, int] = field(init=False, repr=False, compare=False)  # bank order

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {q.key: q for q in self.questions})
        object.__setattr__(self, "by_id", {q.id: q for q in self.questions})
        object.__setattr__(self, "position", {q.key: i for i, q in enumerate(self.questions)})

    def question(self, key: str) -> Question:
        return self.by_key[key]


@cache
def load_bank() -> Bank:
    """The bank shipped with this version of the service (read once per process)."""
    text = resources.files(__name__).joinpath(BANK_FILE).read_text(encoding="utf-8")
    return parse_bank(json.loads(text))


def parse_bank(data: Mapping[str, Any]) -> Bank:
    questions = tuple(
        _question(raw, (index + 1) * ORDER_STEP) for index, raw in enumerate(data["questions"])
    )
    _check_questions(questions)
    by_key = {question.key: question for question in questions}
    recommendations = tuple(_recommendation(raw, by_key) for raw in data["recommendations"])
    _unique([r.key for r in recommendations], "recommendation key")
    tones = {name: Tone(**data["tones"][name]) for name in TONES}
    return Bank(
        version=str(data["version"]),
        questions=questions,
        recommendations=recommendations,
        sections=_sections(data["sections"]),
        phases={Phase(k): PhaseText(**v) for k, v in data["phases"].items()},
        tones=tones,
    )


# -- questions --------------------------------------------------------------------------------


def _question(raw: Mapping[str, Any], order: int) -> Question:
    key = str(raw["key"])
    try:
        kind = QuestionType(raw["type"])
        question = Question(
            key=key,
            section=Section(raw["section"]),
            type=kind,
            text=_text(raw["text"]),
            order=order,
            options=tuple(_option(o) for o in raw.get("options", ())),
            help=raw.get("help"),
            required=bool(raw.get("required", kind is not QuestionType.TEXT)),
            allows_na=bool(raw.get("allows_na", False)),
            caps=_points(raw.get("caps", {}), Phase),
            rating_weights=_points(raw.get("weights", {}), Phase),
            scale=tuple(raw.get("scale", ())),
            condition=Condition(**_condition(raw["condition"])) if "condition" in raw else None,
            mirror=Mirror(raw["mirror"]) if "mirror" in raw else None,
        )
        _check_shape(question)
    except (KeyError, TypeError, ValueError) as exc:
        raise BankError(f"question {key}: {exc}") from exc
    return question


def _option(raw: Mapping[str, Any]) -> AnswerOption:
    disc = _points(raw.get("disc", {}), DiscType)
    if disc and (len(disc) != 1 or min(disc.values()) < 1):
        raise ValueError(f"option {raw['value']!r}: DISC points go to exactly one trait")
    return AnswerOption(
        value=str(raw["value"]),
        label=_text(raw["label"]),
        phase_points=_points(raw.get("phases", {}), Phase),
        disc_points=disc,
        mirror=raw.get("mirror"),
    )


def _condition(raw: Mapping[str, Any]) -> dict[str, str]:
    return {"parent_key": str(raw["parent"]), "value": str(raw["value"])}


def _points(raw: Mapping[str, Any], kind: type[E]) -> dict[E, int]:
    points = {kind(name): value for name, value in raw.items()}
    for name, value in points.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_POINTS:
            raise ValueError(f"points for {name} must be a whole number 0-{MAX_POINTS}")
    return points


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("texts must be non-blank strings")
    return value


def _check_shape(question: Question) -> None:
    kind = question.type
    choice = kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
    if choice and len(question.options) < 2:
        raise ValueError("a choice question needs at least two options")
    if not choice and question.options:
        raise ValueError(f"a {kind} question has no options")
    _unique([o.value for o in question.options], "option value")
    if question.caps and kind is not QuestionType.MULTIPLE_CHOICE:
        raise ValueError("caps belong to multiple-choice questions")
    if kind is QuestionType.RATING:
        if not question.rating_weights or len(question.scale) != len(RATING_VALUES):
            raise ValueError("a rating question needs weights and five scale labels")
    elif question.rating_weights or question.scale:
        raise ValueError("weights and scale belong to rating questions")
    if kind is QuestionType.TEXT and question.allows_na:
        raise ValueError("a text question cannot be answered N/A")
    if question.section is Section.METADATA and _scores(question):
        raise ValueError("metadata questions are unscored")
    if question.is_disc:
        if question.type is not QuestionType.SINGLE_CHOICE or question.allows_na:
            raise ValueError("DISC questions are single choice without N/A")
        traits = sorted(t for o in question.options for t in o.disc_points)
        if traits != sorted(DiscType):
            raise ValueError("a DISC question offers one option for each of D, I, S and C")


def _scores(question: Question) -> bool:
    return bool(question.rating_weights) or any(o.phase_points for o in question.options)


def _check_questions(questions: tuple[Question, ...]) -> None:
    _unique([q.key for q in questions], "question key")
    seen: dict[str, Question] = {}
    for question in questions:
        if question.condition is not None:
            parent = seen.get(question.condition.parent_key)
            if parent is None:
                raise BankError(
                    f"question {question.key}: its condition must name an earlier question"
                )
            if parent.option(question.condition.value) is None:
                raise BankError(
                    f"question {question.key}: {parent.key} has no option "
                    f"{question.condition.value!r}"
                )
        seen[question.key] = question
    mirrors = [q.mirror for q in questions if q.mirror is not None]
    _unique([str(m) for m in mirrors], "mirror")


def _sections(raw: Mapping[str, Any]) -> dict[Section, SectionText]:
    """Every section's title and introduction, as the questionnaire shows them to the owner,
    in the order of `Section`."""
    texts: dict[Section, SectionText] = {}
    for section in Section:
        entry = raw.get(section.value)
        try:
            if entry is None:
                raise KeyError("missing")
            texts[section] = SectionText(title=_text(entry["title"]), intro=_text(entry["intro"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BankError(f"section {section.value}: a title and an intro are needed") from exc
    unknown = sorted(set(raw) - {s.value for s in Section})
    if unknown:
        raise BankError(f"sections {unknown} are no section of the questionnaire")
    return texts


# -- recommendations --------------------------------------------------------------------------


def _recommendation(raw: Mapping[str, Any], questions: Mapping[str, Question]) -> Recommendation:
    key = str(raw["key"])
    try:
        actions = tuple(_text(a) for a in raw["actions"])
        if not 2 <= len(actions) <= 5:
            raise ValueError("a recommendation has 2-5 actions")
        return Recommendation(
            key=key,
            phase=Phase(raw["phase"]),
            category=Category(raw["category"]),
            impact=Level(raw["impact"]),
            effort=Level(raw["effort"]),
            title=_text(raw["title"]),
            why=_text(raw["why"]),
            actions=actions,
            triggers=tuple(_trigger(t, questions) for t in raw["triggers"]),
            client_wording={tone: _text(raw["client"][tone]) for tone in TONES},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BankError(f"recommendation {key}: {exc}") from exc


def _trigger(raw: Mapping[str, Any], questions: Mapping[str, Question]) -> Trigger:
    question = questions.get(str(raw["question"]))
    if question is None:
        raise ValueError(f"trigger names unknown question {raw['question']!r}")
    if "rating_below" in raw:
        if question.type is not QuestionType.RATING:
            raise ValueError(f"rating_below on {question.key}, which is not a rating")
        below = int(raw["rating_below"])
        if not 2 <= below <= len(RATING_VALUES):
            raise ValueError("rating_below must be 2-5")
        return Trigger(question_key=question.key, rating_below=below)
    values = tuple(str(v) for v in raw["values"])
    unknown = [v for v in values if question.option(v) is None]
    if unknown or not values:
        raise ValueError(f"trigger values {unknown or values} are not options of {question.key}")
    return Trigger(question_key=question.key, values=values)


def _unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise BankError(f"duplicate {what} {item!r}")
        seen.add(item)
