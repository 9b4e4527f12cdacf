"""Who may do what to a project: pure predicates over the user and their relations.

`relations` comes from `queries.relations` (member, assigned_mentor, manager). Events are
not here: the workflow definition says who may fire each one.
"""

from __future__ import annotations

from app.auth.models import User
from app.workflow.definition import FINAL_STATUSES


def can_create_project(user: User) -> bool:
    """Founders (made by managers) and managers; applicants enter the portfolio through a label."""
    return user.role in ("founder", "manager", "admin")


def can_view(relations: frozenset[str]) -> bool:
    return bool(relations)


def can_edit(relations: frozenset[str]) -> bool:
    """Members and managers edit the project's details and tick its deliverables."""
    return bool(relations & {"member", "manager"})


def can_tick(relations: frozenset[str], status: str) -> bool:
    """Deliverables are ticked by those who edit the project, while it is still on its path."""
    return can_edit(relations) and status not in FINAL_STATUSES


def can_set_cohort(relations: frozenset[str]) -> bool:
    """Managers choose a project's cohort: it puts the project in a programme's calendar."""
    return "manager" in relations


def can_override(relations: frozenset[str]) -> bool:
    return "manager" in relations


def can_remove_evidence(relations: frozenset[str], added_by_id: int | None, user_id: int) -> bool:
    """Managers, and the person who added it while still on the team, remove a piece of evidence."""
    return "manager" in relations or (can_edit(relations) and added_by_id == user_id)
