"""Writes in office hours: publishing availability, booking, cancelling, no-shows, logging the meeting.

Services add and flush, never commit; the boundary commits once. No double booking is decided by the
database (a unique index on the mentor's active bookings by start); the availability row, locked
(PostgreSQL) and versioned (everywhere), serialises the overlap and weekly-cap checks of one mentor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.mentoring import services as mentoring_services
from app.mentoring.models import AdviceSession
from app.notifications import services as notifications
from app.notifications.services import Message
from app.officehours import calendar
from app.officehours import permissions
from app.officehours import queries
from app.officehours import slots
from app.officehours.models import Booking
from app.officehours.models import MentorAvailability
from app.projects import queries as project_queries
from app.projects.models import Project

TOPIC_MAX = 500
REASON_MAX = 1000
PLACE_MAX = 500
WINDOWS_MAX = 50
EXCEPTIONS_MAX = 200
WEEKLY_CAP_MAX = 100
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SlotTaken(Conflict):
    code = "slot_taken"


class WeeklyCapReached(Conflict):
    code = "weekly_cap_reached"


@dataclass
class AvailabilityInput:
    """What a mentor publishes; windows `{weekday, start, end, place}`, one-offs `{date, start, end, place}`,
    exceptions `{date}` (dates as `date` or ISO strings, times as `HH:MM`)."""

    timezone: str
    slot_minutes: int = 30
    buffer_minutes: int = 0
    notice_hours: int = 24
    horizon_days: int = 28
    weekly_cap: int | None = None
    windows: list[dict] = field(default_factory=list)
    one_offs: list[dict] = field(default_factory=list)
    exceptions: list[dict] = field(default_factory=list)


def rules_of(availability: MentorAvailability) -> slots.Rules:
    """The slot generator's rules from the stored availability."""
    def time(text: str) -> dt.time:
        return dt.time.fromisoformat(text)

    return slots.Rules(
        timezone=availability.timezone, slot_minutes=availability.slot_minutes,
        buffer_minutes=availability.buffer_minutes, notice_hours=availability.notice_hours,
        horizon_days=availability.horizon_days, weekly_cap=availability.weekly_cap,
        windows=tuple(slots.Window(w["weekday"], time(w["start"]), time(w["end"]), w.get("place", ""))
                      for w in availability.windows),
        one_offs=tuple(slots.OneOff(dt.date.fromisoformat(o["date"]), time(o["start"]), time(o["end"]),
                                    o.get("place", "")) for o in availability.one_offs),
        exceptions=frozenset(dt.date.fromisoformat(e["date"]) for e in availability.exceptions))


def _date(value, errors: dict, key: str) -> str | None:
    try:
        return (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))).isoformat()
    except ValueError:
        errors[key] = [_l("A date as YYYY-MM-DD.")]
        return None


def _span(row: dict, errors: dict, key: str) -> dict | None:
    start, end, place = str(row.get("start") or ""), str(row.get("end") or ""), str(row.get("place") or "").strip()
    if not _HHMM.match(start):
        errors[f"{key}.start"] = [_l("A time as HH:MM.")]
    if not _HHMM.match(end):
        errors[f"{key}.end"] = [_l("A time as HH:MM.")]
    elif _HHMM.match(start) and end <= start:
        errors[f"{key}.end"] = [_l("The end comes after the start.")]
    if len(place) > PLACE_MAX:
        errors[f"{key}.place"] = [_l("At most %(n)s characters; nothing was cut.", n=PLACE_MAX)]
    return {"start": start, "end": end, "place": place}


def _settings_errors(data: AvailabilityInput) -> dict[str, list]:
    errors: dict[str, list] = {}
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [_l("Unknown time zone.")]
    if data.slot_minutes not in slots.SLOT_LENGTHS:
        errors["slot_minutes"] = [_l("30, 45 or 60 minutes.")]
    for name, low, high in (("buffer_minutes", 0, 120), ("notice_hours", 0, 720), ("horizon_days", 1, 180)):
        if not low <= getattr(data, name) <= high:
            errors[name] = [_l("Between %(low)s and %(high)s.", low=low, high=high)]
    if data.weekly_cap is not None and not 0 <= data.weekly_cap <= WEEKLY_CAP_MAX:
        errors["weekly_cap"] = [_l("Between %(low)s and %(high)s.", low=0, high=WEEKLY_CAP_MAX)]
    if len(data.windows) + len(data.one_offs) > WINDOWS_MAX or len(data.exceptions) > EXCEPTIONS_MAX:
        errors["windows"] = [_l("At most %(n)s windows and %(m)s days off.", n=WINDOWS_MAX, m=EXCEPTIONS_MAX)]
    return errors


def _normalised(data: AvailabilityInput) -> tuple[list, list, list, dict]:
    errors = _settings_errors(data)
    windows, one_offs, exceptions = [], [], []
    for i, row in enumerate(data.windows):
        span = _span(row, errors, f"windows.{i}")
        weekday = row.get("weekday")
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors[f"windows.{i}.weekday"] = [_l("0 (Monday) to 6 (Sunday).")]
        windows.append({"weekday": weekday, **span})
    for i, row in enumerate(data.one_offs):
        day = _date(row.get("date"), errors, f"one_offs.{i}.date")
        one_offs.append({"date": day, **_span(row, errors, f"one_offs.{i}")})
    for i, row in enumerate(data.exceptions):
        exceptions.append({"date": _date(row.get("date"), errors, f"exceptions.{i}.date")})
    windows.sort(key=lambda w: (w["weekday"] if isinstance(w["weekday"], int) else 9, w["start"]))
    one_offs.sort(key=lambda o: (o["date"] or "", o["start"]))
    exceptions = sorted({e["date"]: e for e in exceptions if e["date"]}.values(), key=lambda e: e["date"])
    return windows, one_offs, exceptions, errors


def update_availability(session: Session, mentor: User, data: AvailabilityInput, *, actor: User,
                        now: dt.datetime) -> MentorAvailability:
    """Publish (or replace) a mentor's office hours; bookings already made stay."""
    if not permissions.can_edit_availability(actor, mentor.id):
        raise Forbidden(_l("A mentor publishes their own office hours."))
    windows, one_offs, exceptions, errors = _normalised(data)
    if errors:
        raise ValidationFailed(_l("The office hours have invalid fields."), **errors)
    availability = session.get(MentorAvailability, mentor.id)
    if availability is None:
        availability = MentorAvailability(mentor_id=mentor.id)
        session.add(availability)
    availability.timezone = data.timezone
    availability.slot_minutes = data.slot_minutes
    availability.buffer_minutes = data.buffer_minutes
    availability.notice_hours = data.notice_hours
    availability.horizon_days = data.horizon_days
    availability.weekly_cap = data.weekly_cap
    availability.windows, availability.one_offs, availability.exceptions = windows, one_offs, exceptions
    availability.updated_at = now
    _flush_availability(session)
    return availability


def _flush_availability(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_l("The mentor's office hours changed at the same time. Try again.")) from None


def free_slots(session: Session, mentor_id: int, *, now: dt.datetime, start: dt.datetime | None = None,
               end: dt.datetime | None = None) -> list[slots.Slot]:
    """The mentor's free slots between `start` and `end` (within their notice and horizon)."""
    availability = session.get(MentorAvailability, mentor_id)
    if availability is None:
        return []
    rules = rules_of(availability)
    first = max(start or now, now) - dt.timedelta(days=8)
    last = min(end or now + dt.timedelta(days=rules.horizon_days), now + dt.timedelta(days=rules.horizon_days))
    taken = queries.active_between(session, mentor_id, first, last + dt.timedelta(days=8))
    return slots.generate(rules, now=now, start=start, end=end, taken=[(b.starts_at, b.ends_at) for b in taken],
                          booked_per_week=_per_week(taken, ZoneInfo(rules.timezone)))


def _per_week(bookings: list[Booking], zone: ZoneInfo) -> dict[dt.date, int]:
    counts: dict[dt.date, int] = {}
    for booking in bookings:
        week = slots.week_of(booking.starts_at, zone)
        counts[week] = counts.get(week, 0) + 1
    return counts


def _lock_availability(session: Session, mentor_id: int) -> MentorAvailability | None:
    """The mentor's availability, locked until the commit (PostgreSQL row lock; on SQLite the savepoint
    begins the transaction IMMEDIATE, taking the write lock before anything is read)."""
    with session.begin_nested():
        return session.scalar(select(MentorAvailability).where(MentorAvailability.mentor_id == mentor_id)
                              .with_for_update(of=MentorAvailability).execution_options(populate_existing=True))


def book_slot(session: Session, *, actor: User, mentor: User, project: Project, starts_at: dt.datetime,
              topic: str, now: dt.datetime) -> Booking:
    """Book one of the mentor's free slots for the project, and send both sides the invitation.

    :raises SlotTaken: someone booked it first (or an overlapping meeting leaves no room).
    :raises WeeklyCapReached: the mentor's bookings for that week reached their cap.
    """
    if not permissions.can_book(project_queries.relations(session, project, actor)):
        raise Forbidden(_l("Only the project's founders book office hours for it."))
    if mentor.id not in {m.id for m in queries.stage_mentors(session, project)}:
        raise ValidationFailed(_l("This mentor is not assigned to the project's current stage."),
                               mentor_id=[_l("Not a mentor of the project's current stage.")])
    topic = (topic or "").strip()
    if not topic or len(topic) > TOPIC_MAX:
        raise ValidationFailed(_l("Say what you want to talk about."),
                               topic=[_l("A topic of 1 to %(n)s characters.", n=TOPIC_MAX)])
    if starts_at.tzinfo is None:
        raise ValidationFailed(_l("Give a time zone."), starts_at=[_l("Give a time zone (e.g. 2026-11-02T10:00:00Z).")])
    starts_at = starts_at.astimezone(dt.UTC)
    availability = _lock_availability(session, mentor.id)
    slot = slots.is_offered(rules_of(availability), starts_at, now=now) if availability else None
    if slot is None:
        raise ValidationFailed(_l("The mentor offers no slot at that time."),
                               starts_at=[_l("Not one of the mentor's slots (see their free slots).")])
    _check_room(session, availability, slot)
    booking = Booking(mentor_id=mentor.id, project_id=project.id, booked_by_id=actor.id, starts_at=slot.starts_at,
                      ends_at=slot.ends_at, place=slot.place, topic=topic, status="booked", created_at=now,
                      updated_at=now)
    try:
        with session.begin_nested():
            session.add(booking)
    except IntegrityError:
        raise SlotTaken(_l("This slot has just been booked by someone else. Choose another one.")) from None
    availability.updated_at = now  # bumps its version: the arbiter of concurrent bookings with this mentor
    _flush_availability(session)
    _tell(session, booking, "booking_confirmed", method="REQUEST", now=now)
    return booking


def _check_room(session: Session, availability: MentorAvailability, slot: slots.Slot) -> None:
    buffer = dt.timedelta(minutes=availability.buffer_minutes)
    if queries.active_between(session, availability.mentor_id, slot.starts_at - buffer, slot.ends_at + buffer):
        raise SlotTaken(_l("This slot has just been booked by someone else. Choose another one."))
    if availability.weekly_cap is not None:
        zone = ZoneInfo(availability.timezone)
        monday = slots.week_of(slot.starts_at, zone)
        start = dt.datetime.combine(monday, dt.time(), tzinfo=zone).astimezone(dt.UTC)
        end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=zone).astimezone(dt.UTC)
        week = [b for b in queries.active_between(session, availability.mentor_id, start, end)
                if start <= b.starts_at < end]
        if len(week) >= availability.weekly_cap:
            raise WeeklyCapReached(_l("The mentor takes at most %(n)s meetings that week; choose another week.",
                                      n=availability.weekly_cap))


def cancel_booking(session: Session, booking: Booking, *, actor: User, now: dt.datetime, reason: str) -> Booking:
    """Cancel a booking (either side, up to the cut-off) with a reason; both sides get METHOD:CANCEL."""
    if not permissions.can_cancel(actor, booking, project_queries.relations(session, booking.project, actor)):
        raise Forbidden(_l("Only the mentor or the project's founders cancel this meeting."))
    if booking.status != "booked":
        raise Conflict(_l("This meeting is no longer booked."))
    if not permissions.is_cancellable(booking, now):
        hours = int(permissions.CANCEL_CUTOFF.total_seconds() // 3600)
        raise ValidationFailed(_l("A meeting is cancelled at least %(n)s hours before it starts.", n=hours))
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed(_l("Say why the meeting is cancelled."),
                               reason=[_l("A reason of 1 to %(n)s characters.", n=REASON_MAX)])
    booking.status = "cancelled"
    booking.cancelled_at = now
    booking.cancelled_by_id = actor.id
    booking.cancel_reason = reason
    booking.sequence += 1
    booking.updated_at = now
    session.flush()
    _tell(session, booking, "booking_cancelled", method="CANCEL", now=now, actor=actor)
    return booking


def mark_no_show(session: Session, booking: Booking, *, actor: User, now: dt.datetime) -> Booking:
    """The mentor marks that nobody came, once the meeting has started."""
    if actor.id != booking.mentor_id:
        raise Forbidden(_l("Only the mentor marks a no-show."))
    if not permissions.can_mark(actor, booking, now):
        raise Conflict(_l("A no-show is marked after the start of a booked meeting."))
    booking.status = "no_show"
    booking.updated_at = now
    session.flush()
    return booking


def log_booking(session: Session, booking: Booking, *, actor: User, now: dt.datetime, summary: str,
                duration_minutes: int | None = None, held_at: dt.datetime | None = None, notes: str = "",
                action_items: list[mentoring_services.ActionItemInput] | None = None) -> AdviceSession:
    """Log the advice session held in this booking (the mentor, after its start); the booking links to it."""
    if actor.id != booking.mentor_id:
        raise Forbidden(_l("Only the mentor logs the session of this meeting."))
    if not permissions.can_mark(actor, booking, now):
        raise Conflict(_l("This meeting cannot be logged (not started yet, cancelled or already logged)."))
    record = mentoring_services.log_session(
        session, booking.project, actor=actor, now=now, held_at=held_at or booking.starts_at,
        duration_minutes=duration_minutes or booking.minutes, summary=summary, notes=notes, action_items=action_items)
    booking.session_id = record.id
    booking.status = "held"
    booking.updated_at = now
    session.flush()
    return record


def _site(session: Session) -> tuple[str, str]:
    postman = notifications.postman_of(session)
    base_url = (postman.base_url() if postman else "http://localhost").rstrip("/")
    return base_url, urlsplit(base_url).hostname or "parcours"


def participants(booking: Booking) -> list[User]:
    """The project's founders, then the mentor."""
    return [m.user for m in booking.project.members] + [booking.mentor]


def _tell(session: Session, booking: Booking, kind: str, *, method: str, now: dt.datetime,
          actor: User | None = None) -> None:
    """Email both sides (invitation attached) and notify them in the app."""
    base_url, host = _site(session)
    availability = session.get(MentorAvailability, booking.mentor_id)
    founders = [m.user for m in booking.project.members]
    ics = calendar.invitation(booking, founders, method=method, host=host, base_url=base_url, now=now,
                              timezone=availability.timezone if availability else "")
    params = {"project": booking.project.name, "project_id": booking.project_id, "mentor": booking.mentor.name,
              "due_at": booking.starts_at.isoformat(), "minutes": booking.minutes, "place": booking.place,
              "topic": booking.topic, "reason": booking.cancel_reason, "booking_id": booking.id,
              "by": actor.name if actor else ""}
    notifications.queue(session, [
        Message(user=person, kind=kind, params=params, link=f"/projects/{booking.project_id}/office-hours",
                dedupe_key=f"booking:{booking.id}:{kind}:{booking.sequence}:{person.id}", ics=ics)
        for person in participants(booking)
    ], now=now)
