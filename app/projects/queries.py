"""Reads about projects: lists scoped to the viewer, relations, history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.errors import NotFound
from app.core.i18n import _l
from app.projects import hooks
from app.projects.models import Cohort
from app.projects.models import DeliverableState
from app.projects.models import GateDecision
from app.projects.models import Pole
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember


@dataclass(frozen=True)
class ProjectFilters:
    stage: str | None = None
    pole: str | None = None
    status: str | None = None
    workflow: str | None = None
    q: str | None = None
    #: A cohort's id.
    cohort: int | None = None


def visible_to(user: User) -> ColumnElement[bool]:
    """SQL condition: the projects `user` may see (managers all, others their own, and those the
    other areas' rules open to them: assigned mentors, the pole's commission; see `hooks`)."""
    if user.is_manager:
        return true()
    is_member = exists().where(ProjectMember.project_id == Project.id, ProjectMember.user_id == user.id)
    return or_(is_member, *hooks.visibility_rules(user))


def select_projects(user: User, filters: ProjectFilters, sort: str = "-created") -> Select:
    """Build the statement listing the projects `user` sees, filtered and sorted."""
    stmt = select(Project).where(visible_to(user))
    if filters.stage:
        stmt = stmt.where(Project.stage == filters.stage)
    if filters.pole:
        stmt = stmt.where(Project.pole_key == filters.pole)
    if filters.status:
        stmt = stmt.where(Project.status == filters.status)
    if filters.workflow:
        stmt = stmt.where(Project.workflow_key == filters.workflow)
    if filters.cohort:
        stmt = stmt.where(Project.cohort_id == filters.cohort)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Project.name).like(pattern), func.lower(Project.summary).like(pattern)))
    return stmt.order_by(*SORTS.get(sort, SORTS["-created"]))


SORTS = {
    "name": (func.lower(Project.name), Project.id),
    "-name": (func.lower(Project.name).desc(), Project.id.desc()),
    "created": (Project.created_at, Project.id),
    "-created": (Project.created_at.desc(), Project.id.desc()),
    "stage_entered": (Project.stage_entered_at, Project.id),
    "-stage_entered": (Project.stage_entered_at.desc(), Project.id.desc()),
}


def get_visible_project(session: Session, project_id: int, user: User) -> Project:
    """Return the project if `user` may see it; unknown and hidden look the same (404)."""
    project = session.scalar(select(Project).where(Project.id == project_id, visible_to(user)))
    if project is None:
        raise NotFound(_l("No such project."))
    return project


def list_poles(session: Session) -> list[Pole]:
    return list(session.scalars(select(Pole).order_by(Pole.position, Pole.key)))


def get_pole(session: Session, key: str) -> Pole | None:
    return session.get(Pole, key)


def list_cohorts(session: Session, workflow: str | None = None) -> list[Cohort]:
    """Cohorts, the latest first (those of `workflow` only, if given): the choices of filters and forms."""
    stmt = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    if workflow is not None:
        stmt = stmt.where(Cohort.workflow_key == workflow)
    return list(session.scalars(stmt))


def get_cohort(session: Session, cohort_id: int) -> Cohort | None:
    return session.get(Cohort, cohort_id)


def is_member(session: Session, project: Project, user: User) -> bool:
    return session.get(ProjectMember, (project.id, user.id)) is not None


def done_deliverables(session: Session, project: Project, stage: str) -> dict[str, DeliverableState]:
    """The deliverable rows of a stage, by key."""
    rows = session.scalars(
        select(DeliverableState).where(DeliverableState.project_id == project.id, DeliverableState.stage == stage)
    )
    return {row.key: row for row in rows}


def select_history(project: Project) -> Select:
    """Statement listing a project's events, oldest first."""
    return select(ProjectEvent).where(ProjectEvent.project_id == project.id).order_by(ProjectEvent.id)


def list_history(session: Session, project: Project, latest: int | None = None) -> list[ProjectEvent]:
    """The project's events, oldest first; only the `latest` ones if given."""
    if latest is None:
        return list(session.scalars(select_history(project)))
    newest_first = select(ProjectEvent).where(ProjectEvent.project_id == project.id).order_by(ProjectEvent.id.desc())
    return list(reversed(session.scalars(newest_first.limit(latest)).all()))


def list_gate_decisions(session: Session, project: Project, limit: int | None = None) -> list[GateDecision]:
    """The project's gate decisions, newest first (the latest `limit` ones if given)."""
    return list(session.scalars(
        select(GateDecision).where(GateDecision.project_id == project.id).order_by(GateDecision.id.desc())
        .limit(limit)
    ))


def relations(session: Session, project: Project, user: User) -> frozenset[str]:
    """Return the roles `user` holds on `project`: member, assigned_mentor, manager (workflow
    roles) and commission (read-only: a member of the pole's commission)."""
    held: set[str] = set()
    if user.is_manager:
        held.add("manager")
    # One round trip for every link (every project page, answer and event asks for them): the
    # membership, and the roles other areas hold on projects (`hooks.holds_role`).
    others = hooks.role_conditions(project, user)
    member, *held_others = session.execute(select(
        exists().where(ProjectMember.project_id == project.id, ProjectMember.user_id == user.id),
        *others.values(),
    )).one()
    if member:
        held.add("member")
    held.update(role for role, holds in zip(others, held_others, strict=True) if holds)
    return frozenset(held)
