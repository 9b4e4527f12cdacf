"""`/checkins`: check-ins of the projects the caller sees."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import paginated
from app.api.projects import person
from app.api.spec import doc
from app.checkins import queries
from app.checkins.models import STATUSES


def checkin_out(checkin) -> dict:
    project = checkin.project
    return schemas.CheckInOut(
        id=checkin.id, project_id=project.id, project_name=project.name, mentor=person(checkin.mentor),
        stage=checkin.stage, due_at=checkin.due_at, status=checkin.status, reminded_at=checkin.reminded_at,
        closed_at=checkin.closed_at,
    ).model_dump(mode="json")


@bp.get("/checkins")
@doc("Check-ins, soonest first (scoped like projects)", list_response=schemas.CheckInPage, errors=(400,),
     query=params.CheckInListQuery, tag="checkins")
@authenticated
def list_checkins():
    args = params.query_args()
    status = args.status or None
    if status is not None and status not in STATUSES:
        abort(400, _("status must be one of: %(values)s.", values=", ".join(STATUSES)))
    stmt = queries.select_checkins(current_user(), project_id=args.project_id, mentor_id=args.mentor_id,
                                   status=status)
    return paginated(stmt, checkin_out)
