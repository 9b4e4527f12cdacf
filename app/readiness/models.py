"""Readiness assessments: a project scored on each dimension of its workflow's scale, dated,
from the founder's side or the mentor's side."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow

SIDES = ("founder", "mentor")


class Assessment(Base):
    """One scoring of every dimension, kept forever: the trend is the list of them."""

    __tablename__ = "readiness_assessments"
    __table_args__ = (
        CheckConstraint("side IN ('founder', 'mentor')", name="side_known"),
        Index("ix_readiness_assessments_project_at", "project_id", "assessed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    #: founder: the team's self-assessment; mentor: an assigned mentor's or a manager's.
    side: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The project's stage when it was scored.
    stage: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    scores: Mapped[list[Score]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                               lazy="selectin", order_by="Score.dimension")

    def score_map(self) -> dict[str, int]:
        return {s.dimension: s.score for s in self.scores}


class Score(Base):
    """The level given on one dimension."""

    __tablename__ = "readiness_scores"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("readiness_assessments.id", ondelete="CASCADE"),
                                               primary_key=True)
    #: A dimension key of the project's readiness scale (technology, customer, …).
    dimension: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[int]

    assessment: Mapped[Assessment] = relationship(back_populates="scores")
