"""Who may see what: the one place that decides it, for the use cases and the API alike.

An administrator sees everything. A consultant sees their own account, their own
assessments and whatever hangs off them (answers, results, checklists, reports); for
anything else the answer is "no such thing", exactly as for what does not exist. The audit
trail, the questions' scoring weights and accounts' lockouts are for administrators only.
Booking links are changed by their consultant alone; administrators read anyone's.
"""

from __future__ import annotations

from uuid import UUID

from domain.assessments import Assessment
from domain.model import Role, User


def is_admin(viewer: User) -> bool:
    return viewer.role is Role.ADMIN


def may_see_assessment(viewer: User, assessment: Assessment) -> bool:
    return is_admin(viewer) or assessment.consultant_id == viewer.id


def may_see_user(viewer: User, user_id: UUID) -> bool:
    """An account, and what is listed under it (its assessments)."""
    return is_admin(viewer) or viewer.id == user_id


def links_owner(viewer: User) -> UUID:
    """Whose booking links the viewer changes: their own, administrators' too (who read
    anyone's, as `may_see_user` says)."""
    return viewer.id


def owner_filter(viewer: User) -> UUID | None:
    """The consultant whose assessments a list of the viewer's may show; None for all."""
    return None if is_admin(viewer) else viewer.id


def may_see_audit_trail(viewer: User) -> bool:
    return is_admin(viewer)


def may_see_lockout(viewer: User) -> bool:
    """An account's failed logins and lock: for administrators, not even for its owner, who
    learns of a lock when signing in."""
    return is_admin(viewer)


def may_see_weights(viewer: User) -> bool:
    """The points each answer option earns: the scoring key, not for clients' eyes."""
    return is_admin(viewer)
