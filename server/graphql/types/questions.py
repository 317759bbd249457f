"""The question bank as clients see it (SCORING §1); weights only for administrators."""

from __future__ import annotations

import strawberry

from domain import model
from domain.model import DiscType as Trait
from domain.model import Phase as PhaseName
from domain.model import QuestionType as Kind
from server.graphql.ids import to_global_id
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
    def of(cls, points: dict[PhaseName, float]) -> PhaseScores:
        return cls(**{phase.value: float(points.get(phase, 0)) for phase in PhaseName})


@strawberry.type
class DiscScores:
    d: float
    i: float
    s: float
    c: float

    @classmethod
    def of(cls, points: dict[Trait, float]) -> DiscScores:
        return cls(**{trait.value.lower(): float(points.get(trait, 0)) for trait in Trait})


@strawberry.type
class AnswerOption:
    value: str
    label: str
    phase_weights: PhaseScores | None = strawberry.field(
        description="What the option earns per phase; null unless the viewer is an admin."
    )
    disc_weights: DiscScores | None = strawberry.field(
        description="The option's communication-style points; null unless the viewer is an admin."
    )


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
    conditional_trigger_value: str | None
    allows_not_applicable: bool
    options: list[AnswerOption]
    parent_key: strawberry.Private[str | None]

    @strawberry.field
    def conditional_parent(self, info: strawberry.Info) -> Question | None:
        if self.parent_key is None:
            return None
        context = info.context
        parent = context.bank.question(self.parent_key)
        return question_type(parent, admin=self._admin)

    _admin: strawberry.Private[bool] = False


def question_type(question: model.Question, *, admin: bool) -> Question:
    condition = question.condition
    return Question(
        id=to_global_id("Question", question.id),
        key=question.key,
        text=question.text,
        help_text=question.help,
        type=question.type,
        section=question.section,
        order_index=question.order,
        is_required=question.required,
        is_conditional=condition is not None,
        conditional_trigger_value=condition.value if condition else None,
        allows_not_applicable=question.allows_na,
        options=_options(question, admin=admin),
        parent_key=condition.parent_key if condition else None,
        _admin=admin,
    )


def _options(question: model.Question, *, admin: bool) -> list[AnswerOption]:
    if question.type is Kind.RATING:
        weights = question.rating_weights
        return [
            AnswerOption(
                value=value,
                label=label,
                phase_weights=PhaseScores.of(
                    {p: w * (int(value) - 1) / 4 for p, w in weights.items()}
                )
                if admin
                else None,
                disc_weights=None,
            )
            for value, label in zip(RATING_VALUES, question.scale, strict=True)
        ]
    return [
        AnswerOption(
            value=option.value,
            label=option.label,
            phase_weights=PhaseScores.of(dict(option.phase_points)) if admin else None,
            disc_weights=DiscScores.of(dict(option.disc_points)) if admin else None,
        )
        for option in question.options
    ]
