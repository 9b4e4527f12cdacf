"""Who is asking: the web session (Flask-Login) and API bearer tokens."""

from __future__ import annotations

from app.auth.models import User
from app.core.locale import note_user
from app.extensions import db


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or not user.is_active:
        return None
    note_user(user)
    return user
