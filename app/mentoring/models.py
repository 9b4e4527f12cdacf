"""Mentoring: mentor profiles, stage assignments, advice sessions, action items, ratings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow


class MentorProfile(Base):
    """What a mentor offers: poles and stages of expertise, capacity, languages."""

    __tablename__ = "mentor_profiles"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: Pole keys the mentor is expert in.
    poles: Mapped[list] = mapped_column(JSON, default=list)
    #: Stage names the mentor covers (any workflow).
    stages: Mapped[list] = mapped_column(JSON, default=list)
    #: How many active mentees the mentor takes at most.
    capacity: Mapped[int] = mapped_column(default=5)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    #: Readiness dimensions the mentor is strong in (customer, funding…): a fit where a project is weakest.
    dimensions: Mapped[list] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    #: Bumped by every assignment to this mentor: two managers filling the last slot at once
    #: cannot both commit (optimistic lock, on SQLite as on PostgreSQL).
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    user: Mapped[User] = relationship(lazy="joined")


class MentorAssignment(Base):
    """A mentor assigned to a project for one stage; ended, never deleted."""

    __tablename__ = "mentor_assignments"
    __table_args__ = (
        Index("ix_mentor_assignments_project_active", "project_id", "ended_at"),
        # A mentor's open assignments, and the first of them (index-only: the attention list).
        Index("ix_mentor_assignments_mentor_started", "mentor_id", "ended_at", "started_at"),
        # The first open assignment of each mentor as one index probe on PostgreSQL too, which does not
        # take `ended_at IS NULL` as an equality that orders the index above by start.
        Index("ix_mentor_assignments_open_by_mentor", "mentor_id", "started_at",
              postgresql_where=text("ended_at IS NULL"), sqlite_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    #: Why it ended: stage_change, removed, project_closed.
    end_reason: Mapped[str | None] = mapped_column(String(32))
    #: The manager assigned past the mentor's capacity on purpose.
    is_over_capacity: Mapped[bool] = mapped_column(default=False)
    #: The assignment of the previous stage this one continues: the mentor's profile covered the
    #: project's new stage, so they carried over when it advanced (`services.end_stage_assignments`).
    carried_over_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentor_assignments.id", ondelete="SET NULL"))

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="joined")


class AdviceSession(Base):
    """An advice session a mentor held with a project's team."""

    __tablename__ = "advice_sessions"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 1440", name="duration_sane"),
        Index("ix_advice_sessions_project_held", "project_id", "held_at"),
        Index("ix_advice_sessions_mentor_held", "mentor_id", "held_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    held_at: Mapped[dt.datetime]
    duration_minutes: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    #: The mentor's private notes: shown to their author only, never to founders.
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The check-in this session fulfils, if any.
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    mentor: Mapped[User] = relationship(lazy="joined")
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ActionItem.id"
    )
    ratings: Mapped[list[SessionRating]] = relationship(back_populates="session", cascade="all, delete-orphan")


class ActionItem(Base):
    """Something to do after a session, with an owner and a due date."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_project_done", "project_id", "is_done"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("advice_sessions.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    is_done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[dt.datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[AdviceSession] = relationship(back_populates="action_items")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")

    def is_overdue(self, today: dt.date) -> bool:
        return not self.is_done and self.due_on is not None and self.due_on < today


class SessionRating(Base):
    """How useful a session was, from one participant (founder or mentor side)."""

    __tablename__ = "session_ratings"
    __table_args__ = (
        UniqueConstraint("session_id", "rater_id"),
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_range"),
        CheckConstraint("side IN ('founder', 'mentor')", name="side_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("advice_sessions.id", ondelete="CASCADE"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(8))
    usefulness: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    session: Mapped[AdviceSession] = relationship(back_populates="ratings")
    rater: Mapped[User] = relationship(lazy="joined")
