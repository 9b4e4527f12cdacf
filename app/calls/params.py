"""Where pitch decks live and how large they may be: read from the configuration by the web pages
and the API alike (both boundaries, so it sits below them rather than in either)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.calls import decks


def deck_directory() -> Path:
    """Where decks live: the instance folder, outside `static/`, never served directly."""
    return Path(current_app.config.get("UPLOADS_DIR") or Path(current_app.instance_path) / "uploads")


def deck_max_bytes() -> int:
    return int(current_app.config.get("CALL_DECK_MAX_BYTES", decks.DEFAULT_MAX_BYTES))


#: A request body this many times the deck limit is still read — Werkzeug spools file parts to disk, so
#: memory stays flat — and the page refuses the deck itself, keeping every answer typed beside it. Past
#: that the body is refused unread (413) and nothing of the form can be kept.
DECK_BODY_FACTOR = 4


def deck_body_max_bytes() -> int:
    """The body limit of a form that carries a deck (the app-wide MAX_CONTENT_LENGTH is smaller)."""
    return DECK_BODY_FACTOR * deck_max_bytes() + 64 * 1024
