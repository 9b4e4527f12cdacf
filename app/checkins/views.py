"""Check-in pages and the private calendar feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import force_locale
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from app.auth.models import User
from app.checkins import queries
from app.checkins.calendar import build_feed
from app.checkins.calendar import more_events
from app.checkins.models import STATUSES
from app.core.time import utcnow
from app.extensions import db

bp = Blueprint("checkins", __name__)
PER_PAGE = 50


@bp.get("/checkins")
@login_required
def index():
    """Upcoming and overdue check-ins of the projects you see (managers: all, and who is late)."""
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400)
    default = "overdue" if current_user.is_manager else None
    status = status or default
    stmt = queries.select_checkins(current_user, status=status)
    if status is None:
        stmt = stmt.where(queries.CheckIn.status.in_(queries.OPEN_STATUSES))
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template("checkins/index.html", page=page, status=status, statuses=STATUSES)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """A user's check-ins (and office hours) as iCalendar; the secret token in the URL is the credential."""
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.is_active:
        abort(404)
    base_url = current_app.config["BASE_URL"].rstrip("/")
    host, now = urlsplit(base_url).hostname or "parcours", utcnow()
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):  # the owner's language
        body = build_feed(db.session.scalars(queries.select_calendar(user)), name=f"Parcours · {user.name}",
                          base_url=base_url, host=host, now=now,
                          extra=more_events(db.session, user, host=host, base_url=base_url, now=now))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="parcours.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
