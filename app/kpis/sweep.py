"""The scheduler's KPI step: open each report when its period ends, remind the founders once.

Like the check-ins' sweep, every "once" is decided by the database: a report is inserted with
ON CONFLICT DO NOTHING against its unique (project, stage, period start), and its reminder is
*claimed* by an UPDATE … WHERE reminded_at IS NULL RETURNING, committed with the queued messages
(whose dedupe keys are unique). Concurrent sweeps and catch-up after downtime send once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.bulk import claim
from app.core.bulk import insert_ignoring_conflicts
from app.kpis.models import KpiReport
from app.notifications.services import Message
from app.projects.models import Project
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of
from app.workflow.definition import KpiSchedule

BATCH = 1000

#: (kind, recipient, params) → (subject, body), in the recipient's language and time zone.
Renderer = Callable[[str, User, dict], tuple[str, str]]


def schedule_table(session: Session) -> dict[tuple[str, int, str], KpiSchedule]:
    """(workflow, version, stage) → the stage's KPI schedule, for every version projects follow."""
    table: dict[tuple[str, int, str], KpiSchedule] = {}
    pairs = session.execute(select(Project.workflow_key, Project.workflow_version).distinct()).all()
    for key, version in pairs:
        for stage in catalog_of(session).version(session, key, version).stages:
            if stage.kpis is not None:
                table[(key, version, stage.name)] = stage.kpis
    return table


def current_period(entered: dt.datetime, every_days: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The latest period of `every_days` since `entered` that has ended by `now`, if one has."""
    every = dt.timedelta(days=every_days)
    ended = (now - entered) // every
    if ended < 1:
        return None
    start = entered + (ended - 1) * every
    return start, start + every


def open_due(session: Session, *, now: dt.datetime, grace: dt.timedelta) -> int:
    """Open the report of every active project whose latest period has ended; return how many opened.

    Only the latest ended period is opened: after an outage the sweep catches up with the
    period that matters now rather than flooding founders with every missed month.
    """
    table = schedule_table(session)
    if not table:
        return 0
    in_kpi_stage = or_(false(), *[and_(Project.workflow_key == key, Project.workflow_version == version,
                                       Project.stage == stage) for key, version, stage in table])
    stmt = (select(Project.id, Project.workflow_key, Project.workflow_version, Project.stage, Project.stage_entered_at)
            .where(Project.status == "active", in_kpi_stage).order_by(Project.id))
    opened, rows = 0, []
    for row in session.execute(stmt).yield_per(BATCH):
        schedule = table[(row.workflow_key, row.workflow_version, row.stage)]
        period = current_period(row.stage_entered_at, schedule.every_days, now)
        if period is None:
            continue
        rows.append({"project_id": row.id, "stage": row.stage, "period_start": period[0], "period_end": period[1],
                     "due_at": period[1] + grace, "status": "open", "metrics": [m.as_dict() for m in schedule.metrics],
                     "created_at": now, "updated_at": now, "version": 1})
        if len(rows) >= BATCH:
            opened += insert_ignoring_conflicts(session, KpiReport, rows)
            rows = []
    return opened + insert_ignoring_conflicts(session, KpiReport, rows)


def claim_reminders(session: Session, *, now: dt.datetime) -> list[KpiReport]:
    """Claim open reports whose founders have not been reminded yet (a batch at a time)."""
    return claim(session, KpiReport, where=KpiReport.status == "open", mark=KpiReport.reminded_at, now=now,
                 order_by=(KpiReport.id,), limit=BATCH)


def reminder_messages(session: Session, reports: list[KpiReport], render: Renderer, base_url: str) -> list[Message]:
    """One message per founder of each claimed report, linking to the form."""
    project_ids = {r.project_id for r in reports}
    projects = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(project_ids)))}
    founders: dict[int, list[User]] = defaultdict(list)
    for member in session.scalars(select(ProjectMember).where(ProjectMember.project_id.in_(project_ids))):
        founders[member.project_id].append(member.user)
    messages = []
    for report in reports:
        project = projects[report.project_id]
        for user in founders[project.id]:
            params = {"project": project.name, "report_id": report.id, "due_at": report.due_at.isoformat(),
                      "period_start": report.period_start.isoformat(), "period_end": report.period_end.isoformat()}
            subject, body = render("kpi_report_due", user, {**params, "link": f"{base_url}/kpi-reports/{report.id}"})
            messages.append(Message(user=user, kind="kpi_report_due", params=params,
                                    link=f"/kpi-reports/{report.id}", dedupe_key=f"kpi:{report.id}:reminder:{user.id}",
                                    subject=subject, body=body))
    return messages
