"""iCalendar feeds of check-ins, built with the `icalendar` library.

Each check-in is one VEVENT whose UID never changes and whose SEQUENCE grows with every
change, so calendar apps replace the event instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event

from app.checkins.models import CheckIn

DURATION = dt.timedelta(hours=1)


def build_feed(checkins: Iterable[CheckIn], *, name: str, base_url: str, host: str,
               now: dt.datetime) -> bytes:
    """Return the calendar as bytes (text/calendar)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Parcours//Check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("method", "PUBLISH")
    for checkin in checkins:
        project = checkin.project
        event = Event()
        event.add("uid", f"checkin-{checkin.id}@{host}")
        event.add("sequence", checkin.sequence)
        event.add("dtstamp", now)
        event.add("last-modified", checkin.updated_at)
        event.add("dtstart", checkin.due_at)
        event.add("dtend", checkin.due_at + DURATION)
        event.add("summary", f"Check-in · {project.name}")
        event.add("description", f"{project.name} ({checkin.stage}) — {base_url}/projects/{project.id}")
        event.add("url", f"{base_url}/projects/{project.id}")
        event.add("status", "CANCELLED" if checkin.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
