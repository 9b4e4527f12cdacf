"""Boundary helpers shared by the calls pages and the API: who is asking, loading what they may
see (404 otherwise), where decks live and how large they may be."""

from __future__ import annotations

from pathlib import Path

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import url_for
from flask_login import current_user

from app.calls import decks
from app.calls import queries
from app.calls.models import Application
from app.calls.models import Call
from app.core.errors import DomainError
from app.core.errors import NotFound
from app.core.time import utcnow
from app.extensions import db


def viewer():
    """The signed-in user of the web session, or None for a visitor."""
    return current_user if current_user.is_authenticated else None


def deck_directory() -> Path:
    """Where decks live: the instance folder, outside `static/`, never served directly."""
    return Path(current_app.config.get("UPLOADS_DIR") or Path(current_app.instance_path) / "uploads")


def deck_max_bytes() -> int:
    return int(current_app.config.get("CALL_DECK_MAX_BYTES", decks.DEFAULT_MAX_BYTES))


def load_call(call_id: int, user=None) -> Call:
    try:
        return queries.get_visible_call(db.session, call_id, user if user is not None else viewer(), utcnow())
    except NotFound:
        abort(404)


def load_application(application_id: int, user=None) -> Application:
    try:
        return queries.get_visible_application(db.session, application_id, user or current_user)
    except NotFound:
        abort(404)


def refused(exc: DomainError, application_id: int):
    """Explain a refused action on the application page; nothing was saved."""
    db.session.rollback()
    if exc.status in (403, 404):
        abort(exc.status)
    flash(" ".join([exc.message, *[m for ms in exc.errors.values() for m in ms if m != exc.message]]), "error")
    return redirect(url_for("calls.application", application_id=application_id), code=303)
