"""Mentoring pages: mentors and their load, my mentees, assigning, sessions, action items."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

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
from wtforms import SelectChoice

from app.auth.decorators import role_required
from app.core import blocks
from app.core.errors import DomainError
from app.core.errors import NotFound
from app.core.forms import choices
from app.core.forms import error_list
from app.core.forms import one_write
from app.core.problems import http_status
from app.core.time import utcnow
from app.extensions import db
from app.mentoring import queries
from app.mentoring import services
from app.mentoring.forms import AssignForm
from app.mentoring.forms import ProfileForm
from app.mentoring.forms import RatingForm
from app.mentoring.forms import SessionForm
from app.mentoring.overview import build_panel
from app.mentoring.overview import build_team
from app.mentoring.suggestions import suggest_for
from app.projects import panels
from app.projects import queries as project_queries
from app.projects.access import load_visible
from app.projects.services import definition_of
from app.workflow.catalog import catalog_of

bp = Blueprint("mentoring", __name__)
panels.provide(bp, "mentoring", lambda r: build_panel(r.session, r.project, r.user, r.relations, now=r.now,
                                                      sessions_shown=r.shown))
panels.provide(bp, "team", lambda r: build_team(r.session, r.project, r.user, r.relations))

#: Mentors listed on a project's assignment page.
SUGGESTIONS_SHOWN = 25


def _back(project_id: int, anchor: str = "mentoring"):
    """Back to where the action was taken: the overview's team card, or the mentoring tab."""
    page = "projects.sessions" if anchor == "sessions" else "projects.detail"
    return redirect(url_for(page, project_id=project_id, _anchor=anchor), code=303)


def _refused(project_id: int, exc: DomainError, anchor: str = "mentoring"):
    db.session.rollback()
    if http_status(exc) in (403, 404):
        abort(http_status(exc))
    flash(exc.text, "error")
    return _back(project_id, anchor)


#: Mentors per page of `/mentors` (each row costs a profile, a load and a rating).
MENTORS_PER_PAGE = 50
#: Projects waiting for a mentor listed on `/mentors`, longest waiting first (the count says how many in all).
WAITING_SHOWN = 50


@bp.get("/mentors")
@role_required("manager")
def mentors():
    q = (request.args.get("q") or "").strip()[:100] or None
    page = db.paginate(queries.select_mentor_ids(q), per_page=MENTORS_PER_PAGE, error_out=False)
    return render_template(
        "mentoring/mentors.html", loads=queries.list_mentors(db.session, list(page.items)), page=page, q=q,
        waiting=db.session.scalars(queries.select_projects_needing_mentor().limit(WAITING_SHOWN)).all(),
        waiting_total=queries.count_projects_needing_mentor(db.session),
        pole_names={p.key: p.name for p in project_queries.list_poles(db.session)},
        stage_names={s.name: s.label for d in catalog_of(db.session).all_latest() for s in d.stages},
    )


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@login_required
def edit_profile(mentor_id: int):
    try:
        mentor = queries.get_mentor(db.session, mentor_id)
    except NotFound:
        abort(404)
    if not (current_user.is_manager or current_user.id == mentor_id):
        abort(403)
    profile = services.ensure_profile(db.session, mentor)
    form = ProfileForm(obj=profile)
    if not form.is_submitted():  # obj= wins over keyword data: the field would show the list's repr, saved back as is
        form.languages.data = ", ".join(profile.languages)
    form.poles.choices = choices((p.key, p.name) for p in project_queries.list_poles(db.session))
    definitions = catalog_of(db.session).all_latest()
    form.stages.choices = choices(sorted({(s.name, s.label) for d in definitions for s in d.stages}))
    form.dimensions.choices = choices(dict.fromkeys((x.key, x.label) for d in definitions
                                                    for x in d.readiness.dimensions))
    if form.validate_on_submit():
        with one_write(form) as write:
            services.update_profile(
                db.session, mentor, actor=current_user, now=utcnow(),
                known_poles={c.value for c in form.poles.choices}, known_stages={c.value for c in form.stages.choices},
                poles=form.poles.data, stages=form.stages.data, capacity=form.capacity.data,
                languages=[x.strip() for x in (form.languages.data or "").split(",") if x.strip()],
                bio=form.bio.data or "", dimensions=form.dimensions.data,
                known_dimensions={c.value for c in form.dimensions.choices})
        if write.ok:
            flash(_("Profile saved."), "success")
            return redirect(url_for("mentoring.mentors" if current_user.is_manager else "mentoring.mentees"))
    return render_template("mentoring/edit_profile.html", form=form, mentor=mentor), 422 if form.errors else 200


@bp.get("/mentees")
@role_required("mentor")
def mentees():
    now = utcnow()
    return render_template("mentoring/mentees.html", attention=blocks.build("attention", db.session, current_user, now),
                           mentees=queries.list_mentees(db.session, current_user, today=now.date()))


@bp.get("/projects/<int:project_id>/mentors")
@role_required("manager")
def suggestions(project_id: int):
    """Mentors ranked for this project's stage, to assign one. Scoring every active mentor costs
    in proportion to the mentors, so it has its own page rather than weighing on the project page."""
    project = load_visible(project_id)
    stage = definition_of(db.session, project).stage(project.stage)
    return render_template(
        "mentoring/assign.html", project=project, stage=stage,
        current=queries.list_active_assignments(db.session, project),
        suggestions=suggest_for(db.session, project, stage, limit=SUGGESTIONS_SHOWN)
        if project.status == "active" else [],
    )


@bp.post("/projects/<int:project_id>/mentors")
@role_required("manager")
def assign(project_id: int):
    project = load_visible(project_id)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    with one_write() as write:
        mentor = queries.get_mentor(db.session, form.mentor_id.data)
        services.assign_mentor(db.session, project, mentor, actor=current_user, now=utcnow(),
                               override=form.override.data)
    if not write.ok:
        return _refused(project_id, write.error)
    flash(_("%(name)s now mentors this project.", name=mentor.name), "success")
    return _back(project_id)


@bp.post("/projects/<int:project_id>/mentors/<int:assignment_id>/end")
@role_required("manager")
def end_assignment(project_id: int, assignment_id: int):
    project = load_visible(project_id)
    if not request.form.get("confirm"):
        flash(_("Please confirm that the assignment ends."), "error")
        return _back(project_id)
    with one_write() as write:
        assignment = queries.get_assignment(db.session, project, assignment_id)
        services.end_assignment(db.session, assignment, actor=current_user, now=utcnow())
    if not write.ok:
        return _refused(project_id, write.error)
    flash(_("The assignment has ended; it stays in the history."), "success")
    return _back(project_id)


@bp.route("/projects/<int:project_id>/sessions/new", methods=["GET", "POST"])
@login_required
def log_session(project_id: int):
    project = load_visible(project_id)
    if "assigned_mentor" not in project_queries.relations(db.session, project, current_user):
        abort(403)
    form = SessionForm(checkin_id=request.args.get("checkin_id", type=int))
    if not form.is_submitted():  # most sessions are logged right after they end: start from now
        form.held_at.data = utcnow().astimezone(ZoneInfo(current_user.timezone)).replace(
            tzinfo=None, second=0, microsecond=0)
    owners = [SelectChoice("0", _("— nobody —"))] + [SelectChoice(str(m.user_id), m.user.name)
                                                     for m in project.members] + \
        [SelectChoice(str(current_user.id), current_user.name)]
    for row in form.action_items:
        row.owner_id.choices = owners
    if form.validate_on_submit():
        zone = ZoneInfo(current_user.timezone)
        rows = [n for n, r in enumerate(form.action_items) if (r.title.data or "").strip()]
        items = [services.ActionItemInput(r.title.data, r.owner_id.data or None, r.due_on.data)
                 for r in (form.action_items[n] for n in rows)]
        def row_field(name: str) -> str:  # the service numbers the filled rows; the form, every row
            return re.sub(r"^action_items\.(\d+)", lambda m: f"action_items.{rows[int(m[1])]}", name)

        with one_write(form, field_names=row_field) as write:
            services.log_session(
                db.session, project, actor=current_user, now=utcnow(),
                held_at=form.held_at.data.replace(tzinfo=zone).astimezone(dt.UTC),
                duration_minutes=form.duration_minutes.data, summary=form.summary.data, notes=form.notes.data or "",
                checkin_id=form.checkin_id.data, action_items=items)
        if write.ok:
            flash(_("Session logged."), "success")
            return _back(project_id, "sessions")
    return render_template("mentoring/log_session.html", form=form, project=project), 422 if error_list(form) else 200


@bp.post("/action-items/<int:item_id>")
@login_required
def toggle_action_item(item_id: int):
    try:
        item = queries.get_action_item(db.session, item_id)
    except NotFound:
        abort(404)
    project = load_visible(item.project_id)
    relations = project_queries.relations(db.session, project, current_user)
    with one_write() as write:
        services.set_action_item(db.session, item, done=bool(request.form.get("done")), actor=current_user,
                                 relations=relations, now=utcnow())
    if not write.ok:
        return _refused(project.id, write.error, "sessions")
    flash(_("Action item updated."), "success")
    return _back(project.id, "sessions")


@bp.post("/sessions/<int:session_id>/rate")
@login_required
def rate(session_id: int):
    try:
        record = queries.get_session(db.session, session_id)
    except NotFound:
        abort(404)
    project = load_visible(record.project_id)
    form = RatingForm()
    if not form.validate_on_submit():
        flash(_("Choose a usefulness from 1 to 5."), "error")
        return _back(project.id, "sessions")
    relations = project_queries.relations(db.session, project, current_user)
    with one_write() as write:
        services.rate_session(db.session, record, actor=current_user, relations=relations,
                              usefulness=form.usefulness.data, comment=form.comment.data or "", now=utcnow())
    if not write.ok:
        return _refused(project.id, write.error, "sessions")
    flash(_("Thank you: your rating is recorded."), "success")
    return _back(project.id, "sessions")
