"""Who may read and fill KPI reports: pure predicates over the user and their relations."""

from __future__ import annotations

from app.auth.models import User


def can_view(relations: frozenset[str]) -> bool:
    """Everyone who sees the project (commission members and mentors read)."""
    return bool(relations)


def can_submit(relations: frozenset[str]) -> bool:
    """The project's founders give and correct its figures; managers may correct them too."""
    return bool(relations & {"member", "manager"})


def can_list_all(user: User) -> bool:
    """The list of every open and late report is the managers'."""
    return user.is_manager
