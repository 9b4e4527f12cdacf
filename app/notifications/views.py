"""The signed-in user's notifications."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.core.time import utcnow
from app.extensions import db
from app.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@login_required
def index():
    page = db.paginate(services.select_notifications(current_user), per_page=30, error_out=False)
    return render_template("notifications/index.html", page=page)


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(db.session, current_user, now=utcnow())
    db.session.commit()
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.index"))
