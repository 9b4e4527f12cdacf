"""Home, health probes and error pages."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

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
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except OperationalError:
        return problem(503, "The database is unreachable.")
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current != heads:
        return problem(503, "Database migrations are not current; run `flask --app wsgi db upgrade`.")
    return jsonify(status="ready")


def wants_problem_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best in ("application/json", "application/problem+json")
        and not request.accept_mimetypes.accept_html
    )


def register_error_pages(app) -> None:
    """Answer errors as problem+json for the API and as friendly pages for people."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_problem_json():
            return problem(exc.code or 500, exc.description or "")
        template = f"errors/{exc.code}.html" if exc.code in (403, 404) else "errors/generic.html"
        return render_template(template, error=exc), exc.code

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
        return render_template("errors/generic.html", error=None, status=status), status
