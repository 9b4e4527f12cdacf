"""Request and response shapes of office hours (kept apart from `schemas.py`, already long)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from pydantic import Field

from app.api.params import PageQuery
from app.api.params import Query
from app.api.schemas import Page
from app.api.schemas import Strict
from app.core.bounds import DB_INT_MAX
from app.officehours.services import EXCEPTIONS_MAX
from app.officehours.services import PLACE_MAX
from app.officehours.services import REASON_MAX
from app.officehours.services import TOPIC_MAX
from app.officehours.services import WINDOWS_MAX

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class WindowIn(Strict):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday.")
    start: str = Field(pattern=HHMM, description="Local `HH:MM` in the availability's `timezone`.")
    end: str = Field(pattern=HHMM, description="Local `HH:MM`, after `start`.")
    place: str = Field("", max_length=PLACE_MAX, description="A room of the cluster or a video link.")


class OneOffIn(Strict):
    date: dt.date
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    place: str = Field("", max_length=PLACE_MAX)


class ExceptionIn(Strict):
    date: dt.date = Field(description="A local date with no slot (a day off).")


class AvailabilityIn(Strict):
    timezone: str = Field(max_length=64, description="IANA zone the windows are written in (Africa/Casablanca).")
    slot_minutes: int = Field(description="30, 45 or 60.")
    buffer_minutes: int = Field(0, ge=0, le=120, description="Free minutes kept between two meetings.")
    notice_hours: int = Field(24, ge=0, le=720, description="A slot is bookable this long before it starts.")
    horizon_days: int = Field(28, ge=1, le=180, description="Slots are offered this many days ahead.")
    weekly_cap: int | None = Field(None, ge=0, le=100, description="At most this many bookings per local week.")
    windows: list[WindowIn] = Field(default_factory=list, max_length=WINDOWS_MAX)
    one_offs: list[OneOffIn] = Field(default_factory=list, max_length=WINDOWS_MAX,
                                     description="Windows on one date only.")
    exceptions: list[ExceptionIn] = Field(default_factory=list, max_length=EXCEPTIONS_MAX)


class WindowOut(BaseModel):
    weekday: int
    start: str
    end: str
    place: str


class OneOffOut(BaseModel):
    date: dt.date
    start: str
    end: str
    place: str


class AvailabilityOut(BaseModel):
    mentor_id: int
    timezone: str
    slot_minutes: int
    buffer_minutes: int
    notice_hours: int
    horizon_days: int
    weekly_cap: int | None
    windows: list[WindowOut]
    one_offs: list[OneOffOut]
    exceptions: list[dict[str, dt.date]]
    updated_at: dt.datetime


class SlotOut(BaseModel):
    starts_at: dt.datetime = Field(description="UTC, ISO 8601.")
    ends_at: dt.datetime
    place: str


class SlotList(BaseModel):
    items: list[SlotOut]


class SlotsQuery(Query):
    from_: str | None = Field(None, alias="from", description="ISO 8601 date (UTC midnight) or instant; default now.")
    to: str | None = Field(None, description="ISO 8601 date (included, to UTC midnight after it) or instant; "
                                             "default the mentor's horizon.")


class BookingIn(Strict):
    mentor_id: int = Field(ge=1, le=DB_INT_MAX)
    project_id: int = Field(ge=1, le=DB_INT_MAX)
    starts_at: dt.datetime = Field(description="A free slot's `starts_at` (GET /mentors/{id}/slots), with its zone.")
    topic: str = Field(min_length=1, max_length=TOPIC_MAX)


class CancelIn(Strict):
    reason: str = Field(min_length=1, max_length=REASON_MAX)


class PersonRef(BaseModel):
    id: int
    name: str


class BookingOut(BaseModel):
    id: int
    mentor: PersonRef
    project_id: int
    project_name: str
    booked_by: PersonRef | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    topic: str
    status: str = Field(description="booked, cancelled, no_show or held (its session logged).")
    cancelled_at: dt.datetime | None
    cancelled_by: PersonRef | None
    cancel_reason: str
    session_id: int | None = Field(description="The advice session logged from the booking.")
    sequence: int = Field(description="The invitation's iCalendar SEQUENCE.")


class BookingPage(Page):
    items: list[BookingOut]


class BookingListQuery(PageQuery):
    mentor_id: int | None = Field(None, ge=1, le=DB_INT_MAX)
    project_id: int | None = Field(None, ge=1, le=DB_INT_MAX)
    status: str | None = Field(None, description="booked, cancelled, no_show or held.")
    upcoming: int = Field(0, ge=0, le=1, description="1: only meetings not yet ended, soonest first.")
