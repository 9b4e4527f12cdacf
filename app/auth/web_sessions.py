"""Server-side records of signed-in browser sessions: opened at sign-in, checked on each request,
deleted at sign-out."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.auth.models import UserSession


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(session: Session, user: User, *, now: dt.datetime, max_age: dt.timedelta) -> str:
    """Record a new session of `user` and return its secret (for the cookie).

    The user's sessions past `max_age` are deleted on the way: they no longer open anything, and
    a browser closed without signing out never deletes its own.
    """
    session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                              UserSession.created_at < now - max_age))
    secret = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, secret_hash=_hash(secret), created_at=now))
    session.flush()
    return secret


def session_user(session: Session, user_id: int, secret: str, *, now: dt.datetime,
                 max_age: dt.timedelta) -> User | None:
    """The user of a live session: `secret` recorded for `user_id`, younger than `max_age`."""
    return session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.secret_hash == _hash(secret),
               UserSession.created_at > now - max_age))


def close_session(session: Session, secret: str) -> None:
    """Delete the session with this secret (signing out): its cookie no longer opens anything."""
    session.execute(delete(UserSession).where(UserSession.secret_hash == _hash(secret)))
