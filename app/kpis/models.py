"""KPI reports: the periodic figures a stage asks projects for, their values and the trail of
every change to a value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.core.models import Base
from app.core.time import utcnow
from app.projects.models import Project

STATUSES = ("open", "submitted")


def plain(value: Decimal | None) -> str:
    """A stored figure as people write it: 1200.5000 → "1200.5", 3.0000 → "3"."""
    return "" if value is None else format(value.normalize(), "f")
#: Exact values: money has 2 places, decimals 4, whole numbers none.
VALUE_TYPE = Numeric(20, 4)


class KpiReport(Base):
    """The figures of one project for one period of a stage; opened by the scheduler when due."""

    __tablename__ = "kpi_reports"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'submitted')", name="status_known"),
        CheckConstraint("period_end > period_start", name="period_ordered"),
        CheckConstraint("(submitted_at IS NULL) = (status = 'open')", name="submitted_iff_submitted"),
        # One report per project, stage and period: concurrent sweeps cannot open it twice.
        UniqueConstraint("project_id", "stage", "period_start"),
        Index("ix_kpi_reports_status_due", "status", "due_at"),
        Index("ix_kpi_reports_period_end", "period_end"),
        # The pipeline's late reports not yet counted (or counted ahead of a reader's instant): short ranges.
        Index("ix_kpi_reports_late", "status", "is_counted_late", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    #: After this the report is late (it shows on the pipeline).
    due_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")
    #: Counted late by the pipeline's read model (`pipeline_late_reports`): set by the sweep when the
    #: due instant passed (`app.pipeline.readmodel.mark_too_long`); readers add the reports late since.
    #: Derived (the sweep and the pipeline's read model keep it): a data export leaves it out and the
    #: import's rebuild sets it again.
    is_counted_late: Mapped[bool] = mapped_column(default=False, server_default=false(), info={"derived": True})
    #: The metrics asked for, as the stage defined them when the report opened ([{key, label, unit, type, min}]).
    metrics: Mapped[list] = mapped_column(JSON, default=list)
    #: When the founders' reminder was claimed for sending (once per report).
    reminded_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Optimistic lock: a correction based on an older read is refused with 409.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship(lazy="joined")
    submitted_by: Mapped[User | None] = relationship(lazy="joined")
    values: Mapped[list[KpiValue]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                  lazy="selectin", order_by="KpiValue.id")

    def is_late(self, now: dt.datetime) -> bool:
        return self.status == "open" and self.due_at < now

    def value_map(self) -> dict[str, KpiValue]:
        return {v.metric_key: v for v in self.values}


class KpiValue(Base):
    """The current value of one metric in one report."""

    __tablename__ = "kpi_values"
    __table_args__ = (UniqueConstraint("report_id", "metric_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("kpi_reports.id", ondelete="CASCADE"))
    metric_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(VALUE_TYPE)
    #: The metric's unit when the value was given (a currency code for money).
    unit: Mapped[str] = mapped_column(String(16), default="")

    report: Mapped[KpiReport] = relationship(back_populates="values")


class KpiValueChange(Base):
    """The trail: every value given or corrected, with who, when and why."""

    __tablename__ = "kpi_value_changes"
    __table_args__ = (Index("ix_kpi_value_changes_report", "report_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("kpi_reports.id", ondelete="CASCADE"))
    metric_key: Mapped[str] = mapped_column(String(64))
    #: None on the first submission.
    old_value: Mapped[Decimal | None] = mapped_column(VALUE_TYPE)
    new_value: Mapped[Decimal] = mapped_column(VALUE_TYPE)
    unit: Mapped[str] = mapped_column(String(16), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Why a submitted figure was corrected (required for corrections).
    reason: Mapped[str] = mapped_column(Text, default="")

    changed_by: Mapped[User | None] = relationship(lazy="joined")
