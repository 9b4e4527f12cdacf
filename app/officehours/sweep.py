"""The scheduler's part for office hours: reminders 24 hours and 1 hour before a booked meeting, once each.

A reminder is *claimed* by an UPDATE … WHERE reminded_*_at IS NULL (SKIP LOCKED on PostgreSQL) and
its messages queued with unique dedupe keys in the same transaction, so concurrent sweeps or a sweep
after downtime remind once. A meeting booked within a day of its start gets no day reminder (the
invitation has just arrived), and a meeting already started gets none.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_
from sqlalchemy.orm import Session

from app.core.bulk import claim
from app.notifications.services import Message
from app.officehours.models import Booking
from app.officehours.services import participants

BATCH = 500
LEADS = {"day": dt.timedelta(hours=24), "hour": dt.timedelta(hours=1)}


def claim_reminders(session: Session, *, now: dt.datetime, which: str) -> list[Booking]:
    """Claim booked meetings starting within the lead whose `which` reminder is not sent yet."""
    mark = Booking.reminded_day_at if which == "day" else Booking.reminded_hour_at
    return claim(session, Booking, where=and_(Booking.status == "booked", Booking.starts_at <= now + LEADS[which]),
                 mark=mark, now=now, order_by=(Booking.starts_at, Booking.id), limit=BATCH)


def reminder_messages(bookings: list[Booking], *, now: dt.datetime, which: str) -> list[Message]:
    """One reminder per participant of each claimed meeting still ahead (and, for the day's, booked earlier)."""
    messages = []
    for booking in bookings:
        if booking.starts_at <= now:
            continue
        if which == "day" and booking.created_at > booking.starts_at - LEADS["day"]:
            continue
        params = {"project": booking.project.name, "project_id": booking.project_id, "mentor": booking.mentor.name,
                  "due_at": booking.starts_at.isoformat(), "minutes": booking.minutes, "place": booking.place,
                  "topic": booking.topic, "booking_id": booking.id}
        messages += [Message(user=person, kind="booking_reminder", params=params,
                             link=f"/projects/{booking.project_id}/office-hours",
                             dedupe_key=f"booking:{booking.id}:reminder:{which}:{person.id}")
                     for person in participants(booking)]
    return messages
