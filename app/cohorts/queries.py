"""Reads about cohorts: the managers' list with each cohort's project count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calls.models import Call
from app.projects.models import Cohort
from app.projects.models import Project


@dataclass(frozen=True)
class CohortRow:
    """A line of the cohorts' list."""

    cohort: Cohort
    projects: int


def select_cohorts() -> Select:
    """Cohorts, the latest to start first (paginated by the boundary)."""
    return select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())


def with_counts(session: Session, cohorts: list[Cohort]) -> list[CohortRow]:
    """The page's cohorts with their project counts (one statement, whatever the page's size)."""
    ids = [c.id for c in cohorts]
    counts = dict(session.execute(select(Project.cohort_id, func.count(Project.id))
                                  .where(Project.cohort_id.in_(ids)).group_by(Project.cohort_id)).all()) if ids else {}
    return [CohortRow(c, counts.get(c.id, 0)) for c in cohorts]


def get_cohort(session: Session, cohort_id: int) -> Cohort | None:
    return session.get(Cohort, cohort_id)


def count_projects(session: Session, cohort: Cohort) -> int:
    return session.scalar(select(func.count(Project.id)).where(Project.cohort_id == cohort.id)) or 0


def is_used(session: Session, cohort: Cohort) -> bool:
    """Whether projects or calls are in the cohort (its path then stays)."""
    return bool(session.scalar(select(or_(exists().where(Project.cohort_id == cohort.id),
                                          exists().where(Call.cohort_id == cohort.id)))))
