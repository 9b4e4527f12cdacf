"""Readiness pages: scoring a project (the founders' side or the mentor's)."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.checkins.services import open_checkin
from app.core.dates import format_date
from app.core.forms import one_write
from app.core.time import utcnow
from app.extensions import db
from app.projects import panels
from app.projects import queries as project_queries
from app.projects.access import load_visible
from app.readiness import permissions
from app.readiness import queries
from app.readiness import services
from app.readiness.forms import assessment_form
from app.readiness.overview import build_panel

bp = Blueprint("readiness", __name__)


def _progress_panel(r: panels.PanelRequest):
    """The project's readiness tab, with the prompts of its open check-in."""
    return build_panel(r.session, r.project, r.user, r.relations, now=r.now,
                       date_format=lambda when: format_date(when, "short"), checkin=open_checkin(r.session, r.project))


panels.provide(bp, "readiness", _progress_panel)


@bp.route("/projects/<int:project_id>/readiness/new", methods=["GET", "POST"])
@login_required
def assess(project_id: int):
    project = load_visible(project_id)
    side = permissions.assessment_side(project_queries.relations(db.session, project, current_user))
    if side is None:
        abort(403)
    scale = queries.scale_of(db.session, project)
    mine = queries.latest_pair(db.session, project)[side]
    prefill = {f"score_{k}": v for k, v in mine.score_map().items()} if mine and request.method == "GET" else None
    form = assessment_form(scale, data=prefill)
    if form.validate_on_submit():
        with one_write(form, abort_on=(403,), field_names=lambda k: k.replace("scores.", "score_")) as write:
            services.log_assessment(db.session, project, actor=current_user, now=utcnow(),
                                    scores=form.scores(scale), comment=form.comment.data or "")
        if write.ok:
            flash(_("Readiness scored."), "success")
            return redirect(url_for("projects.progress", project_id=project.id, _anchor="readiness"), code=303)
    return render_template("readiness/assess.html", project=project, form=form, scale=scale, side=side,
                           mine=mine), 422 if form.errors else 200
