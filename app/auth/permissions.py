"""Who may manage accounts."""

from __future__ import annotations

from app.auth.models import User


def can_create_user(actor: User, role: str) -> bool:
    """Managers create accounts; only admins create admins."""
    if role == "admin":
        return actor.role == "admin"
    return actor.is_manager
