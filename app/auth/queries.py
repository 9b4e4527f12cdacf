"""Reads about accounts."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy import select

from app.auth.models import User


def select_users(role: str | None = None) -> Select:
    """Statement listing users, optionally of one role, by name."""
    stmt = select(User).order_by(User.name, User.id)
    if role:
        stmt = stmt.where(User.role == role)
    return stmt
