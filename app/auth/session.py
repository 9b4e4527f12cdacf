"""Who is asking: the web session (Flask-Login) and API bearer tokens."""

from __future__ import annotations

from flask import current_app
from flask import session as cookie
from flask_login import login_user
from flask_login import logout_user

from app.auth import web_sessions
from app.auth.models import User
from app.core.locale import note_user
from app.core.time import utcnow
from app.extensions import db

#: The cookie's key for the server-side session's secret.
SESSION_KEY = "sid"


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: `id:epoch` plus a live server-side session.

    Refused once the password changed since sign-in (the epoch, for every device) or once this
    session was signed out (its row is gone, for this device only)."""
    user_id, _, epoch = session_id.partition(":")
    secret = cookie.get(SESSION_KEY)
    try:
        user_number, epoch_number = int(user_id), int(epoch)
    except (TypeError, ValueError):
        return None
    if not isinstance(secret, str):
        return None
    user = web_sessions.session_user(db.session, user_number, secret, now=utcnow(), max_age=_max_age())
    if user is None or not user.is_active or user.session_epoch != epoch_number:
        return None
    note_user(user)
    return user


def sign_in(user: User) -> None:
    """Sign `user` in on this browser with a new server-side session (the caller commits)."""
    cookie[SESSION_KEY] = web_sessions.open_session(db.session, user, now=utcnow(), max_age=_max_age())
    login_user(user)


def sign_out() -> None:
    """End this browser's session server-side, then forget it in the cookie (the caller commits)."""
    secret = cookie.pop(SESSION_KEY, None)
    if isinstance(secret, str):
        web_sessions.close_session(db.session, secret)
    logout_user()


def _max_age():
    return current_app.permanent_session_lifetime
