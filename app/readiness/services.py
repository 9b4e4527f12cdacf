"""Writes on readiness: scoring a project (add + flush, never commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.projects import queries as project_queries
from app.projects.models import Project
from app.readiness import permissions
from app.readiness import queries
from app.readiness.models import Assessment
from app.readiness.models import Score
from app.workflow.definition import FINAL_STATUSES
from app.workflow.definition import ReadinessScale

COMMENT_MAX = 2000


def log_assessment(session: Session, project: Project, *, actor: User, now: dt.datetime,
                   scores: Mapping[str, object], comment: str = "") -> Assessment:
    """Score the project on every dimension of its scale, from the actor's side (founder or mentor).

    :raises Forbidden: the actor is neither on the team, an assigned mentor, nor a manager.
    :raises ValidationFailed: a dimension is missing, unknown or out of the scale (errors by `scores.<key>`).
    """
    side = permissions.assessment_side(project_queries.relations(session, project, actor))
    if side is None:
        raise Forbidden(_l("Only the project's team, its assigned mentors and managers score its readiness."))
    if project.status in FINAL_STATUSES:
        raise ValidationFailed(_l("The project is closed."), project=[_l("The project is closed.")])
    scale = queries.scale_of(session, project)
    errors = score_errors(scores, scale)
    if len(comment or "") > COMMENT_MAX:
        errors["comment"] = [_l("At most %(n)s characters.", n=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(_l("The assessment has invalid scores."), **errors)
    assessment = Assessment(project_id=project.id, side=side, author_id=actor.id, stage=project.stage,
                            comment=(comment or "").strip(), assessed_at=now)
    assessment.scores = [Score(dimension=key, score=int(scores[key])) for key in scale.keys]
    session.add(assessment)
    session.flush()
    return assessment


def score_errors(scores: Mapping[str, object], scale: ReadinessScale) -> dict[str, list[str]]:
    """Every problem with a set of scores, by field `scores.<dimension>`."""
    errors: dict[str, list[str]] = {}
    level = str(_l("Give a whole level from %(low)s to %(high)s.", low=scale.lowest, high=scale.highest))
    for key in scale.keys:
        value = scores.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value not in scale.levels:
            errors[f"scores.{key}"] = [level]
    for key in sorted(set(scores) - set(scale.keys)):
        errors[f"scores.{key}"] = [_l("Not a dimension of this project's scale (%(keys)s).",
                                      keys=", ".join(scale.keys))]
    return errors
