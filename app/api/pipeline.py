"""`GET /pipeline`: the managers' numbers, the same as the page."""

from __future__ import annotations

from flask import current_app
from flask import request

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import roles
from app.api.spec import doc
from app.core.time import utcnow
from app.extensions import db
from app.pipeline.filters import filters_from
from app.pipeline.queries import pipeline


@bp.get("/pipeline")
@doc("Pipeline figures (managers)", response=schemas.PipelineOut, errors=(400, 403),
     query=params.PipelineQuery,
     tag="pipeline")
@roles("manager")
def get_pipeline():
    params.query_args()  # types and bounds; the filters' meaning is the page's own (filters_from)
    # The answer has no board and no stalled list: neither is read.
    p = pipeline(db.session, filters_from(request.args), now=utcnow(), board=False, stalled_list=False)
    by_pole = [{"pole": pole, "counts": {f"{s.workflow}:{s.stage}" if len(p.workflows) > 1 else s.stage:
                                         s.by_pole.get(pole, 0) for s in p.stages}} for pole in p.poles]
    return schemas.PipelineOut(
        total=p.total, by_status=p.by_status,
        stages=[{"workflow": s.workflow, "stage": s.stage, "label": s.label, "count": s.count, "active": s.active,
                 "median_days_in_stage": s.median_days_now, "p90_days_in_stage": s.p90_days_now,
                 "median_days_per_stay": s.median_days_done, "p90_days_per_stay": s.p90_days_done,
                 "stalled": s.stalled,
                 "stalled_reasons": {"too_long": s.stalled_too_long, "overdue_checkin": s.stalled_overdue,
                                     "no_mentor": s.stalled_no_mentor},
                 "reached": s.reached, "conversion": s.conversion} for s in p.stages],
        by_pole=by_pole, overdue_checkins=p.overdue_checkins,
        members={"count": p.members, "target": current_app.config["MEMBERSHIP_TARGET"]},
        mentor_load=[{"mentor_id": m.mentor_id, "name": m.name, "active": m.active, "capacity": m.capacity,
                      "sessions_30_days": m.sessions_30, "sessions_90_days": m.sessions_90,
                      "overdue_checkins": m.overdue_checkins} for m in p.mentor_load],
        funding=[{"source": f.source, "status": f.status, "currency": f.currency, "workflow": f.workflow,
                  "stage": f.stage, "pole": f.pole, "amount": str(f.amount), "lines": f.lines} for f in p.funding],
        late_kpi_reports=p.late_kpi_reports, mentors_total=p.mentors_total,
    ).model_dump(mode="json")
