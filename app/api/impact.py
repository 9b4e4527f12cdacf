"""`GET /reports/funders`: the funders' report figures, the same as the page and its exports."""

from __future__ import annotations

from flask import abort
from flask import request

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import config
from app.api.auth import roles
from app.api.spec import doc
from app.core.time import utcnow
from app.extensions import db
from app.impact.filters import BadFilters
from app.impact.filters import parse_filters
from app.impact.queries import funders_report
from app.kpis.models import plain


@bp.get("/reports/funders")
@doc("The funders' report for a period (managers): projects per stage and their moves, gates, jobs, revenue, "
     "money raised by source, survival, mentoring hours, support, members", response=schemas.FundersReportOut,
     errors=(400, 403), query=params.FundersReportQuery,
     tag="reports")
@roles("manager")
def funders():
    try:
        params.query_args()  # types and bounds; the period's rules are the page's own (parse_filters)
        filters = parse_filters(request.args, today=utcnow().date())
    except BadFilters as exc:
        abort(400, str(exc))
    r = funders_report(db.session, filters, members_target=config("MEMBERSHIP_TARGET"))
    return schemas.FundersReportOut(
        period={"from": filters.start, "to": filters.end}, pole=filters.pole, cohort=filters.cohort,
        stages=[vars(s) for s in r.stages], by_status_at_end=r.by_status_at_end, new_projects=r.new_projects,
        stage_changes=r.moves, projects_moved=r.projects_moved, gates_passed=r.gates_passed,
        jobs_created=plain(r.jobs_created), revenue={unit: plain(v) for unit, v in r.kpi_total("revenue").items()},
        kpis=[{**vars(k), "total": plain(k.total)} for k in r.kpis],
        kpi_reports={"due": r.kpi_reports_due, "submitted": r.kpi_reports_submitted},
        money_raised=[{**vars(m), "amount": str(m.amount)} for m in r.money_raised],
        survival=[{**vars(s), "rate": s.rate} for s in r.survival],
        mentoring={"hours": plain(r.mentoring_hours), "sessions": r.mentoring_sessions,
                   "projects": r.projects_mentored, "office_hours_booked": plain(r.office_hours_booked),
                   "office_hours_held": plain(r.office_hours_held)},
        support_requests={"received": r.support_opened, "served": r.support_served},
        members={"count": r.members, "joined": r.members_joined, "target": r.members_target},
    ).model_dump(mode="json")
