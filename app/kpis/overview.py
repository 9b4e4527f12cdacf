"""What the project page shows about KPI reports: the stage's schedule and the latest reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.kpis import permissions
from app.kpis import queries
from app.kpis.models import KpiReport
from app.projects.models import Project
from app.workflow.catalog import catalog_of
from app.workflow.definition import KpiSchedule

REPORTS_SHOWN = 12


@dataclass(frozen=True)
class KpiPanel:
    schedule: KpiSchedule | None
    reports: list[KpiReport]
    can_submit: bool
    #: The ids of the reports shown that are late now.
    late_ids: frozenset[int]


def build_panel(session: Session, project: Project, relations: frozenset[str], *, now: dt.datetime) -> KpiPanel:
    """The current stage's KPI schedule and the project's latest reports."""
    stage = catalog_of(session).version(session, project.workflow_key, project.workflow_version).stage(project.stage)
    reports = list(session.scalars(queries.select_reports(project).limit(REPORTS_SHOWN)))
    return KpiPanel(schedule=stage.kpis, reports=reports, can_submit=permissions.can_submit(relations),
                    late_ids=frozenset(r.id for r in reports if r.is_late(now)))
