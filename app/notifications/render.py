"""Rendering messages (email subject and body) in the recipient's language and time zone."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from flask import Flask
from flask import has_app_context
from flask import render_template

from app.auth.models import User
from app.core.dates import format_datetime
from app.core.dates import zone as zone_named
from app.core.i18n import babel_locale
from app.core.i18n import in_language
from app.notifications.mailer import header_value


def render_message(kind: str, user: User, params: dict) -> tuple[str, str]:
    """Render a message's subject and body in the recipient's language and time zone."""
    # zoneinfo, like the pages (app.core.dates): an email and the page it links to show the same
    # local time, and neither goes through pytz, whose Moroccan rules are wrong after 2026.
    zone = zone_named(user.timezone)
    with in_language(user.locale or "fr"):
        when = {}
        if "due_at" in params:
            when["due"] = format_datetime(dt.datetime.fromisoformat(params["due_at"]), "full", tz=zone,
                                          locale=user.locale or "fr")
        items = [
            {**item, "due": format_datetime(dt.datetime.fromisoformat(item["due_at"]), "medium", tz=zone,
                                            locale=user.locale or "fr")}
            for item in params.get("items", [])
        ]
        language = user.locale or "fr"

        def day(iso: str) -> str:
            """An ISO date (`2026-12-01`) spelled the reader's way (1 décembre 2026, December 1, 2026)."""
            return format_date(dt.date.fromisoformat(iso), "long", locale=babel_locale(language)) if iso else ""

        text = render_template(f"emails/{kind}.txt", user=user, params=params, items=items, day=day, **when)
    subject, _, body = text.partition("\n")
    # The subject becomes a header: a title holding "\r" or another control character must not end it
    # (nor inject `Bcc:`), whatever the template lets through.
    return header_value(subject), body.strip() + "\n"


def renderer_for(app: Flask):
    """`render_message` with `app`'s templates and catalogues, also where no app context is pushed
    (a script or a test calling the services with a bare session)."""

    def render(kind: str, user: User, params: dict) -> tuple[str, str]:
        if has_app_context():
            return render_message(kind, user, params)
        with app.app_context():
            return render_message(kind, user, params)

    return render
