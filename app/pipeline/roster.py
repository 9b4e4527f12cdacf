"""One row per project for the spreadsheets of `/projects.csv` and `/projects.xlsx`: every field a
manager filters on, read in chunks so 50,000 projects stream without being held in memory.

Each chunk of ids costs a fixed number of statements (projects, founders, mentors, latest sessions,
open check-ins, labels, granted financing), whatever its projects hold."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.calls.models import Label
from app.checkins.models import OPEN_STATUSES
from app.checkins.models import CheckIn
from app.cluster import money
from app.cluster import queries as cluster_queries
from app.core.errors import NotFound
from app.core.idlists import among
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.projects.models import Cohort
from app.projects.models import Pole
from app.projects.models import Project
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of
from app.workflow.engine import status_label

#: Projects read per round trip: small enough to stream, large enough to keep statements few.
CHUNK = 1000


class RosterRow(NamedTuple):
    """A project's row (a tuple: 50,000 of them are built for one export)."""

    project_id: int
    name: str
    pole: str
    path: str
    stage: str
    status: str
    days_in_stage: int
    founders: tuple[str, ...]
    mentors: tuple[str, ...]
    cohort: str | None
    label: str | None
    #: When the latest advice session was held (UTC).
    last_session: dt.datetime | None
    #: When the open check-in is due (UTC).
    next_checkin: dt.datetime | None
    #: The granted financing, in dirhams where rates allow.
    funding: money.Totals


def iter_roster(session: Session, projects: Select, *, now: dt.datetime, chunk: int = CHUNK) -> Iterator[RosterRow]:
    """The rows of the projects `projects` selects (a `select(Project)`, filtered and sorted), in its order."""
    ids = list(session.scalars(projects.with_only_columns(Project.id)))
    book = cluster_queries.rate_book(session)
    labels = _Labels(session)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        # The session's identity map holds rows weakly: a chunk's projects go once its rows are written.
        yield from _rows(session, part, now=now, book=book, labels=labels)


def _rows(session: Session, ids: list[int], *, now: dt.datetime, book: money.RateBook,
          labels: _Labels) -> Iterator[RosterRow]:
    dialect = session.get_bind().dialect.name

    def of_chunk(column):
        return among(column, ids, dialect)

    # Plain columns, not ORM objects: no identity map, no lazy load of the pole or cohort per project.
    found = {row.id: row for row in session.execute(
        select(Project.id, Project.name, Project.pole_key, Project.workflow_key, Project.stage,
               Project.status, Project.stage_entered_at, Cohort.name.label("cohort"))
        .outerjoin(Cohort, Cohort.id == Project.cohort_id)
        .where(of_chunk(Project.id)))}
    founders = _names(session, select(ProjectMember.project_id, User.name).join(User)
                      .where(of_chunk(ProjectMember.project_id)).order_by(User.name))
    mentors = _names(session, select(MentorAssignment.project_id, User.name)
                     .join(User, User.id == MentorAssignment.mentor_id)
                     .where(of_chunk(MentorAssignment.project_id), MentorAssignment.ended_at.is_(None))
                     .order_by(User.name))
    sessions = dict(session.execute(select(AdviceSession.project_id, func.max(AdviceSession.held_at))
                                    .where(of_chunk(AdviceSession.project_id))
                                    .group_by(AdviceSession.project_id)).all())
    checkins = dict(session.execute(select(CheckIn.project_id, CheckIn.due_at)
                                    .where(of_chunk(CheckIn.project_id), CheckIn.status.in_(OPEN_STATUSES))).all())
    numbers = dict(session.execute(select(Label.project_id, Label.number)
                                   .where(of_chunk(Label.project_id))).all())
    granted = cluster_queries.granted_amounts(session, ids)
    for project_id in ids:
        p = found.get(project_id)
        if p is None:  # deleted since the ids were read
            continue
        yield RosterRow(
            project_id=p.id, name=p.name, pole=labels.poles.get(p.pole_key, p.pole_key),
            path=labels.path(p.workflow_key),
            stage=labels.stage(p.workflow_key, p.stage), status=labels.status(p.status),
            days_in_stage=max((now - p.stage_entered_at).days, 0),
            founders=tuple(founders.get(p.id, ())), mentors=tuple(mentors.get(p.id, ())),
            cohort=p.cohort, label=numbers.get(p.id),
            last_session=sessions.get(p.id), next_checkin=checkins.get(p.id),
            funding=money.total(granted.get(p.id, ()), book))


def _names(session: Session, stmt: Select) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for project_id, name in session.execute(stmt):
        names[project_id].append(name)
    return names


class _Labels:
    """Poles', paths', stages' and statuses' labels in the current language (each looked up once)."""

    def __init__(self, session: Session) -> None:
        self.catalog = catalog_of(session)
        self.poles = {pole.key: pole.name for pole in session.scalars(select(Pole))}
        self._paths: dict[str, str] = {}
        self._stages: dict[tuple[str, str], str] = {}
        self._statuses: dict[str, str] = {}

    def status(self, status: str) -> str:
        if status not in self._statuses:
            self._statuses[status] = status_label(status)
        return self._statuses[status]

    def path(self, workflow: str) -> str:
        if workflow not in self._paths:
            try:
                self._paths[workflow] = self.catalog.latest(workflow).label
            except (KeyError, NotFound):
                self._paths[workflow] = workflow
        return self._paths[workflow]

    def stage(self, workflow: str, stage: str) -> str:
        key = (workflow, stage)
        if key not in self._stages:
            try:
                self._stages[key] = self.catalog.latest(workflow).stage(stage).label
            except (KeyError, NotFound):
                self._stages[key] = stage
        return self._stages[key]
