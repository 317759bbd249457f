"""Scoring an answer sheet: the phase result and the DISC profile together (SCORING §2-4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.disc import DiscProfile, disc_profile
from domain.model import Answers, Question
from domain.phases import Flag, PhaseResult, phase_result


@dataclass(frozen=True, slots=True)
class Scorecard:
    phases: PhaseResult  # its flags include DISC_UNDETERMINED when `disc` is None
    disc: DiscProfile | None


def score(questions: Sequence[Question], answers: Answers) -> Scorecard:
    """Total and deterministic: any valid answer sheet, in any order, gives one scorecard."""
    phases = phase_result(questions, answers)
    disc = disc_profile(questions, answers)
    if disc is None:
        phases = replace(phases, flags=(*phases.flags, Flag.DISC_UNDETERMINED))
    return Scorecard(phases=phases, disc=disc)
