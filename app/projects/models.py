"""Projects on the path, their teams, deliverables, history and gate decisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.i18n import localized
from app.core.models import Base
from app.core.time import utcnow


class Pole(Base):
    """A pole of excellence; the list is data, seeded by a migration."""

    __tablename__ = "poles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    #: Empty for a pole added without it: it then reads in French.
    name_ar: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(default=0)

    @property
    def name(self) -> str:
        return localized({"en": self.name_en, "fr": self.name_fr, "ar": self.name_ar}, self.key)


class Cohort(Base):
    """Projects that go through a programme (a workflow) together, from `starts_on` to `ends_on`.

    Like poles, cohorts group projects and every area reads them (the pipeline, the funders' report,
    calls that feed one), so the table sits here; `app.cohorts` holds their pages and writes."""

    __tablename__ = "cohorts"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("demo_day IS NULL OR (demo_day >= starts_on AND demo_day <= ends_on)",
                        name="demo_day_within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: The programme: the workflow its projects follow (a project joins only a cohort of its own path).
    workflow_key: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    demo_day: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'on_hold', 'abandoned', 'graduated')", name="status_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "gate_decision IS NULL OR gate_decision IN ('go', 'recycle', 'hold', 'kill')",
            name="gate_decision_known",
        ),
        Index("ix_projects_workflow_stage_status", "workflow_key", "stage", "status"),
        CheckConstraint("(review_requested_at IS NULL) = (review_request_event_id IS NULL)",
                        name="review_request_complete"),
        Index("ix_projects_review_requested_at", "review_requested_at"),
        # The pipeline board's first cards of each stage, the oldest stalled projects, the projects
        # list's first page: ORDER BY … LIMIT read from an index, whatever the number of projects.
        Index("ix_projects_board", "workflow_key", "stage", "stage_entered_at", "id"),
        Index("ix_projects_stage_entered", "stage_entered_at", "id"),
        Index("ix_projects_created_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    pole_key: Mapped[str] = mapped_column(ForeignKey("poles.key"), index=True)
    workflow_key: Mapped[str] = mapped_column(String(64))
    #: The version of the workflow definition this project follows (see workflow_versions).
    workflow_version: Mapped[int]
    stage: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: Optimistic lock: every write bumps it; a stale one is refused with 409.
    version: Mapped[int] = mapped_column(default=1)
    stage_entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The latest gate decision taken at the current stage (reset when the stage changes).
    gate_decision: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The cohort the project goes through its programme with (managers set it; a call's label may).
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    #: A review of the current stage's gate was asked for then and awaits a decision (cleared by the
    #: next gate decision or stage change).
    review_requested_at: Mapped[dt.datetime | None]
    #: The history row (`project_events.id`) of that pending request: who asked, with what comment.
    #: No foreign key: history rows point at projects already, a cycle would need deferred constraints.
    review_request_event_id: Mapped[int | None]

    __mapper_args__ = {"version_id_col": version}

    pole: Mapped[Pole] = relationship(lazy="joined")
    cohort: Mapped[Cohort | None] = relationship(lazy="joined")
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMember.user_id"
    )
    deliverables: Mapped[list[DeliverableState]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.stage}/{self.status} v{self.version}>"


class ProjectMember(Base):
    """A founder on a project's team."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class DeliverableState(Base):
    """Whether one deliverable of one stage is done; rows exist once someone ticked it."""

    __tablename__ = "project_deliverables"
    __table_args__ = (UniqueConstraint("project_id", "stage", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64))
    is_done: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[Project] = relationship(back_populates="deliverables")


class ProjectEvent(Base):
    """One fired event: the append-only history of a project."""

    __tablename__ = "project_events"
    __table_args__ = (
        Index("ix_project_events_project_at", "project_id", "at"),
        # A project's history in id order: its latest events (the project page) come from this index;
        # without it PostgreSQL walked the primary key backwards through every project's events.
        Index("ix_project_events_project_id", "project_id", "id"),
        # Events of one kind across projects: the pending gate review requests of the attention list.
        Index("ix_project_events_event", "event", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    from_stage: Mapped[str | None] = mapped_column(String(64))
    to_stage: Mapped[str] = mapped_column(String(64))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    #: A manager fired the event although its gates failed.
    is_override: Mapped[bool] = mapped_column(default=False)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: What the event is about when it is not the whole project: a deliverable's key for
    #: `deliverable_done`, `deliverable_undone`, `evidence_added` and `evidence_removed`.
    subject: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(lazy="joined")


class GateDecision(Base):
    """A stage-gate decision: go, recycle, hold or kill, with the evidence at that moment."""

    __tablename__ = "gate_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('go', 'recycle', 'hold', 'kill')", name="decision_known"),
        Index("ix_gate_decisions_project_stage", "project_id", "stage"),
        # A project's latest decisions (the project page), as for its events.
        Index("ix_gate_decisions_project_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("project_events.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    decider_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rationale: Mapped[str] = mapped_column(Text, default="")
    #: {deliverable key: done?} for the stage when the decision was taken.
    deliverables: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The evidence of the stage the decider saw: [{id, deliverable, kind, name}], oldest first.
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    decider: Mapped[User | None] = relationship(lazy="joined")


class DeliverableEvidence(Base):
    """A file or a link that shows a deliverable of a stage is done, with a comment.

    Files are stored like pitch decks (a random name under the uploads folder, see
    `app/projects/evidence.py`); links are http(s) addresses. Evidence a gate decision saw stays."""

    __tablename__ = "deliverable_evidence"
    __table_args__ = (
        CheckConstraint("kind IN ('file', 'link')", name="kind_known"),
        CheckConstraint("(kind = 'file' AND storage_name IS NOT NULL AND url IS NULL) OR "
                        "(kind = 'link' AND url IS NOT NULL AND storage_name IS NULL)", name="file_or_link"),
        Index("ix_deliverable_evidence_project_stage", "project_id", "stage", "deliverable_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    deliverable_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    #: The file's cleaned name, or the link's address (display only).
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    #: The stored file's random name in the evidence folder (never anything the user sent).
    storage_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int | None]
    #: The type found in the file's content (not the one the browser claimed).
    content_type: Mapped[str | None] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    added_by: Mapped[User | None] = relationship(lazy="joined")


@event.listens_for(ProjectEvent, "before_update")
@event.listens_for(GateDecision, "before_update")
def _history_is_append_only(mapper, connection, target) -> None:
    """History and gate decisions are evidence: once written, never rewritten."""
    raise RuntimeError(f"{type(target).__name__} rows are append-only")


# The pipeline's read model ---------------------------------------------------------------------
# Written only by `app.pipeline.readmodel` (in the transaction of the writes that change it, and by
# `flask pipeline rebuild`); read by the pipeline, the attention list and the projects list, so that
# their counts cost the number of groups, not the number of projects.


#: The read model's tables are derived from the others (`flask pipeline rebuild` recomputes them): a data
#: export leaves them out and an import rebuilds them (`app.core.portable`).
DERIVED = {"info": {"derived": True}}


class PipelineEntry(Base):
    """One row per project: what the pipeline's counters count it under, as of its last write."""

    __tablename__ = "pipeline_entries"
    __table_args__ = (
        # Percentiles of time in stage: the k-th newest entry of a stage within one month of entries.
        Index("ix_pipeline_entries_walk", "workflow_key", "stage", "status", "stage_entered_at"),
        # Projects whose stall instant passed and are not flagged yet (or flagged ahead of `now`).
        Index("ix_pipeline_entries_stall", "is_too_long", "stall_at"),
        # The attention list's first stalled projects (flagged by the sweep), oldest first. Partial: the
        # entries not flagged are read by `ix_pipeline_entries_stall` (a short range), never in this order.
        # Its condition is spelled as SQLAlchemy writes `.is_(True)` on each database, so that the
        # planners match it to the query's.
        Index("ix_pipeline_entries_too_long", "stage_entered_at", "project_id",
              sqlite_where=text("is_too_long IS 1"), postgresql_where=text("is_too_long IS true")),
        # The attention list's first active projects without a mentor at their stage, oldest first.
        Index("ix_pipeline_entries_waiting", "status", "has_mentor", "stage_entered_at", "project_id"),
        # The pipeline's first stalled projects: active entries, longest in their stage first.
        Index("ix_pipeline_entries_oldest", "status", "stage_entered_at", "project_id"),
        DERIVED,
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    workflow_key: Mapped[str] = mapped_column(String(64))
    workflow_version: Mapped[int]
    stage: Mapped[str] = mapped_column(String(64))
    pole_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    #: The project's cohort, 0 for none (a key column of the counters, where NULL would not be equal).
    cohort_id: Mapped[int] = mapped_column(default=0)
    stage_entered_at: Mapped[dt.datetime]
    #: When an active project outstays its stage's `expected_days` (NULL: not active, or no limit).
    stall_at: Mapped[dt.datetime | None]
    #: `stall_at` passed when the sweep last looked (`readmodel.mark_too_long`); readers add the
    #: projects whose instant passed since, so the figure is exact at any instant.
    is_too_long: Mapped[bool] = mapped_column(default=False)
    #: Active with an overdue check-in.
    is_overdue: Mapped[bool] = mapped_column(default=False)
    #: An active assignment at the current stage.
    has_mentor: Mapped[bool] = mapped_column(default=False)
    #: The stages the project ever reached, space-separated (the funnel).
    reached: Mapped[str] = mapped_column(Text, default="")
    #: How many completed stays of the project `stage_passages` holds.
    passages: Mapped[int] = mapped_column(default=0)
    #: The mentors of its open assignments (any stage), space-separated ids, one per assignment:
    #: what it adds to `mentor_loads`.
    mentors: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Its financing per (source, status, currency): `source:status:currency:cents:lines`, space-separated;
    #: what it adds to `pipeline_funding` (under its workflow, stage and pole).
    funding: Mapped[str] = mapped_column(Text, default="", server_default="")


class MentorLoad(Base):
    """How many open assignments each mentor has (the pipeline's mentor load, busiest first)."""

    __tablename__ = "mentor_loads"
    __table_args__ = (Index("ix_mentor_loads_n", "n"), DERIVED)

    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class PipelineLateReport(Base):
    """Open KPI reports counted late (`KpiReport.is_counted_late`) per workflow and the stage they are for."""

    __tablename__ = "pipeline_late_reports"
    __table_args__ = (DERIVED,)

    workflow_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class PipelineFunding(Base):
    """Financing summed per (source, status, currency, workflow, stage, pole): the pipeline's summary."""

    __tablename__ = "pipeline_funding"
    __table_args__ = (DERIVED,)

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    workflow_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    pole_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: In hundredths (exact on every database: the amounts have two decimals).
    cents: Mapped[int] = mapped_column(BigInteger, default=0)
    #: How many financing lines.
    n: Mapped[int] = mapped_column(default=0)


class PipelineCount(Base):
    """How many projects are in each (workflow, version, stage, pole, status, cohort, flags) group."""

    __tablename__ = "pipeline_counts"
    __table_args__ = (DERIVED,)

    workflow_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    workflow_version: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    pole_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(primary_key=True)
    is_too_long: Mapped[bool] = mapped_column(primary_key=True)
    is_overdue: Mapped[bool] = mapped_column(primary_key=True)
    has_mentor: Mapped[bool] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class PipelineHistogram(Base):
    """Counts per (kind, workflow, stage, bucket): `now` counts active projects by the month they
    entered their stage (bucket = minus the month number, so ascending buckets are ascending time
    in stage), `done` completed stays by a logarithmic bucket of their length, `reached` (bucket 0)
    the projects that ever reached the stage. Percentiles find their bucket here, then walk one
    bucket of `pipeline_entries` or `stage_passages`: exact, at the cost of a bucket."""

    __tablename__ = "pipeline_histograms"
    __table_args__ = (DERIVED,)

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    workflow_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class StagePassage(Base):
    """A completed stay of a project in a stage: from entering it to the next stage change."""

    __tablename__ = "stage_passages"
    __table_args__ = (
        Index("ix_stage_passages_walk", "workflow_key", "stage", "bucket", "days"),
        DERIVED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: The n-th stay of the project (0-based), in history order.
    position: Mapped[int]
    workflow_key: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[dt.datetime]
    left_at: Mapped[dt.datetime]
    days: Mapped[float] = mapped_column(Float)
    #: `readmodel.days_bucket(days)`.
    bucket: Mapped[int]
