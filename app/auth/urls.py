"""Public URLs tied to an account."""

from __future__ import annotations

from flask import current_app

from app.auth.models import User


def calendar_url(user: User) -> str:
    """The private iCalendar feed of the user's check-ins (secret: it authenticates itself)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/calendar/{user.calendar_token}.ics"
