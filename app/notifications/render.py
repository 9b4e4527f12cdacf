"""Rendering messages (email subject and body) in the recipient's language and time zone."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_datetime
from babel.dates import get_timezone
from flask import render_template
from flask_babel import force_locale

from app.auth.models import User
from app.notifications.mailer import header_value


def render_message(kind: str, user: User, params: dict) -> tuple[str, str]:
    """Render a message's subject and body in the recipient's language and time zone."""
    # The zone database the pages use (Flask-Babel's, through Babel), not the system's: an email and the
    # page it links to must show the same local time, even where the two databases disagree.
    zone = get_timezone(user.timezone or "Africa/Casablanca")
    with force_locale(user.locale or "fr"):
        when = {}
        if "due_at" in params:
            when["due"] = format_datetime(dt.datetime.fromisoformat(params["due_at"]), "full", tzinfo=zone,
                                          locale=user.locale or "fr")
        items = [
            {**item, "due": format_datetime(dt.datetime.fromisoformat(item["due_at"]), "medium", tzinfo=zone,
                                            locale=user.locale or "fr")}
            for item in params.get("items", [])
        ]
        text = render_template(f"emails/{kind}.txt", user=user, params=params, items=items, **when)
    subject, _, body = text.partition("\n")
    # The subject becomes a header: a title holding "\r" or another control character must not end it
    # (nor inject `Bcc:`), whatever the template lets through.
    return header_value(subject), body.strip() + "\n"
