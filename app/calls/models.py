"""Calls for projects, applications, their evaluation and the cluster label.

A call (poles, dates, an evaluation grid, questions) receives applications from founders;
the pole's commission reviews them; a manager decides. A labelled application becomes a
project on the path, with a `Label` that names it.
"""

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
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.cluster.models import Organisation
from app.core.models import Base
from app.core.time import utcnow
from app.projects.models import Cohort
from app.projects.models import Pole

APPLICATION_STATUSES = ("draft", "submitted", "more_info", "labelled", "rejected")
#: What a manager did to a call once published: each one is a `CallEvent` row.
CALL_EVENTS = ("edited", "extended", "closed", "withdrawn")
#: The kinds of question an applicant answers.
QUESTION_KINDS = ("short_text", "long_text", "number", "choice")
DECISIONS = ("labelled", "rejected", "more_info")
#: The statuses in which the applicant may still change the application.
EDITABLE_STATUSES = ("draft", "more_info")
SCORE_MIN, SCORE_MAX = 1, 5


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Call(Base):
    """A call for projects, open from `opens_at` to `closes_at`."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        CheckConstraint("closes_at > opens_at", name="deadline_after_opening"),
        Index("ix_calls_open", "opens_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    #: The zone the dates are read in: the call opens at 00:00 on `opens_on` and its deadline is
    #: 24:00 on `closes_on` there. `opens_at`/`closes_at` are those instants in UTC, for queries.
    timezone: Mapped[str] = mapped_column(String(64), default="Africa/Casablanca")
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    #: [{key, text, kind, help, options}]: what every applicant answers; `text` is the question's title,
    #: `kind` one of QUESTION_KINDS, `options` the choices of a `choice` question.
    questions: Mapped[list] = mapped_column(JSON, default=list)
    #: Submission needs a pitch deck.
    requires_deck: Mapped[bool] = mapped_column(default=True)
    #: Where labelled projects enter the path: a workflow and one of its stages.
    workflow_key: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(64))
    #: The cohort its labelled projects join (one of the same workflow), if any.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Set when a manager withdrew the call: it no longer takes applications, nor shows publicly.
    withdrawn_at: Mapped[dt.datetime | None]
    #: Optimistic lock of the manager's edits (a stale one is refused with 409).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    cohort: Mapped[Cohort | None] = relationship(lazy="joined")
    poles: Mapped[list[CallPole]] = relationship(cascade="all, delete-orphan", order_by="CallPole.pole_key",
                                                 lazy="selectin")
    criteria: Mapped[list[CallCriterion]] = relationship(cascade="all, delete-orphan",
                                                         order_by="CallCriterion.position", lazy="selectin")

    @property
    def pole_keys(self) -> list[str]:
        return [p.pole_key for p in self.poles]

    events: Mapped[list[CallEvent]] = relationship(cascade="all, delete-orphan", order_by="CallEvent.id",
                                                   lazy="selectin")

    def is_open(self, now: dt.datetime) -> bool:
        return self.withdrawn_at is None and self.opens_at <= now < self.closes_at

    def status(self, now: dt.datetime) -> str:
        """`draft` (not open yet: still editable), `open`, `closed` or `withdrawn`."""
        if self.withdrawn_at is not None:
            return "withdrawn"
        if now < self.opens_at:
            return "draft"
        return "open" if now < self.closes_at else "closed"

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.title!r}>"


class CallEvent(Base):
    """What a manager did to a call (edited, extended, closed early, withdrawn): who, when, why."""

    __tablename__ = "call_events"
    __table_args__ = (CheckConstraint(_in("kind", CALL_EVENTS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The last day to submit before and after the change (extended, closed).
    closes_on_before: Mapped[dt.date | None] = mapped_column(Date)
    closes_on_after: Mapped[dt.date | None] = mapped_column(Date)

    actor: Mapped[User | None] = relationship(lazy="joined")


class CallPole(Base):
    __tablename__ = "call_poles"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    pole_key: Mapped[str] = mapped_column(ForeignKey("poles.key"), primary_key=True, index=True)

    pole: Mapped[Pole] = relationship(lazy="joined")


class CallCriterion(Base):
    """One line of the evaluation grid: scored 1 to 5, weighted in the average."""

    __tablename__ = "call_criteria"
    __table_args__ = (
        UniqueConstraint("call_id", "key"),
        CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    #: What the reviewer should look at (shown beside the score).
    help_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: What each score means: five texts, for 1 to 5 (empty: the plain scale).
    descriptors: Mapped[list] = mapped_column(JSON, default=list)


class Application(Base):
    """An applicant's answer to a call: a draft until submitted, then reviewed and decided."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(_in("status", APPLICATION_STATUSES), name="status_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_date"),
        CheckConstraint("status NOT IN ('labelled', 'rejected') OR decided_at IS NOT NULL", name="decided_has_date"),
        CheckConstraint("status <> 'more_info' OR more_info_requested_at IS NOT NULL", name="more_info_has_date"),
        Index("ix_applications_call_status", "call_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    pole_key: Mapped[str] = mapped_column(ForeignKey("poles.key"))
    #: {question key: answer}.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: Optimistic lock: every write bumps it; a stale one is refused with 409.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The latest submission (a re-submission after "more information" moves it).
    submitted_at: Mapped[dt.datetime | None]
    #: Set once: more information can be asked for one time only.
    more_info_requested_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The manager's words to the applicant with the latest decision.
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), unique=True)

    __mapper_args__ = {"version_id_col": version}

    call: Mapped[Call] = relationship(lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    pole: Mapped[Pole] = relationship(lazy="joined")
    partners: Mapped[list[ApplicationPartner]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    deck: Mapped[PitchDeck | None] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status} v{self.version}>"


class ApplicationPartner(Base):
    """An organisation the applicant names as a partner, with its intended role."""

    __tablename__ = "application_partners"
    __table_args__ = (
        CheckConstraint(_in("role", ("lead", "industrial_partner", "research_partner", "customer_pilot", "other")),
                        name="role_known"),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(32))

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class PitchDeck(Base):
    """The application's PDF, stored outside the web root under a random name."""

    __tablename__ = "pitch_decks"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    #: `<32 hex>.pdf` in the uploads folder; never derived from anything the user sent.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: The name the user gave, cleaned, for display and the download's name only.
    filename: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Review(Base):
    """One reviewer's evaluation of one application, or their declared conflict of interest."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The reviewer declared a conflict of interest: no scores, and the application is hidden from them.
    is_conflict: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[User] = relationship(lazy="joined")
    scores: Mapped[list[ReviewScore]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ReviewerAssignment(Base):
    """A reviewer a manager added to one application, beyond the commission of its pole.

    A declared partner can exclude every commission member (they work for it); the manager then
    assigns someone else, and that person reviews this application like a commission member.
    """

    __tablename__ = "application_reviewers"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class ReviewScore(Base):
    __tablename__ = "review_scores"
    __table_args__ = (CheckConstraint(f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="score_range"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("call_criteria.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")

    criterion: Mapped[CallCriterion] = relationship(lazy="joined")


class Label(Base):
    """The cluster label a project received from a call: `PC-2026-0001`."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    labelled_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(lazy="joined")
