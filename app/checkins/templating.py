"""Check-in words in templates, registered on the app by the check-ins area."""

from __future__ import annotations

from flask import Flask

from app.checkins.labels import checkin_status_label


def register(app: Flask) -> None:
    app.add_template_global(checkin_status_label)
