"""Office hours through the API: a mentor's availability and free slots, bookings and their cancellation."""

from __future__ import annotations

import datetime as dt

from flask import abort
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.officehours_schemas import AvailabilityIn
from app.api.officehours_schemas import AvailabilityOut
from app.api.officehours_schemas import BookingIn
from app.api.officehours_schemas import BookingListQuery
from app.api.officehours_schemas import BookingOut
from app.api.officehours_schemas import BookingPage
from app.api.officehours_schemas import CancelIn
from app.api.officehours_schemas import SlotList
from app.api.officehours_schemas import SlotsQuery
from app.api.params import query_args
from app.api.projects import person
from app.api.projects import visible
from app.api.spec import doc
from app.auth.models import User
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.problems import problem
from app.core.time import utcnow
from app.extensions import db
from app.officehours import permissions
from app.officehours import queries
from app.officehours import services
from app.officehours.models import Booking
from app.officehours.models import MentorAvailability


def availability_out(a: MentorAvailability) -> dict:
    return AvailabilityOut(
        mentor_id=a.mentor_id, timezone=a.timezone, slot_minutes=a.slot_minutes, buffer_minutes=a.buffer_minutes,
        notice_hours=a.notice_hours, horizon_days=a.horizon_days, weekly_cap=a.weekly_cap, windows=a.windows,
        one_offs=a.one_offs, exceptions=a.exceptions, updated_at=a.updated_at).model_dump(mode="json")


def booking_out(b: Booking) -> dict:
    cancelled_by = db.session.get(User, b.cancelled_by_id) if b.cancelled_by_id else None
    return BookingOut(
        id=b.id, mentor=person(b.mentor), project_id=b.project_id, project_name=b.project.name,
        booked_by=person(b.booked_by), starts_at=b.starts_at, ends_at=b.ends_at, place=b.place, topic=b.topic,
        status=b.status, cancelled_at=b.cancelled_at, cancelled_by=person(cancelled_by),
        cancel_reason=b.cancel_reason, session_id=b.session_id, sequence=b.sequence).model_dump(mode="json")


def slot_reader(mentor_id: int):
    """The mentor, for a reader allowed their slots (managers, the mentor, founders of a project of theirs)."""
    mentor = queries.get_mentor(db.session, mentor_id)
    if not queries.can_see_slots(db.session, current_user(), mentor.id):
        raise Forbidden("Only the founders of a project this mentor follows at its stage, and managers, see these.")
    return mentor


def instant(text: str | None, *, end: bool = False) -> dt.datetime | None:
    """An ISO 8601 date (UTC midnight; the day after it for an end) or instant (UTC without a zone)."""
    if not text:
        return None
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), tzinfo=dt.UTC)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        abort(problem(400, _("`from` and `to` are ISO 8601 dates or instants."),
                      errors={"to" if end else "from": ["An ISO 8601 date or instant."]}))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@bp.get("/mentors/<int:mentor_id>/availability")
@doc("A mentor's office hours (the mentor, managers, founders of a project the mentor follows at its stage)",
     response=AvailabilityOut, errors=(403, 404), tag="office hours")
@authenticated
def get_availability(mentor_id: int):
    mentor = slot_reader(mentor_id)
    availability = queries.get_availability(db.session, mentor.id)
    if availability is None:
        raise NotFound("This mentor has published no office hours.")
    return availability_out(availability)


@bp.put("/mentors/<int:mentor_id>/availability")
@doc("Publish the mentor's office hours (the mentor): weekly windows, one-off windows, days off and rules",
     body=AvailabilityIn, response=AvailabilityOut, errors=(403, 404, 409), tag="office hours")
@authenticated
def put_availability(mentor_id: int):
    mentor = queries.get_mentor(db.session, mentor_id)
    if not permissions.can_edit_availability(current_user(), mentor.id):
        raise Forbidden("A mentor publishes their own office hours.")  # before reading the body
    data = json_body(AvailabilityIn)
    availability = services.update_availability(
        db.session, mentor, services.AvailabilityInput(**data.model_dump(mode="json")), actor=current_user(),
        now=utcnow())
    db.session.commit()
    return availability_out(availability)


@bp.get("/mentors/<int:mentor_id>/slots")
@doc("The mentor's free slots, UTC, soonest first (within their notice and horizon)", response=SlotList,
     errors=(400, 403, 404), query=SlotsQuery, tag="office hours")
@authenticated
def list_slots(mentor_id: int):
    mentor = slot_reader(mentor_id)
    args = query_args()
    found = services.free_slots(db.session, mentor.id, now=utcnow(), start=instant(args.from_),
                                end=instant(args.to, end=True))
    return SlotList(items=[{"starts_at": s.starts_at, "ends_at": s.ends_at, "place": s.place} for s in found]
                    ).model_dump(mode="json")


@bp.get("/bookings")
@doc("Bookings you take part in (managers: all), soonest first", list_response=BookingPage, errors=(400,),
     query=BookingListQuery, tag="office hours")
@authenticated
def list_bookings():
    args = query_args()
    stmt = queries.select_bookings(current_user(), mentor_id=args.mentor_id, project_id=args.project_id,
                                   status=args.status, since=utcnow() if args.upcoming else None)
    return paginated(stmt, booking_out)


@bp.post("/bookings")
@doc("Book a mentor's free slot for a project (its founders); both sides get an iCalendar invitation. "
     "409 when the slot was taken or the mentor's week is full", body=BookingIn, response=BookingOut, status=201,
     errors=(403, 404, 409), tag="office hours")
@authenticated
def create_booking():
    if current_user().role != "founder":  # before reading the body; the project's own rule follows
        raise Forbidden("Only founders book office hours for their projects.")
    data = json_body(BookingIn)
    project = visible(data.project_id)
    mentor = queries.get_mentor(db.session, data.mentor_id)
    booking = services.book_slot(db.session, actor=current_user(), mentor=mentor, project=project,
                                 starts_at=data.starts_at, topic=data.topic, now=utcnow())
    db.session.commit()
    return booking_out(booking), 201


def visible_booking(booking_id: int) -> Booking:
    booking = db.session.scalar(queries.select_bookings(current_user()).where(Booking.id == booking_id))
    if booking is None:
        raise NotFound("No such booking.")
    return booking


@bp.post("/bookings/<int:booking_id>/cancel")
@doc("Cancel a booking (the mentor or the project's founders, up to two hours before) with a reason; "
     "both sides get METHOD:CANCEL", body=CancelIn, response=BookingOut, errors=(403, 404, 409), tag="office hours")
@authenticated
def cancel_booking(booking_id: int):
    booking = visible_booking(booking_id)
    data = json_body(CancelIn)
    services.cancel_booking(db.session, booking, actor=current_user(), now=utcnow(), reason=data.reason)
    db.session.commit()
    return booking_out(booking)


@bp.post("/bookings/<int:booking_id>/no-show")
@doc("Mark that nobody came (the mentor, after the start)", response=BookingOut, errors=(403, 404, 409),
     tag="office hours")
@authenticated
def mark_no_show(booking_id: int):
    booking = visible_booking(booking_id)
    services.mark_no_show(db.session, booking, actor=current_user(), now=utcnow())
    db.session.commit()
    return booking_out(booking)
