"""Reads about readiness: the project's scale, its assessments, the latest pair, the weakest dimension."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.i18n import _l
from app.projects.models import Project
from app.readiness.models import SIDES
from app.readiness.models import Assessment
from app.workflow.catalog import catalog_of
from app.workflow.definition import ReadinessScale


def scale_of(session: Session, project: Project) -> ReadinessScale:
    """The readiness scale of the workflow version the project follows."""
    scale = catalog_of(session).version(session, project.workflow_key, project.workflow_version).readiness
    assert scale is not None  # the loader always sets one (the built-in default when the file has none)
    return scale


def select_assessments(project: Project) -> Select:
    """The project's assessments, newest first."""
    return (select(Assessment).where(Assessment.project_id == project.id)
            .order_by(Assessment.assessed_at.desc(), Assessment.id.desc()))


def list_assessments(session: Session, project: Project) -> list[Assessment]:
    """Every assessment of the project, oldest first (the trend)."""
    return list(reversed(session.scalars(select_assessments(project)).all()))


def get_assessment(session: Session, project: Project, assessment_id: int) -> Assessment:
    found = session.get(Assessment, assessment_id)
    if found is None or found.project_id != project.id:
        raise NotFound(_l("No such assessment on this project."))
    return found


def latest_pair(session: Session, project: Project) -> dict[str, Assessment | None]:
    """side → the latest assessment from that side (None when it never scored)."""
    return {side: session.scalar(select_assessments(project).where(Assessment.side == side).limit(1))
            for side in SIDES}


def latest_of_each_side(history: list[Assessment]) -> dict[str, Assessment | None]:
    """`latest_pair` read from the whole history (oldest first) already in hand."""
    pair: dict[str, Assessment | None] = dict.fromkeys(SIDES)
    for assessment in history:
        pair[assessment.side] = assessment
    return pair


def weakest(scores: Mapping[str, int], scale: ReadinessScale) -> tuple[str, ...]:
    """The dimensions with the lowest score (all of them on a tie), in the scale's order."""
    known = {k: v for k, v in scores.items() if k in scale.keys}
    if not known:
        return ()
    lowest = min(known.values())
    return tuple(k for k in scale.keys if known.get(k) == lowest)


def reference_scores(pair: Mapping[str, Assessment | None]) -> dict[str, int]:
    """The scores the weakest dimension is read from: the mentor's view, else the team's own."""
    chosen = pair.get("mentor") or pair.get("founder")
    return chosen.score_map() if chosen is not None else {}


def weakest_dimensions(session: Session, project: Project) -> tuple[str, ...]:
    """The project's weakest dimension(s) now, from its latest assessment (mentor's first)."""
    return weakest(reference_scores(latest_pair(session, project)), scale_of(session, project))
