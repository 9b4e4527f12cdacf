"""Mentor assignments: who accompanies a project at which stage."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow


class MentorAssignment(Base):
    """A mentor assigned to a project for one stage; ended, never deleted."""

    __tablename__ = "mentor_assignments"
    __table_args__ = (
        Index("ix_mentor_assignments_project_active", "project_id", "ended_at"),
        Index("ix_mentor_assignments_mentor_active", "mentor_id", "ended_at"),
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

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id], lazy="joined")
