"""What the office hours pages translate between forms and services (no routes here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from wtforms import SelectChoice

from app.auth.models import User
from app.core.dates import zone as zone_named
from app.mentoring import services as mentoring_services
from app.mentoring.forms import SessionForm
from app.officehours.forms import SPARE_ROWS
from app.officehours.forms import AvailabilityForm
from app.officehours.models import Booking
from app.officehours.models import MentorAvailability
from app.officehours.services import AvailabilityInput


def _hhmm(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def fill_availability(form: AvailabilityForm, availability: MentorAvailability | None, *, default_zone: str) -> None:
    """Put the saved office hours in the form, with blank rows to add more."""
    def time(text: str) -> dt.time:
        return dt.time.fromisoformat(text)

    if availability is None:
        form.timezone.data, form.slot_minutes.data, form.buffer_minutes.data = default_zone, 30, 0
        form.notice_hours.data, form.horizon_days.data = 24, 28
        return
    for name in ("timezone", "slot_minutes", "buffer_minutes", "notice_hours", "horizon_days", "weekly_cap"):
        getattr(form, name).data = getattr(availability, name)
    _rows(form.windows, [{"weekday": str(w["weekday"]), "start": time(w["start"]), "end": time(w["end"]),
                          "place": w["place"]} for w in availability.windows], SPARE_ROWS)
    _rows(form.one_offs, [{"date": dt.date.fromisoformat(o["date"]), "start": time(o["start"]),
                           "end": time(o["end"]), "place": o["place"]} for o in availability.one_offs], 1)
    _rows(form.days_off, [{"date": dt.date.fromisoformat(e["date"])} for e in availability.exceptions], 1)


def _rows(field_list, values: list[dict], spare: int) -> None:
    while len(field_list):
        field_list.pop_entry()
    for value in values:
        field_list.append_entry(value)
    for _i in range(spare):
        field_list.append_entry()


def availability_input(form: AvailabilityForm) -> AvailabilityInput:
    """The service's input from the form; rows left without a day or a date are ignored."""
    windows = [{"weekday": int(r.weekday.data), "start": _hhmm(r.start.data), "end": _hhmm(r.end.data),
                "place": r.place.data or ""} for r in form.windows if r.weekday.data not in (None, "")]
    one_offs = [{"date": r.date.data, "start": _hhmm(r.start.data), "end": _hhmm(r.end.data),
                 "place": r.place.data or ""} for r in form.one_offs if r.date.data]
    return AvailabilityInput(
        timezone=form.timezone.data.strip(), slot_minutes=form.slot_minutes.data,
        buffer_minutes=form.buffer_minutes.data, notice_hours=form.notice_hours.data,
        horizon_days=form.horizon_days.data, weekly_cap=form.weekly_cap.data, windows=windows, one_offs=one_offs,
        exceptions=[{"date": r.date.data} for r in form.days_off if r.date.data])


def log_form(booking: Booking, mentor: User) -> tuple[SessionForm, Callable[[], list], ZoneInfo]:
    """The session form filled from the booking (time, length, topic), its action items' reader, the zone."""
    zone = zone_named(mentor.timezone)
    form = SessionForm()
    if not form.is_submitted():
        form.held_at.data = booking.starts_at.astimezone(zone).replace(tzinfo=None)
        form.duration_minutes.data = booking.minutes
        form.summary.data = booking.topic
    project = booking.project
    owners = [SelectChoice("0", _("— nobody —"))] + [SelectChoice(str(m.user_id), m.user.name)
                                                     for m in project.members] + [SelectChoice(str(mentor.id),
                                                                                               mentor.name)]
    for row in form.action_items:
        row.owner_id.choices = owners

    def items() -> list:
        return [mentoring_services.ActionItemInput(r.title.data, r.owner_id.data or None, r.due_on.data)
                for r in form.action_items if (r.title.data or "").strip()]

    return form, items, zone
