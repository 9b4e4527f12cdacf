"""Who may do what in mentoring: pure predicates.

`relations` comes from `app.projects.queries.relations` (member, assigned_mentor, manager).
"""

from __future__ import annotations

from app.auth.models import User
from app.mentoring.models import AdviceSession


def can_manage_assignments(user: User) -> bool:
    return user.is_manager


def can_list_mentors(user: User) -> bool:
    return user.is_manager or user.role == "mentor"


def can_edit_profile(user: User, mentor_id: int) -> bool:
    """Managers edit every profile; a mentor edits their own."""
    return user.is_manager or user.id == mentor_id


def can_log_session(relations: frozenset[str]) -> bool:
    return "assigned_mentor" in relations


def can_see_notes(user: User, advice_session: AdviceSession) -> bool:
    """Private notes are their author's alone."""
    return user.id == advice_session.mentor_id


def can_tick_action_item(user: User, relations: frozenset[str], advice_session: AdviceSession) -> bool:
    return bool(relations & {"member", "manager", "assigned_mentor"}) or user.id == advice_session.mentor_id


def rating_side(user: User, relations: frozenset[str], advice_session: AdviceSession) -> str | None:
    """Which side `user` rates a session from: the mentor who held it, or a founder of the team."""
    if user.id == advice_session.mentor_id:
        return "mentor"
    if "member" in relations:
        return "founder"
    return None
