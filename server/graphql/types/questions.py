"""The question bank as clients see it (SCORING §1); weights only for administrators.

The bank is the same for every request, so its GraphQL objects are built once per bank, in
two views (with and without the scoring weights), parents linked, and grouped into sections
with the bank's titles and introductions: reading a question or the whole bank's sections
costs nothing but the serialisation of their fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import strawberry

from domain import model
from domain.access import may_see_weights
from domain.bank import Bank, SectionText
from domain.model import DiscType as Trait
from domain.model import Phase as PhaseName
from domain.model import QuestionType as Kind
from domain.model import User
from domain.questionnaire import by_section
from server.graphql.context import Info
from server.graphql.fields import field
from server.graphql.ids import to_global_id
from server.graphql.permissions import SignedIn
from server.graphql.types.common import Node

RATING_VALUES = ("1", "2", "3", "4", "5")


@strawberry.type
class PhaseScores:
    stabilize: float
    organize: float
    build: float
    grow: float
    systemic: float

    @classmethod
    def of(cls, points: Mapping[PhaseName, float]) -> PhaseScores:
        return cls(**{phase.value: float(points.get(phase, 0)) for phase in PhaseName})


@strawberry.type
class DiscScores:
    d: float
    i: float
    s: float
    c: float

    @classmethod
    def of(cls, points: Mapping[Trait, float]) -> DiscScores:
        return cls(**{trait.value.lower(): float(points.get(trait, 0)) for trait in Trait})


@strawberry.type
class AnswerOption:
    value: str
    label: str
    phase_weights: PhaseScores | None
    disc_weights: DiscScores | None


@strawberry.type
class Question(Node):
    id: strawberry.ID
    key: str
    text: str
    help_text: str | None
    type: Kind
    section: model.Section
    order_index: int
    is_required: bool
    is_conditional: bool
    conditional_parent: Question | None
    conditional_trigger_value: str | None
    allows_not_applicable: bool
    options: list[AnswerOption]


@strawberry.type
class QuestionSection:
    section: model.Section
    title: str
    description: str
    questions: list[Question]


@dataclass(frozen=True)
class QuestionViews:
    """Every question of a bank as the API shows it, by key, in bank order; and the whole
    bank grouped by section."""

    by_key: Mapping[str, Question]
    texts: Mapping[model.Section, SectionText]
    sections: list[QuestionSection]
    keys: Mapping[str, str]  # the key of each question's global id, as the API hands it out

    def __getitem__(self, key: str) -> Question:
        return self.by_key[key]

    def grouped(self, questions: Iterable[model.Question]) -> list[QuestionSection]:
        """These questions by section, in the order given, each section with its words."""
        return _grouped(self.by_key, self.texts, questions)


def _grouped(
    views: Mapping[str, Question],
    texts: Mapping[model.Section, SectionText],
    questions: Iterable[model.Question],
) -> list[QuestionSection]:
    return [
        QuestionSection(
            section=section,
            title=texts[section].title,
            description=texts[section].intro,
            questions=[views[q.key] for q in group],
        )
        for section, group in by_section(questions)
    ]


# Built views by bank (kept alive beside them, so that an id is never reused meanwhile).
_BUILT: dict[tuple[int, bool], tuple[Bank, QuestionViews]] = {}


def _views(bank: Bank, weights: bool) -> QuestionViews:
    found = _BUILT.get((id(bank), weights))
    if found is None or found[0] is not bank:
        found = _BUILT[(id(bank), weights)] = (bank, _build(bank, weights))
    return found[1]


def _build(bank: Bank, weights: bool) -> QuestionViews:
    built: dict[str, Question] = {}
    for question in bank.questions:  # parents come before their children
        condition = question.condition
        built[question.key] = Question(
            id=to_global_id("Question", question.id),
            key=question.key,
            text=question.text,
            help_text=question.help,
            type=question.type,
            section=question.section,
            order_index=question.order,
            is_required=question.required,
            is_conditional=condition is not None,
            conditional_parent=built[condition.parent_key] if condition else None,
            conditional_trigger_value=condition.value if condition else None,
            allows_not_applicable=question.allows_na,
            options=_options(question, weights=weights),
        )
    keys = {str(question.id): key for key, question in built.items()}
    return QuestionViews(built, bank.sections, _grouped(built, bank.sections, bank.questions), keys)


def question_views(bank: Bank, viewer: User | None) -> QuestionViews:
    """The bank's questions as this viewer may see them."""
    return _views(bank, viewer is not None and may_see_weights(viewer))


def _options(question: model.Question, *, weights: bool) -> list[AnswerOption]:
    if question.type is Kind.RATING:
        scale = question.rating_weights
        return [
            AnswerOption(
                value=value,
                label=label,
                phase_weights=PhaseScores.of(
                    {p: w * (int(value) - 1) / 4 for p, w in scale.items()}
                )
                if weights
                else None,
                disc_weights=None,
            )
            for value, label in zip(RATING_VALUES, question.scale, strict=True)
        ]
    return [
        AnswerOption(
            value=option.value,
            label=option.label,
            phase_weights=PhaseScores.of(option.phase_points) if weights else None,
            disc_weights=DiscScores.of(option.disc_points) if weights else None,
        )
        for option in question.options
    ]


@strawberry.type
class QuestionQueries:
    @field(permission_classes=[SignedIn])
    def questions(self, info: Info, section: model.Section | None = None) -> list[Question]:
        views = question_views(info.context.bank, info.context.viewer)
        return [
            views[q.key]
            for q in info.context.bank.questions
            if section is None or q.section == section
        ]

    @field(permission_classes=[SignedIn])
    def sections(self, info: Info) -> list[QuestionSection]:
        return question_views(info.context.bank, info.context.viewer).sections
