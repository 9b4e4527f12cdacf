"""`/cohorts`: the cohorts projects go through their programme with (managers)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.api import bp
from app.api import params
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import page_args
from app.api.auth import roles
from app.api.cohort_schemas import CohortIn
from app.api.cohort_schemas import CohortOut
from app.api.cohort_schemas import CohortPage
from app.api.cohort_schemas import CohortPatch
from app.api.spec import doc
from app.cohorts import queries
from app.cohorts import services
from app.core.time import utcnow
from app.extensions import db
from app.projects.models import Cohort


def cohort_out(cohort: Cohort, projects: int) -> dict:
    return CohortOut(id=cohort.id, name=cohort.name, workflow=cohort.workflow_key, starts_on=cohort.starts_on,
                     ends_on=cohort.ends_on, demo_day=cohort.demo_day, created_at=cohort.created_at,
                     project_count=projects).model_dump(mode="json")


def load(cohort_id: int) -> Cohort:
    return queries.get_cohort(db.session, cohort_id) or abort(404, _("No such cohort."))


@bp.get("/cohorts")
@doc("List the cohorts, the latest to start first, with their project counts (managers)",
     list_response=CohortPage, errors=(400, 403), query=params.PageQuery, tag="cohorts")
@roles("manager")
def list_cohorts():
    page, per_page = page_args()
    result = db.paginate(queries.select_cohorts(), page=page, per_page=per_page, error_out=False, count=True)
    rows = queries.with_counts(db.session, result.items)
    return {"items": [cohort_out(row.cohort, row.projects) for row in rows], "total": result.total,
            "page": page, "per_page": per_page}


@bp.post("/cohorts")
@doc("Create a cohort (managers); a project joins it with PATCH /projects/{id} `cohort_id`", body=CohortIn,
     response=CohortOut, status=201, errors=(403, 409), tag="cohorts")
@roles("manager")
def create_cohort():
    data = json_body(CohortIn)
    cohort = services.create_cohort(db.session, services.CohortInput(**data.model_dump()), actor=current_user(),
                                    now=utcnow())
    db.session.commit()
    return cohort_out(cohort, 0), 201


@bp.get("/cohorts/<int:cohort_id>")
@doc("One cohort (managers)", response=CohortOut, errors=(403, 404), tag="cohorts")
@roles("manager")
def get_cohort(cohort_id: int):
    cohort = load(cohort_id)
    return cohort_out(cohort, queries.count_projects(db.session, cohort))


@bp.patch("/cohorts/<int:cohort_id>")
@doc("Change a cohort (managers); its workflow stays while projects or calls are in it", body=CohortPatch,
     response=CohortOut, errors=(403, 404, 409), tag="cohorts")
@roles("manager")
def patch_cohort(cohort_id: int):
    cohort = load(cohort_id)
    data = json_body(CohortPatch)
    # A field left out stays; `"demo_day": null` takes the demo day away (the others cannot be emptied).
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None or k == "demo_day"}
    fields = {"name": cohort.name, "workflow": cohort.workflow_key, "starts_on": cohort.starts_on,
              "ends_on": cohort.ends_on, "demo_day": cohort.demo_day, **changes}
    services.update_cohort(db.session, cohort, services.CohortInput(**fields), actor=current_user())
    db.session.commit()
    return cohort_out(cohort, queries.count_projects(db.session, cohort))
