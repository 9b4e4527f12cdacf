"""Office hours pages: the mentor's hours and meetings, a project's booking page, managers' list of bookings."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

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
from sqlalchemy import select

from app.auth.decorators import role_required
from app.auth.models import User
from app.core.dates import format_date
from app.core.dates import format_time
from app.core.dates import to_local
from app.core.forms import one_write
from app.core.time import utcnow
from app.extensions import db
from app.officehours import permissions
from app.officehours import queries
from app.officehours import services
from app.officehours.forms import AvailabilityForm
from app.officehours.forms import BookForm
from app.officehours.forms import CancelForm
from app.officehours.models import STATUSES
from app.officehours.models import Booking
from app.officehours.web import availability_input
from app.officehours.web import fill_availability
from app.officehours.web import log_form
from app.projects import queries as project_queries
from app.projects.access import load_visible
from app.projects.models import Project

bp = Blueprint("officehours", __name__)
PER_PAGE = 25


def _booking(booking_id: int) -> Booking:
    booking = db.session.scalar(queries.select_bookings(current_user).where(Booking.id == booking_id))
    return booking or abort(404)


def _back(booking: Booking):
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("officehours.project", project_id=booking.project_id)
    return redirect(target, code=303)


@bp.route("/office-hours", methods=["GET", "POST"])
@role_required("mentor")
def mine():
    """The mentor's office hours (weekly windows, one-offs, days off, rules) and meetings."""
    availability = queries.get_availability(db.session, current_user.id)
    form = AvailabilityForm()
    if not form.is_submitted():
        fill_availability(form, availability, default_zone=current_user.timezone)
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        with one_write(form) as write:
            services.update_availability(db.session, current_user, availability_input(form), actor=current_user,
                                         now=utcnow())
        if write.ok:
            flash(_("Your office hours are published."), "success")
            return redirect(url_for("officehours.mine"), code=303)
        status = write.status
    now = utcnow()
    meetings = db.session.scalars(queries.select_bookings(current_user, mentor_id=current_user.id, status="booked",
                                                          since=now - dt.timedelta(days=14)).limit(50)).all()
    return render_template("officehours/mine.html", form=form, meetings=meetings, now=now, cancel=CancelForm(),
                           published=availability is not None,
                           can_mark=lambda b: permissions.can_mark(current_user, b, now),
                           cancellable=lambda b: permissions.is_cancellable(b, now)), status


def _slot_groups(project: Project, now: dt.datetime) -> list[tuple[User, list[tuple[str, list[tuple[str, str]]]]]]:
    """Per stage mentor: their free slots grouped by day in the reader's zone, as (value, label) radios."""
    groups = []
    for mentor in queries.stage_mentors(db.session, project):
        days = []
        for _day, found in groupby(services.free_slots(db.session, mentor.id, now=now),
                                   key=lambda s: to_local(s.starts_at).date()):
            found = list(found)
            days.append((format_date(found[0].starts_at, "full"), [
                (f"{mentor.id}|{s.starts_at.isoformat()}",
                 f"{format_time(s.starts_at)}–{format_time(s.ends_at)}" + (f" · {s.place}" if s.place else ""))
                for s in found]))
        groups.append((mentor, days))
    return groups


@bp.route("/projects/<int:project_id>/office-hours", methods=["GET", "POST"])
@login_required
def project(project_id: int):
    """Book a slot with the stage's mentors (founders); the project's meetings (whoever sees the project)."""
    record = load_visible(project_id)
    relations = project_queries.relations(db.session, record, current_user)
    now = utcnow()
    can_book = permissions.can_book(relations)
    groups = _slot_groups(record, now) if can_book else []
    form = BookForm()
    form.slot.choices = [value for _mentor, days in groups for _day, slots in days for value, _label in slots]
    status = 200
    if request.method == "POST":
        if not can_book:
            abort(403)
        status = 422
        if form.validate_on_submit():
            mentor_id, _sep, starts = form.slot.data.partition("|")
            with one_write(form) as write:
                mentor = queries.get_mentor(db.session, int(mentor_id))
                services.book_slot(db.session, actor=current_user, mentor=mentor, project=record,
                                   starts_at=dt.datetime.fromisoformat(starts), topic=form.topic.data, now=now)
            if write.ok:
                flash(_("Booked. You and the mentor receive a calendar invitation by email."), "success")
                return redirect(url_for("officehours.project", project_id=project_id), code=303)
            status, groups = write.status, _slot_groups(record, now)  # the slot may have gone meanwhile
    meetings = db.session.scalars(queries.select_bookings(current_user, project_id=record.id, newest_first=True)
                                  .limit(50)).all()
    return render_template("officehours/project.html", project=record, form=form, groups=groups, can_book=can_book,
                           meetings=meetings, cancel=CancelForm(), now=now,
                           cancellable=lambda b: permissions.is_cancellable(b, now)), status


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    booking = _booking(booking_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Give a reason and confirm the cancellation."), "error")
        return _back(booking)
    with one_write(abort_on=(403,)) as write:
        services.cancel_booking(db.session, booking, actor=current_user, now=utcnow(), reason=form.reason.data)
    flash(_("The meeting is cancelled; both sides are told.") if write.ok else write.error.text,
          "success" if write.ok else "error")
    return _back(booking)


@bp.post("/bookings/<int:booking_id>/no-show")
@login_required
def no_show(booking_id: int):
    booking = _booking(booking_id)
    with one_write(abort_on=(403,)) as write:
        services.mark_no_show(db.session, booking, actor=current_user, now=utcnow())
    flash(_("Marked as a no-show.") if write.ok else write.error.text, "success" if write.ok else "error")
    return _back(booking)


@bp.route("/bookings/<int:booking_id>/log", methods=["GET", "POST"])
@login_required
def log(booking_id: int):
    """Log the session held in this meeting: the session form, filled from the booking."""
    booking = _booking(booking_id)
    if booking.mentor_id != current_user.id:
        abort(403)
    form, items, zone = log_form(booking, current_user)
    if form.validate_on_submit():
        with one_write(form) as write:
            services.log_booking(db.session, booking, actor=current_user, now=utcnow(),
                                 held_at=form.held_at.data.replace(tzinfo=zone).astimezone(dt.UTC),
                                 duration_minutes=form.duration_minutes.data, summary=form.summary.data,
                                 notes=form.notes.data or "", action_items=items())
        if write.ok:
            flash(_("Session logged."), "success")
            return redirect(url_for("projects.sessions", project_id=booking.project_id), code=303)
    return render_template("mentoring/log_session.html", form=form, project=booking.project), \
        422 if form.errors else 200


@bp.get("/bookings")
@role_required("manager")
def bookings():
    """Every booking, by mentor, project or status (managers)."""
    mentor_id = request.args.get("mentor", type=int)
    project_id = request.args.get("project", type=int)
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400)
    stmt = queries.select_bookings(current_user, mentor_id=mentor_id, project_id=project_id, status=status,
                                   newest_first=True)
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    mentors = db.session.scalars(select(User).where(User.role == "mentor").order_by(User.name)).all()
    projects = db.session.scalars(select(Project).where(Project.id.in_(select(Booking.project_id)))
                                  .order_by(Project.name)).all()
    return render_template("officehours/bookings.html", page=page, mentors=mentors, projects=projects,
                           statuses=STATUSES, mentor_id=mentor_id, project_id=project_id, status=status)
