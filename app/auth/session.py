"""Who is asking: the web session (Flask-Login) and API bearer tokens."""

from __future__ import annotations

from app.auth.models import User
from app.core.locale import note_user
from app.extensions import db


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: `id:epoch`, refused once the password changed since sign-in."""
    user_id, _, epoch = session_id.partition(":")
    try:
        user = db.session.get(User, int(user_id))
        epoch_number = int(epoch)
    except (TypeError, ValueError):
        return None
    if user is None or not user.is_active or user.session_epoch != epoch_number:
        return None
    note_user(user)
    return user
