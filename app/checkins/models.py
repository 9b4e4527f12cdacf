"""Check-ins: the regular meetings a project's mentor holds, on the stage's cadence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow
from app.projects.models import Project

STATUSES = ("scheduled", "due", "overdue", "done", "cancelled")
OPEN_STATUSES = ("scheduled", "due", "overdue")
_OPEN_SQL = text("status IN ('scheduled', 'due', 'overdue')")


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'due', 'overdue', 'done', 'cancelled')", name="status_known"),
        CheckConstraint("(closed_at IS NULL) = (status IN ('scheduled', 'due', 'overdue'))", name="closed_iff_final"),
        # At most one open check-in per project: the database, not the scheduler, decides, so
        # concurrent sweeps can never plan the same check-in twice.
        Index("uq_checkins_open_project", "project_id", unique=True, sqlite_where=_OPEN_SQL,
              postgresql_where=_OPEN_SQL),
        Index("ix_checkins_status_due", "status", "due_at"),
        Index("ix_checkins_mentor_status", "mentor_id", "status"),
        # A project's check-ins by status: the open or overdue one of a project (project page,
        # pipeline flags, re-planning, the sweep's "has none open") without scanning every check-in.
        # The partial unique index above cannot serve these on SQLite, whose planner only uses a
        # partial index when the query repeats its WHERE literally (not with bound parameters).
        Index("ix_checkins_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    #: When the reminder was claimed for sending (once per check-in, whatever the outages).
    reminded_at: Mapped[dt.datetime | None]
    #: When managers were told it is overdue (once).
    escalated_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    #: Why it was cancelled: stage_change, hold, closed, mentor_removed.
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    #: iCalendar SEQUENCE: bumped on every change so calendar apps replace the event.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    mentor: Mapped[User | None] = relationship(lazy="joined")
    project: Mapped[Project] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
