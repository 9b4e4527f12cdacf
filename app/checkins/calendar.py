"""iCalendar feeds of check-ins, built with the `icalendar` library.

Each check-in is one VEVENT whose UID never changes and whose SEQUENCE grows with every
change, so calendar apps replace the event instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event

from app.checkins.models import CheckIn
from app.core.i18n import _l

DURATION = dt.timedelta(hours=1)

#: (session, user, host=, base_url=, now=) → more VEVENTs for the user's feed: other areas' meetings
#: (office hours) join the feed without check-ins importing them (`app.areas.connect` subscribes them).
Source = Callable[..., list[Event]]
_sources: list[Source] = []


def add_source(source: Source) -> None:
    """Add events of another area to every user's feed (the same function is kept once)."""
    if source not in _sources:
        _sources.append(source)


def more_events(session, user, *, host: str, base_url: str, now: dt.datetime) -> list[Event]:
    """The subscribed areas' events for `user`'s feed."""
    return [event for source in _sources for event in source(session, user, host=host, base_url=base_url, now=now)]


def build_feed(checkins: Iterable[CheckIn], *, name: str, base_url: str, host: str,
               now: dt.datetime, extra: Iterable[Event] = ()) -> bytes:
    """Return the calendar as bytes (text/calendar), its words in the language the boundary set
    (the feed's owner's: a calendar app fetches it without a session)."""
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
        event.add("summary", str(_l("Check-in · %(project)s", project=project.name)))
        event.add("description", f"{project.name} ({checkin.stage}) — {base_url}/projects/{project.id}")
        event.add("url", f"{base_url}/projects/{project.id}")
        event.add("status", "CANCELLED" if checkin.status == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    for event in extra:
        calendar.add_component(event)
    return calendar.to_ical()
