"""Locale and time zone of the current request."""

from __future__ import annotations

from flask import current_app
from flask import request
from flask_login import current_user


def select_locale() -> str | None:
    """The signed-in user's language, else the browser's best match, else the default."""
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    if not request:
        return None
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def select_timezone() -> str | None:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None
