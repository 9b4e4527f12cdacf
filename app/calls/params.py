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
