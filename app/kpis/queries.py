"""Reads about KPI reports: a project's reports, one report with its trail, late reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.i18n import _l
from app.kpis.models import KpiReport
from app.kpis.models import KpiValueChange
from app.projects.models import Project
from app.workflow.definition import Metric


def select_reports(project: Project) -> Select:
    """The project's reports, newest period first."""
    return (select(KpiReport).where(KpiReport.project_id == project.id)
            .order_by(KpiReport.period_start.desc(), KpiReport.id.desc()))


def get_report(session: Session, report_id: int) -> KpiReport:
    found = session.get(KpiReport, report_id)
    if found is None:
        raise NotFound(_l("No such KPI report."))
    return found


def list_changes(session: Session, report: KpiReport) -> list[KpiValueChange]:
    """The report's trail: every value given or corrected, oldest first."""
    return list(session.scalars(select(KpiValueChange).where(KpiValueChange.report_id == report.id)
                                .order_by(KpiValueChange.changed_at, KpiValueChange.id)))


def select_open(*, now: dt.datetime, late_only: bool = False) -> Select:
    """Open reports across the cluster (late ones first, the most overdue first)."""
    stmt = select(KpiReport).where(KpiReport.status == "open")
    if late_only:
        stmt = stmt.where(KpiReport.due_at < now)
    return stmt.order_by(KpiReport.due_at, KpiReport.id)


def metrics_of(report: KpiReport) -> list[Metric]:
    """The metrics the report asks for, as they were when it opened."""
    return [Metric.from_dict(m) for m in report.metrics]
