"""KPI reports through the API: a project's reports, one report with its trail, giving and correcting figures."""

from __future__ import annotations

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.auth import roles
from app.api.projects import person
from app.api.projects import visible
from app.api.spec import doc
from app.core.time import utcnow
from app.extensions import db
from app.kpis import queries
from app.kpis import services
from app.kpis.models import KpiReport
from app.kpis.models import plain


def report_out(r: KpiReport, *, with_changes: bool = False) -> dict:
    changes = None
    if with_changes:
        changes = [{"metric": c.metric_key, "old_value": plain(c.old_value) if c.old_value is not None else None,
                    "new_value": plain(c.new_value), "unit": c.unit, "by": person(c.changed_by), "at": c.changed_at,
                    "reason": c.reason} for c in queries.list_changes(db.session, r)]
    body = schemas.KpiReportOut(
        id=r.id, project_id=r.project_id, stage=r.stage, period_start=r.period_start, period_end=r.period_end,
        due_at=r.due_at, status=r.status, late=r.is_late(utcnow()), version=r.version,
        metrics=[{"key": m.key, "label": m.label, "unit": m.unit, "type": m.type, "min": m.min}
                 for m in queries.metrics_of(r)],
        values={v.metric_key: {"value": plain(v.value), "unit": v.unit} for v in r.values},
        submitted_at=r.submitted_at,
        submitted_by=person(r.submitted_by), changes=changes,
    ).model_dump(mode="json")
    if not with_changes:
        body.pop("changes")
    return body


def visible_report(report_id: int) -> KpiReport:
    """The report, if its project is visible to the caller (404 otherwise)."""
    report = queries.get_report(db.session, report_id)
    visible(report.project_id)
    return report


@bp.get("/projects/<int:project_id>/kpi-reports")
@doc("The project's KPI reports, newest period first", list_response=schemas.KpiReportPage, errors=(404,),
     query=params.PageQuery, tag="kpis")
@authenticated
def list_project_reports(project_id: int):
    return paginated(queries.select_reports(visible(project_id)), report_out)


@bp.get("/kpi-reports")
@doc("Open KPI reports across the cluster (managers); `late=1` for the late ones only",
     list_response=schemas.KpiReportPage, errors=(403,), query=params.KpiReportListQuery, tag="kpis")
@roles("manager")
def list_open_reports():
    return paginated(queries.select_open(now=utcnow(), late_only=params.query_args().late == 1), report_out)


@bp.get("/kpi-reports/<int:report_id>")
@doc("One KPI report, with the trail of every value given or corrected", response=schemas.KpiReportOut,
     errors=(404,), tag="kpis")
@authenticated
def get_report(report_id: int):
    return report_out(visible_report(report_id), with_changes=True)


@bp.put("/kpi-reports/<int:report_id>")
@doc("Give a report's figures (all of them) or correct some (with a reason): members and managers",
     body=schemas.KpiReportIn, response=schemas.KpiReportOut, errors=(403, 404, 409), tag="kpis")
@authenticated
def put_report(report_id: int):
    report = visible_report(report_id)
    services.ensure_can_submit(db.session, report, current_user())  # rights before the body: 403, not 422
    data = json_body(schemas.KpiReportIn)
    services.submit_report(db.session, report, actor=current_user(), now=utcnow(), reason=data.reason,
                           version=data.version,
                           values={k: services.ValueInput(v.value, v.unit) for k, v in data.values.items()})
    db.session.commit()
    return report_out(report, with_changes=True)
