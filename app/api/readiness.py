"""Readiness assessments through the API: the project's history, and scoring it."""

from __future__ import annotations

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.projects import person
from app.api.projects import visible
from app.api.spec import doc
from app.core.time import utcnow
from app.extensions import db
from app.readiness import queries
from app.readiness import services
from app.readiness.models import Assessment
from app.workflow.definition import ReadinessScale


def assessment_out(a: Assessment, scale: ReadinessScale) -> dict:
    scores = a.score_map()
    return schemas.AssessmentOut(
        id=a.id, project_id=a.project_id, by=a.side, at=a.assessed_at, author=person(a.author), stage=a.stage,
        scores=scores, comment=a.comment, weakest=list(queries.weakest(scores, scale)),
    ).model_dump(mode="json")


@bp.get("/projects/<int:project_id>/assessments")
@doc("The project's readiness assessments, newest first (founders' and mentors')",
     list_response=schemas.AssessmentPage, errors=(404,), query=params.PageQuery,
     tag="readiness")
@authenticated
def list_assessments(project_id: int):
    project = visible(project_id)
    scale = queries.scale_of(db.session, project)
    return paginated(queries.select_assessments(project), lambda a: assessment_out(a, scale))


@bp.post("/projects/<int:project_id>/assessments")
@doc("Score the project's readiness: members as the founders' side, assigned mentors and managers as the "
     "mentor's", body=schemas.AssessmentIn, response=schemas.AssessmentOut, status=201, errors=(403, 404),
     tag="readiness")
@authenticated
def create_assessment(project_id: int):
    project = visible(project_id)
    data = json_body(schemas.AssessmentIn)
    assessment = services.log_assessment(db.session, project, actor=current_user(), now=utcnow(),
                                         scores=data.scores, comment=data.comment)
    db.session.commit()
    return assessment_out(assessment, queries.scale_of(db.session, project)), 201
