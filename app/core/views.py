"""Home, health probes and error pages."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.core.i18n import _l
from app.core.problems import problem
from app.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    """Send each user to where their day starts."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == "mentor":
        return redirect(url_for("mentoring.mentees"))
    if current_user.is_manager:
        return redirect(url_for("attention.cockpit"))  # what waits today, the tiles and the board
    if current_user.role == "applicant":
        return redirect(url_for("calls.mine"))  # no project yet: their applications, and the calls from there
    return redirect(url_for("projects.index"))


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready when the database answers and its schema is at the latest migration."""
    from flask import current_app

    from app.core import schema

    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = schema.is_current(conn, current_app.extensions["migrate"].migrate.get_config())
    except OperationalError:
        return problem(503, "The database is unreachable.")
    if not current:
        return problem(503, "Database migrations are not current; run `flask --app wsgi db upgrade`.")
    return jsonify(status="ready")


def wants_problem_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best in ("application/json", "application/problem+json")
        and not request.accept_mimetypes.accept_html
    )


#: What a person reads on an error page, in their language (Werkzeug's names and descriptions are English
#: and written for developers).
ERROR_TEXTS = {
    400: (_l("The request could not be understood"),
          _l("Something in what was sent is not valid. Go back and try again.")),
    401: (_l("Please sign in"), _l("This page needs you to be signed in.")),
    405: (_l("This action is not possible here"), _l("Go back and use the page's buttons and forms.")),
    409: (_l("Someone else changed this first"), _l("Reload the page to see the latest version, then try again.")),
    413: (_l("The file is too large"), _l("Send a smaller file.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes before trying again.")),
    500: (_l("Something went wrong"), _l("Nothing was saved. Please try again in a moment.")),
    503: (_l("The service is unavailable"), _l("Nothing was saved. Please try again in a moment.")),
}
CSRF_TEXTS = (_l("The form has expired"),
              _l("For your security, forms expire after a while or when you sign in again. Go back, reload the "
                 "page and send the form again: nothing was saved."))


def error_texts(exc: HTTPException) -> tuple[str, str]:
    if isinstance(exc, CSRFError):
        return CSRF_TEXTS
    return ERROR_TEXTS.get(exc.code or 500, ERROR_TEXTS[400 if (exc.code or 500) < 500 else 500])


def register_error_pages(app) -> None:
    """Answer errors as problem+json for the API and as friendly pages for people."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_problem_json():
            return problem(exc.code or 500, exc.description or "")
        if exc.code in (403, 404):
            return render_template(f"errors/{exc.code}.html"), exc.code
        title, description = error_texts(exc)
        return render_template("errors/generic.html", code=exc.code, title=title, description=description), exc.code

    @app.errorhandler(Exception)
    def crash(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if isinstance(exc, OperationalError):
            status, detail = 503, "The database is unavailable; nothing was saved. Try again shortly."
        else:
            status, detail = 500, "Something went wrong on our side; nothing was saved."
        if wants_problem_json():
            return problem(status, detail)
        title, description = ERROR_TEXTS[status]
        return render_template("errors/generic.html", code=status, title=title, description=description), status
