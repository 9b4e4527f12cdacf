"""iCalendar for bookings, with the `icalendar` library: the invitation emailed to both sides
(METHOD:REQUEST, then METHOD:CANCEL with the same UID and a higher SEQUENCE) and the events of
the per-user feed. Times are written in UTC; the mentor's zone is named beside them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event
from icalendar import vCalAddress
from icalendar import vText
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.officehours.models import Booking
from app.projects.models import ProjectMember


def uid(booking: Booking, host: str) -> str:
    return f"booking-{booking.id}@{host}"


def _address(user: User, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.name)
    address.params["role"] = vText(role)
    return address


def event(booking: Booking, *, host: str, base_url: str, now: dt.datetime, timezone: str = "",
          founders: Iterable[User] = ()) -> Event:
    """The booking as one VEVENT; its UID never changes, its SEQUENCE grows with every change."""
    project = booking.project
    item = Event()
    item.add("uid", uid(booking, host))
    item.add("sequence", booking.sequence)
    item.add("dtstamp", now)
    item.add("dtstart", booking.starts_at.astimezone(dt.UTC))
    item.add("dtend", booking.ends_at.astimezone(dt.UTC))
    item.add("summary", f"{booking.mentor.name} · {project.name}")
    zone = f" ({timezone})" if timezone else ""
    item.add("description", f"{booking.topic}\n{base_url}/projects/{project.id}/office-hours{zone}")
    if booking.place:
        item.add("location", booking.place)
    item.add("url", f"{base_url}/projects/{project.id}/office-hours")
    item.add("status", "CANCELLED" if booking.status == "cancelled" else "CONFIRMED")
    item.add("organizer", _address(booking.mentor, "CHAIR"))
    for founder in founders:
        attendee = _address(founder, "REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        item.add("attendee", attendee, encode=0)
    return item


def invitation(booking: Booking, founders: Iterable[User], *, method: str, host: str, base_url: str,
               now: dt.datetime, timezone: str) -> str:
    """An iTIP message (RFC 5546) for the booking: `REQUEST` when booked, `CANCEL` when cancelled."""
    calendar = Calendar()
    calendar.add("prodid", "-//Parcours//Office hours//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if timezone:
        calendar.add("x-wr-timezone", timezone)
    calendar.add_component(event(booking, host=host, base_url=base_url, now=now, timezone=timezone,
                                 founders=founders))
    return calendar.to_ical().decode()


def feed_events(session: Session, user: User, *, host: str, base_url: str, now: dt.datetime) -> list[Event]:
    """The bookings on a user's calendar feed: as the mentor, or as a founder of the project."""
    is_member = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
    bookings = session.scalars(select(Booking).where(
        or_(Booking.mentor_id == user.id, Booking.project_id.in_(is_member)),
        Booking.ends_at >= now - dt.timedelta(days=90)).order_by(Booking.starts_at, Booking.id))
    return [event(b, host=host, base_url=base_url, now=now) for b in bookings]
