"""What the project page shows about readiness: the latest pair, its radar and trend, the
weakest dimension, and a prompt to score at a check-in or before a gate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session

from app.auth.models import User
from app.checkins.models import CheckIn
from app.core.i18n import _l
from app.projects import queries as project_queries
from app.projects.models import Project
from app.readiness import charts
from app.readiness import permissions
from app.readiness import queries
from app.readiness.models import Assessment
from app.workflow.catalog import catalog_of
from app.workflow.definition import ReadinessScale

#: An assessment this close before a check-in's time counts as made for it.
CHECKIN_WINDOW = dt.timedelta(days=7)
HISTORY_SHOWN = 12


def side_labels() -> dict[str, str]:
    return {"founder": str(_l("Founders' self-assessment")), "mentor": str(_l("Mentor's assessment"))}


@dataclass(frozen=True)
class ReadinessPanel:
    scale: ReadinessScale
    pair: dict[str, Assessment | None]
    weakest: tuple[str, ...]
    history: list[Assessment]
    side: str | None
    #: "checkin" or "gate" when the viewer is prompted to score now, else None.
    prompt: str | None
    radar: Markup | None
    trend: Markup | None

    @property
    def can_assess(self) -> bool:
        return self.side is not None


def build_panel(session: Session, project: Project, user: User, relations: frozenset[str], *, now: dt.datetime,
                date_format: Callable[[dt.datetime], str], checkin: CheckIn | None) -> ReadinessPanel:
    """Gather the panel; `date_format` renders dates in the reader's language (the boundary's);
    `checkin` is the project's open check-in, which the project page has already read."""
    scale = queries.scale_of(session, project)
    history = queries.list_assessments(session, project)
    pair = queries.latest_of_each_side(history)
    weakest = queries.weakest(queries.reference_scores(pair), scale)
    side = permissions.assessment_side(relations) if project.status in ("active", "on_hold") else None
    labels = side_labels()
    radar = trend = None
    if history:
        radar = charts.radar(
            chart_id=f"radar-{project.id}", title=str(_l("Readiness: latest assessments")),
            description=str(_l("Each axis is a readiness dimension scored from %(low)s to %(high)s; one shape per "
                               "side.", low=scale.lowest, high=scale.highest)),
            scale=scale, pair={s: a.score_map() if a else None for s, a in pair.items()}, side_labels=labels,
            weakest=weakest, weakest_label=str(_l("weakest")))
        trend = charts.trend(
            chart_id=f"trend-{project.id}", title=str(_l("Readiness over time")),
            description=str(_l("For each dimension, the scores of each side at each assessment.")), scale=scale,
            points=[charts.Point(a.assessed_at, a.side, a.score_map()) for a in history], side_labels=labels,
            date_format=date_format)
    return ReadinessPanel(scale=scale, pair=pair, weakest=weakest, history=list(reversed(history))[:HISTORY_SHOWN],
                          side=side, prompt=_prompt(session, project, pair.get(side) if side else None, side, checkin),
                          radar=radar, trend=trend)


def _prompt(session: Session, project: Project, mine: Assessment | None, side: str | None,
            checkin: CheckIn | None) -> str | None:
    """Ask for a score when a check-in is due without one, or when the stage's gate draws near."""
    if side is None or project.status != "active":
        return None
    if checkin is not None and checkin.status in ("due", "overdue") and (
            mine is None or mine.assessed_at < checkin.due_at - CHECKIN_WINDOW):
        return "checkin"
    stage = catalog_of(session).version(session, project.workflow_key, project.workflow_version).stage(project.stage)
    done = project_queries.done_deliverables(session, project, project.stage)
    ready = all(done.get(d.key) is not None and done[d.key].is_done for d in stage.deliverables if d.required)
    if ready and project.gate_decision != "go" and (mine is None or mine.assessed_at < project.stage_entered_at):
        return "gate"
    return None
