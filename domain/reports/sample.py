"""Made-up answer sheets and a made-up client, for the sample client report a consultant
previews their branding on (and for the demo data of `rise demo`).

Nothing here is stored: the sample assessment has an id of its own that no row carries, its
client and business are invented, and its results are scored from a sheet built over the
bank in force, so the sample reads like a real report of today's bank.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from domain.assessments import Assessment
from domain.bank import Bank
from domain.model import Answer, AssessmentStatus, DiscType, QuestionType, Section, User
from domain.questionnaire import visible_questions
from domain.reports.documents import Branding, ReportInputs
from domain.results import StoredDiscProfile, StoredPhaseResult
from domain.scheduler_links import SchedulerLink
from domain.scoring import score

SAMPLE_ASSESSMENT_ID = uuid.UUID("5a3b1e00-0000-4000-8000-000000000000")
SAMPLE_CLIENT = "Alex Sample"
SAMPLE_BUSINESS = "Sample Street Bakery"
SAMPLE_EMAIL = "alex@sample-street-bakery.example"
SAMPLE_FACTS = {"META-005": "llc"}
SAMPLE_WEAK = Section.ORGANIZE  # so the sample's focus is a phase past the first
SAMPLE_STYLE = DiscType.I


def sample_sheet(
    bank: Bank, *, facts: Mapping[str, str], weak: Section | None, style: DiscType
) -> dict[str, Answer]:
    """A complete answer sheet: the facts given (metadata answers by question key), `style`
    in every communication-style question, the worst answers in the `weak` section and the
    best elsewhere (None: the best throughout)."""
    sheet: dict[str, Answer] = {}
    for question in bank.questions:
        if question not in visible_questions(bank.questions, sheet):
            continue
        key = question.key
        if key in facts:
            sheet[key] = Answer(key, value=facts[key])
        elif question.is_disc:
            trait = next(o for o in question.options if style in o.disc_points)
            sheet[key] = Answer(key, value=trait.value)
        elif question.type is QuestionType.RATING:
            sheet[key] = Answer(key, rating=1 if question.section is weak else 5)
        elif question.type is QuestionType.TEXT:
            sheet[key] = Answer(key, value="We would like to plan the next two years together.")
        else:
            ranked = sorted(question.options, key=lambda o: sum(o.phase_points.values()))
            pick = ranked[0] if question.section is weak else ranked[-1]
            if question.type is QuestionType.MULTIPLE_CHOICE:
                sheet[key] = Answer(key, values=(pick.value,))
            else:
                sheet[key] = Answer(key, value=pick.value)
    return sheet


def sample_inputs(
    *,
    bank: Bank,
    consultant: User,
    now: datetime,
    branding: Branding | None,
    scheduler_links: tuple[SchedulerLink, ...] = (),
) -> ReportInputs:
    """What a client report of a made-up client of `consultant`'s reads, completed `now`."""
    sheet = sample_sheet(bank, facts=SAMPLE_FACTS, weak=SAMPLE_WEAK, style=SAMPLE_STYLE)
    card = score(bank.questions, sheet)
    assessment = Assessment(
        id=SAMPLE_ASSESSMENT_ID,
        consultant_id=consultant.id,
        client_name=SAMPLE_CLIENT,
        client_business_name=SAMPLE_BUSINESS,
        client_email=SAMPLE_EMAIL,
        status=AssessmentStatus.COMPLETED,
        progress=Decimal("100.00"),
        created_at=now,
        updated_at=now,
        confidence_before=4,
        confidence_after=8,
        started_at=now,
        completed_at=now,
    )
    phases = StoredPhaseResult(
        assessment_id=SAMPLE_ASSESSMENT_ID,
        readiness=card.phases.readiness,
        primary=card.phases.primary,
        secondary=card.phases.secondary,
        flags=tuple(str(flag) for flag in card.phases.flags),
        calculated_at=now,
    )
    disc = None
    if card.disc is not None:
        disc = StoredDiscProfile(
            assessment_id=SAMPLE_ASSESSMENT_ID,
            scores=card.disc.scores,
            primary=card.disc.primary,
            secondary=card.disc.secondary,
            calculated_at=now,
        )
    on: date = now.date()
    return ReportInputs(
        assessment=assessment,
        answers=sheet,
        phases=phases,
        disc=disc,
        consultant=consultant,
        bank=bank,
        on=on,
        branding=branding,
        scheduler_links=scheduler_links,
    )
