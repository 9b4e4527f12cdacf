"""Who may do what with office hours: pure predicates."""

from __future__ import annotations

import datetime as dt

from app.auth.models import User
from app.officehours.models import Booking

#: Either side may cancel until this long before the meeting.
CANCEL_CUTOFF = dt.timedelta(hours=2)


def can_edit_availability(actor: User, mentor_id: int) -> bool:
    """A mentor publishes their own office hours."""
    return actor.id == mentor_id and actor.role == "mentor"


def can_book(relations: frozenset[str]) -> bool:
    """The project's founders book (managers and mentors do not book for them)."""
    return "member" in relations


def can_cancel(actor: User, booking: Booking, relations: frozenset[str]) -> bool:
    """Either side: the mentor, the project's founders (and managers, who look after both)."""
    return actor.id == booking.mentor_id or "member" in relations or actor.is_manager


def is_cancellable(booking: Booking, now: dt.datetime) -> bool:
    return booking.status == "booked" and now <= booking.starts_at - CANCEL_CUTOFF


def can_mark(actor: User, booking: Booking, now: dt.datetime) -> bool:
    """The mentor marks a no-show or logs the session once the meeting has started."""
    return actor.id == booking.mentor_id and booking.status == "booked" and now >= booking.starts_at
