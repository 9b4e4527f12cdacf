"""Office hours: what a mentor publishes (`MentorAvailability`) and the meetings booked in it (`Booking`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow
from app.projects.models import Project

STATUSES = ("booked", "cancelled", "no_show", "held")
_ACTIVE_SQL = text("status <> 'cancelled'")


class MentorAvailability(Base):
    """A mentor's office hours: weekly windows, one-off windows and days off, in their time zone."""

    __tablename__ = "mentor_availabilities"
    __table_args__ = (
        CheckConstraint("slot_minutes IN (30, 45, 60)", name="slot_length_known"),
        CheckConstraint("buffer_minutes BETWEEN 0 AND 120", name="buffer_sane"),
        CheckConstraint("notice_hours BETWEEN 0 AND 720", name="notice_sane"),
        CheckConstraint("horizon_days BETWEEN 1 AND 180", name="horizon_sane"),
        CheckConstraint("weekly_cap IS NULL OR weekly_cap >= 0", name="cap_not_negative"),
    )

    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: IANA zone the windows are written in (zoneinfo).
    timezone: Mapped[str] = mapped_column(String(64))
    slot_minutes: Mapped[int] = mapped_column(default=30)
    #: Free minutes kept between two meetings.
    buffer_minutes: Mapped[int] = mapped_column(default=0)
    #: A slot is bookable at least this long before it starts.
    notice_hours: Mapped[int] = mapped_column(default=24)
    #: Slots are offered this far ahead.
    horizon_days: Mapped[int] = mapped_column(default=28)
    #: At most this many bookings per local week (Monday to Sunday); NULL: no cap.
    weekly_cap: Mapped[int | None]
    #: [{weekday (0 = Monday), start "HH:MM", end "HH:MM", place}]
    windows: Mapped[list] = mapped_column(JSON, default=list)
    #: [{date "YYYY-MM-DD", start, end, place}]
    one_offs: Mapped[list] = mapped_column(JSON, default=list)
    #: [{date "YYYY-MM-DD"}]: days off.
    exceptions: Mapped[list] = mapped_column(JSON, default=list)
    #: Bumped by every booking with this mentor: the arbiter of the weekly cap and of overlaps when two
    #: founders book at once (optimistic lock on SQLite, the row lock on PostgreSQL).
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    mentor: Mapped[User] = relationship(lazy="joined")


class Booking(Base):
    """A founder's meeting with a mentor in one of their slots; cancelled, never deleted."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("status IN ('booked', 'cancelled', 'no_show', 'held')", name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_iff_cancelled_at"),
        # No double booking, ever: one active booking per mentor and start, decided by the database.
        Index("uq_bookings_mentor_start_active", "mentor_id", "starts_at", unique=True,
              sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL),
        Index("ix_bookings_mentor_starts", "mentor_id", "starts_at"),
        Index("ix_bookings_project_starts", "project_id", "starts_at"),
        Index("ix_bookings_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    #: A room of the cluster or the mentor's video link, copied from the window when booked.
    place: Mapped[str] = mapped_column(String(500), default="")
    topic: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="booked")
    cancelled_at: Mapped[dt.datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    #: The advice session logged from this booking.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("advice_sessions.id", ondelete="SET NULL"))
    #: iCalendar SEQUENCE: bumped on every change so calendars replace the event.
    sequence: Mapped[int] = mapped_column(default=0)
    #: Reminder claims (once each, whatever the outages).
    reminded_day_at: Mapped[dt.datetime | None]
    reminded_hour_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="joined")
    booked_by: Mapped[User | None] = relationship(foreign_keys=[booked_by_id])
    project: Mapped[Project] = relationship(lazy="joined")

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
