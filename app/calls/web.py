"""Boundary helpers of the calls pages: who is asking, loading what they may see (404 otherwise),
explaining a refusal. (Where decks live is `app.calls.params`, shared with the API.)"""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
from flask import url_for
from flask_login import current_user

from app.calls import queries
from app.calls.models import Application
from app.calls.models import Call
from app.core.errors import DomainError
from app.core.errors import NotFound
from app.core.problems import http_status
from app.core.time import utcnow
from app.extensions import db


def viewer():
    """The signed-in user of the web session, or None for a visitor."""
    return current_user if current_user.is_authenticated else None


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
    if http_status(exc) in (403, 404):
        abort(http_status(exc))
    flash(" ".join([exc.text, *[m for ms in exc.field_errors().values() for m in ms if m != exc.text]]), "error")
    return redirect(url_for("calls.application", application_id=application_id), code=303)
