"""Reads about projects: lists scoped to the viewer, relations, history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.core import changes
from app.core import statements
from app.core.bounds import DB_INT_MAX
from app.core.errors import NotFound
from app.core.i18n import _l
from app.projects import hooks
from app.projects.models import Cohort
from app.projects.models import DeliverableEvidence
from app.projects.models import DeliverableState
from app.projects.models import GateDecision
from app.projects.models import PipelineCount
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


def count_projects(session: Session, user: User, filters: ProjectFilters) -> int | None:
    """How many projects `select_projects(user, filters)` lists, from the pipeline's counters (a
    sum over groups, whatever the number of projects) when they can say: a manager's list without
    a text search. None otherwise: count the statement."""
    if not user.is_manager or filters.q or (filters.cohort and abs(filters.cohort) > DB_INT_MAX):
        return None
    changes.catch_up(session)
    stmt = select(func.coalesce(func.sum(PipelineCount.n), 0))
    for column, value in ((PipelineCount.stage, filters.stage), (PipelineCount.pole_key, filters.pole),
                          (PipelineCount.status, filters.status), (PipelineCount.workflow_key, filters.workflow),
                          (PipelineCount.cohort_id, filters.cohort)):
        if value:
            stmt = stmt.where(column == value)
    return int(session.scalar(stmt))


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
    if user.is_manager:  # every project: one statement, built once
        stmt = statements.kept("projects.get", lambda: select(Project).where(Project.id == bindparam("project_id")))
        project = session.scalar(stmt, {"project_id": project_id})
    else:
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
    stmt = statements.kept("projects.deliverables", lambda: select(DeliverableState).where(
        DeliverableState.project_id == bindparam("project_id"), DeliverableState.stage == bindparam("stage")))
    rows = session.scalars(stmt, {"project_id": project.id, "stage": stage})
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


def _relations_statement(rules: tuple[tuple[str, hooks.RoleCondition], ...]) -> Select:
    link = hooks.LINK
    return select(exists().where(ProjectMember.project_id == link.project_id, ProjectMember.user_id == link.user_id),
                  *(condition(link) for _role, condition in rules))


def relations(session: Session, project: Project, user: User) -> frozenset[str]:
    """Return the roles `user` holds on `project`: member, assigned_mentor, manager (workflow
    roles) and commission (read-only: a member of the pole's commission)."""
    held: set[str] = set()
    if user.is_manager:
        held.add("manager")
    # One round trip for every link (every project page, answer and event asks for them), built
    # once: the membership, and the roles other areas hold on projects (`hooks.holds_role`).
    rules = hooks.role_rules()
    stmt = statements.kept(("projects.relations", rules), lambda: _relations_statement(rules))
    member, *held_others = session.execute(stmt, hooks.link_values(project, user)).one()
    if member:
        held.add("member")
    held.update(role for (role, _condition), holds in zip(rules, held_others, strict=True) if holds)
    return frozenset(held)


def list_evidence(session: Session, project: Project, stage: str) -> dict[str, list[DeliverableEvidence]]:
    """The evidence of a stage's deliverables, by deliverable key, oldest first."""
    stmt = statements.kept("projects.evidence", lambda: (
        select(DeliverableEvidence)
        .where(DeliverableEvidence.project_id == bindparam("project_id"),
               DeliverableEvidence.stage == bindparam("stage"))
        .order_by(DeliverableEvidence.id)))
    rows = session.scalars(stmt, {"project_id": project.id, "stage": stage})
    found: dict[str, list[DeliverableEvidence]] = {}
    for row in rows:
        found.setdefault(row.deliverable_key, []).append(row)
    return found


def get_evidence(session: Session, project: Project, evidence_id: int) -> DeliverableEvidence:
    """One piece of the project's evidence (404 when it belongs to another project)."""
    row = session.get(DeliverableEvidence, evidence_id)
    if row is None or row.project_id != project.id:
        raise NotFound(_l("No such evidence."))
    return row


def evidence_was_seen(session: Session, evidence: DeliverableEvidence) -> bool:
    """True when a gate decision of its stage was taken since it was added: it is kept as seen."""
    return bool(session.scalar(select(exists().where(
        GateDecision.project_id == evidence.project_id, GateDecision.stage == evidence.stage,
        GateDecision.decided_at >= evidence.added_at,
    ))))


@dataclass(frozen=True)
class PendingReview:
    """A gate review a project's team asked for, still waiting for a decision."""

    project_id: int
    project_name: str
    workflow: str
    stage: str
    requested_at: dt.datetime
    #: The history row of the request (`project_events.id`).
    event_id: int
    requested_by: User | None
    comment: str


def pending_review_requests(session: Session, *, viewer: User | None = None,
                            project_ids: list[int] | None = None, limit: int | None = None) -> list[PendingReview]:
    """The gate reviews asked for and not yet decided, oldest request first: one statement.

    A request is pending from its `requests_review` event (the workflow's `request_review`) until
    the next gate decision of the stage or a stage change (see `services.fire_event`).

    :param viewer: only the projects this person sees (`visible_to`); None: every project.
    :param project_ids: only these projects.
    """
    request = aliased(ProjectEvent)
    stmt = (select(Project.id, Project.name, Project.workflow_key, Project.stage, Project.review_requested_at,
                   request.id, request.comment, User)
            .join(request, request.id == Project.review_request_event_id)
            .outerjoin(User, User.id == request.actor_id)
            .where(Project.review_requested_at.is_not(None))
            .order_by(Project.review_requested_at, Project.id))
    if viewer is not None:
        stmt = stmt.where(visible_to(viewer))
    if project_ids is not None:
        stmt = stmt.where(Project.id.in_(project_ids))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [PendingReview(project_id=pid, project_name=name, workflow=workflow, stage=stage, requested_at=at,
                          event_id=event_id, requested_by=user, comment=comment)
            for pid, name, workflow, stage, at, event_id, comment, user in session.execute(stmt)]


def get_review_request(session: Session, project: Project) -> ProjectEvent | None:
    """The history row of the project's pending review request, if one is pending."""
    if project.review_request_event_id is None:
        return None
    return session.get(ProjectEvent, project.review_request_event_id)


def list_notice_recipients(session: Session, project: Project, roles: tuple[str, ...], *,
                           exclude: int | None = None) -> list[User]:
    """The active people holding `roles` on the project (a workflow event's `notifies.roles`):
    `member` its founders, `assigned_mentor` the mentors of its current stage, `manager` every
    manager and admin; each once, without `exclude` (whoever fired the event)."""
    found: dict[int, User] = {}
    if "member" in roles:
        found.update((m.user.id, m.user) for m in project.members)
    if "assigned_mentor" in roles:
        found.update((a.mentor.id, a.mentor) for a in hooks.list_assignments(session, project)
                     if a.stage == project.stage)
    if "manager" in roles:
        found.update((u.id, u) for u in session.scalars(
            select(User).where(User.role.in_(("manager", "admin"))).order_by(User.id)))
    return [u for uid, u in sorted(found.items()) if uid != exclude and u.is_active]
