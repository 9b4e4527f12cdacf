"""Ranking mentors for a project: pole fit, stage fit, strength on the project's weakest
readiness dimension, free capacity, continuity.

Pure functions over `MentorLoad` rows, so the ranking is tested on crafted cases and every
suggestion carries the reasons shown to the manager ("why this mentor").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.i18n import _l
from app.mentoring import queries
from app.mentoring.queries import MentorLoad
from app.projects.models import Project
from app.readiness import queries as readiness_queries
from app.workflow.definition import Stage

POLE_FIT = 3
STAGE_FIT = 2
WEAK_SPOT = 2
CONTINUITY = 2
HAS_ROOM = 1
PLENTY_OF_ROOM = 1
FULL = -5


@dataclass(frozen=True)
class Suggestion:
    load: MentorLoad
    score: int
    reasons: tuple[str, ...]

    @property
    def is_full(self) -> bool:
        return self.load.free == 0


def rank(loads: Iterable[MentorLoad], *, pole: str, pole_name: str, stage: str, stage_label: str,
         past_mentor_ids: set[int], assigned_ids: set[int],
         weakest: dict[str, str] | None = None, explain: bool = True) -> list[Suggestion]:
    """Score every mentor not already assigned; best first, ties by free capacity then name.

    `weakest` maps the project's weakest readiness dimension(s) to their labels. Mentors at
    capacity come last whatever their fit: assigning them needs an override.
    """
    suggestions = [
        score(load, pole=pole, pole_name=pole_name, stage=stage, stage_label=stage_label,
              knows_project=load.mentor.id in past_mentor_ids, weakest=weakest, explain=explain)
        for load in loads if load.mentor.id not in assigned_ids
    ]
    return sorted(suggestions, key=lambda s: (s.is_full, -s.score, -s.load.free, s.load.mentor.name.lower(),
                                              s.load.mentor.id))


def score(load: MentorLoad, *, pole: str, pole_name: str, stage: str, stage_label: str,
          knows_project: bool, weakest: dict[str, str] | None = None, explain: bool = True) -> Suggestion:
    """The mentor's points and, when `explain`, the reasons in words (written last: they cost more
    than the points, and a shortlist of thousands of mentors needs only the points)."""
    points = 0
    reasons: list = []
    if pole in load.poles:
        points += POLE_FIT
        reasons.append(_l("Expert in %(pole)s.", pole=pole_name))
    if stage in load.stages:
        points += STAGE_FIT
        reasons.append(_l("Covers the %(stage)s stage.", stage=stage_label))
    strong = [label for key, label in (weakest or {}).items() if key in load.dimensions]
    if strong:
        points += WEAK_SPOT
        reasons.append(_l("Strong in %(dimension)s, the project's weakest readiness dimension.",
                          dimension=", ".join(strong)))
    if knows_project:
        points += CONTINUITY
        reasons.append(_l("Already knows the project from an earlier stage."))
    if load.free == 0:
        points += FULL
        reasons.append(_l("At capacity (%(active)s of %(capacity)s mentees).", active=load.active,
                          capacity=load.capacity))
    else:
        points += HAS_ROOM
        if load.free * 2 >= load.capacity:
            points += PLENTY_OF_ROOM
        reasons.append(_l("%(free)s free place(s) of %(capacity)s.", free=load.free, capacity=load.capacity))
    return Suggestion(load, points, tuple(str(r) for r in reasons) if explain else ())


def suggest_for(session: Session, project: Project, stage: Stage, *, limit: int | None = None) -> list[Suggestion]:
    """Rank every active mentor for the project's current stage; with `limit`, only the best `limit`.

    With a limit (the project page shows ten among thousands of mentors), every mentor is scored on
    plain rows, without loading accounts nor writing reasons, and only the shortlist is then loaded
    in full and explained: the same mentors in the same order as the full ranking, at a fraction of
    its cost.
    """
    assigned = {a.mentor_id for a in queries.list_active_assignments(session, project)}
    scale = readiness_queries.scale_of(session, project)
    weakest = {key: scale.dimension(key).label for key in readiness_queries.weakest_dimensions(session, project)}
    context = {"pole": project.pole_key, "pole_name": project.pole.name, "stage": stage.name,
               "stage_label": stage.label, "past_mentor_ids": queries.past_mentor_ids(session, project),
               "assigned_ids": assigned, "weakest": weakest}
    if limit is None:
        return rank(queries.list_mentors(session), **context)
    shortlist = rank(queries.list_mentor_fits(session), explain=False, **context)[:limit]
    return rank(queries.list_mentors(session, [s.load.mentor.id for s in shortlist]), **context)
