"""Locale and time zone of the current request."""

from __future__ import annotations

import os

from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask_login import current_user

from app.core.i18n import babel_locale

#: The cookie that remembers the language picked with the switcher, signed in or not.
LOCALE_COOKIE = "parcours_locale"


def note_user(user) -> None:
    """Remember the signed-in user's language and zone for this request, read while the row is fresh.

    A failed flush later in the request expires every loaded object; the error message raised
    after it must still be translatable without querying the broken transaction. A language the
    person never chose is only a fallback: the switcher's cookie and the browser come first.
    """
    chosen = user.locale if user.has_chosen_locale else None
    g.user_preferences = (chosen, user.timezone, user.locale)


def _user_preferences() -> tuple[str | None, ...] | None:
    """The (locale, timezone) of the API's bearer user or of the web session's user."""
    if "user_preferences" not in g and has_request_context():
        current_user._get_current_object()  # loading the web session's user notes it (load_user)
    return g.get("user_preferences")


def terminal_language(shipped: tuple[str, ...] | None = None) -> str:
    """The language of the terminal (LC_ALL, LC_MESSAGES, LANG), for the command line; English by default.

    `shipped`: the languages to choose from (default: the app's `LANGUAGES`; given where no app is
    loaded yet, as when click prints a command's `--help`)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            language = value.split("_")[0].split(".")[0].lower()
            return language if language in (shipped or current_app.config["LANGUAGES"]) else "en"
    return "en"


def cookie_locale() -> str | None:
    """The language picked with the switcher on this browser, if any (and still shipped)."""
    value = request.cookies.get(LOCALE_COOKIE) if has_request_context() else None
    return value if value in current_app.config["LANGUAGES"] else None


def accepted_language() -> str | None:
    """The shipped language the browser prefers, by Accept-Language's order of preference.

    Regional tags count for their language: "fr-MA, ar;q=0.8" is French. (Werkzeug's
    `best_match` prefers any exact tag to a regional one, so it would answer Arabic.)"""
    if not has_request_context():
        return None
    shipped = current_app.config["LANGUAGES"]
    for tag, _quality in request.accept_languages:  # sorted by quality, the browser's order on ties
        language = tag.replace("_", "-").split("-")[0].lower()
        if language in shipped:
            return language
    return None


def browser_locale() -> str | None:
    """The language the browser asks for (switcher's cookie first, then Accept-Language)."""
    if not has_request_context():
        return None
    return cookie_locale() or accepted_language()


def select_locale() -> str | None:
    """The language the signed-in user chose, else the switcher's cookie, else the browser's best
    match, else the account's stored language; outside a request (the command line, the
    scheduler) the terminal's language."""
    preferences = _user_preferences()
    if preferences and preferences[0]:
        return preferences[0]
    if not has_request_context():
        return preferences[2] if preferences else terminal_language()
    return browser_locale() or (preferences[2] if preferences else None)


def select_babel_locale() -> str | None:
    """Flask-Babel's locale selector: the language `select_locale` picks, as the Babel locale that
    formats it (Arabic as `ar_MA`: Latin digits, Moroccan month names)."""
    return babel_locale(select_locale())


def select_timezone() -> str | None:
    preferences = _user_preferences()
    return preferences[1] if preferences else None
