"""Who may do what with cohorts: pure predicates."""

from __future__ import annotations

from app.auth.models import User


def can_manage_cohorts(user: User) -> bool:
    """Managers (and admins) create and change cohorts and see their list."""
    return user.is_manager
