"""Writes on projects: create, edit, tick deliverables, fire workflow events, migrate.

Services add and flush, never commit: the boundary (view, API, CLI) commits once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.core.errors import ConcurrentEdit
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.projects import hooks
from app.projects import permissions
from app.projects import queries
from app.projects.models import Cohort
from app.projects.models import DeliverableState
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of
from app.workflow.definition import FINAL_STATUSES
from app.workflow.definition import WorkflowDefinition
from app.workflow.engine import EventOption
from app.workflow.guards import GuardContext

NAME_MAX = 200
SUMMARY_MAX = 5000
COMMENT_MAX = 5000
NOTE_MAX = 2000


class ProjectFlow:
    """The engine's view of a project: its stage is the machine's `state`."""

    def __init__(self, project: Project) -> None:
        self._project = project

    @property
    def state(self) -> str:
        return self._project.stage

    @state.setter
    def state(self, value: str) -> None:
        self._project.stage = value

    @property
    def status(self) -> str:
        return self._project.status

    @status.setter
    def status(self, value: str) -> None:
        self._project.status = value


@dataclass(frozen=True)
class ProjectDetails:
    """Data fields of a project, checked before any write."""

    name: str
    summary: str
    pole: str


def definition_of(session: Session, project: Project) -> WorkflowDefinition:
    """Return the exact workflow version the project follows."""
    return catalog_of(session).version(session, project.workflow_key, project.workflow_version)


def guard_context(session: Session, project: Project, definition: WorkflowDefinition, *,
                  done: dict[str, DeliverableState] | None = None,
                  assignments: list | None = None) -> GuardContext:
    """Snapshot what the guards need to judge the project now (from `done` and `assignments` when
    the caller has just read them: the project's deliverable rows and active assignments)."""
    stage = definition.stage(project.stage)
    if done is None:
        done = queries.done_deliverables(session, project, project.stage)
    if assignments is None:
        assignments = hooks.list_assignments(session, project)
    mentors = [a for a in assignments if a.stage == project.stage]
    return GuardContext(
        stage=stage,
        status=project.status,
        done_deliverables=frozenset(k for k, row in done.items() if row.is_done),
        gate_approved=project.gate_decision == "go",
        mentor_count=len(mentors),
        review_pending=project.review_requested_at is not None,
    )


def event_options(session: Session, project: Project, user: User) -> list[EventOption]:
    """The events `user` could fire on `project` now, with the reasons blocked ones are."""
    definition = definition_of(session, project)
    rel = queries.relations(session, project, user)
    return catalog_of(session).engine(definition).options(guard_context(session, project, definition), rel)


def check_details(session: Session, name: str, summary: str, pole: str) -> ProjectDetails:
    """Validate project fields; raise `ValidationFailed` naming each bad field."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    summary = (summary or "").strip()
    if not name:
        errors["name"] = [_l("A name is required.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_l("At most %(n)s characters.", n=NAME_MAX)]
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = [_l("At most %(n)s characters.", n=SUMMARY_MAX)]
    if queries.get_pole(session, pole or "") is None:
        errors["pole"] = [_l("Unknown pole “%(pole)s”.", pole=pole)]
    if errors:
        raise ValidationFailed(_l("The project has invalid fields."), **errors)
    return ProjectDetails(name, summary, pole)


@dataclass(frozen=True)
class Placement:
    """A project that starts further along its path than the first stage, placed there by a
    decision (a call's label): the stage, the history event recording the move, and its comment."""

    stage: str
    event: str
    comment: str = ""
    #: The cohort the project joins (a call's cohort), when it is one of the project's workflow.
    cohort_id: int | None = None


def create_project(session: Session, *, name: str, summary: str, pole: str, workflow: str | None,
                   default_workflow: str, actor: User, now: dt.datetime, members: Sequence[int] = (),
                   comment: str = "", placement: Placement | None = None) -> Project:
    """Create a project at the first stage of its workflow, or at `placement`'s stage (a stage of
    that workflow, the move written in its history); a founder creator and `members` (user ids)
    join its team. The one way projects come to be (the project form, the API, a call's label)."""
    if not permissions.can_create_project(actor):
        raise Forbidden(_l("Only founders and managers create projects."))
    details = check_details(session, name, summary, pole)
    try:
        definition = catalog_of(session).latest(workflow or default_workflow)
    except NotFound as exc:
        raise ValidationFailed(exc.message, workflow=[exc.message]) from None
    stage = _starting_stage(definition, placement)
    catalog_of(session).record(session, definition)
    cohort = queries.get_cohort(session, placement.cohort_id) if placement and placement.cohort_id else None
    project = Project(
        name=details.name, summary=details.summary, pole_key=details.pole,
        workflow_key=definition.key, workflow_version=definition.version,
        stage=stage, status="active", stage_entered_at=now, created_at=now,
        updated_at=now, created_by_id=actor.id,
        # A cohort of another path (its workflow changed since the call named it) is not joined.
        cohort=cohort if cohort is not None and cohort.workflow_key == definition.key else None,
    )
    session.add(project)
    team = [actor.id] if actor.role == "founder" else []
    for user_id in [*team, *(m for m in dict.fromkeys(members) if m not in team)]:
        project.members.append(ProjectMember(user_id=user_id, joined_at=now))
    session.flush()
    session.add(ProjectEvent(project_id=project.id, event="create", from_stage=None, to_stage=definition.initial,
                             from_status=None, to_status="active", actor_id=actor.id, at=now, comment=comment))
    if placement is not None and stage != definition.initial:
        session.add(ProjectEvent(project_id=project.id, event=placement.event, from_stage=definition.initial,
                                 to_stage=stage, from_status="active", to_status="active", actor_id=actor.id,
                                 at=now, comment=placement.comment))
    session.flush()
    return project


def _starting_stage(definition: WorkflowDefinition, placement: Placement | None) -> str:
    """The workflow's first stage, or the placement's when the workflow (still) has it."""
    if placement is None:
        return definition.initial
    if not definition.has_stage(placement.stage):
        message = str(_l("The path “%(workflow)s” no longer has the stage “%(stage)s”.", workflow=definition.key,
                         stage=placement.stage))
        raise ValidationFailed(message, stage=[message])
    return placement.stage


def check_version(project: Project, version: int | None) -> None:
    """Refuse a write based on an older read of the project."""
    if version is not None and version != project.version:
        raise ConcurrentEdit(_l(
        "This project was changed by someone else (version %(current)s, yours %(yours)s). "
        "Reload it and try again.", current=project.version, yours=version))


def flush_project(session: Session) -> None:
    """Flush, turning a lost optimistic-lock race into `ConcurrentEdit`."""
    try:
        session.flush()
    except StaleDataError:
        raise ConcurrentEdit(_l("This project was changed by someone else. Reload it and try again.")) from None


class Keep:
    """The type of `KEEP`: an argument left as the project has it."""


#: `update_project(cohort_id=KEEP)`: the project stays in its cohort (None takes it out of any).
KEEP = Keep()


def update_project(session: Session, project: Project, *, version: int, actor: User, now: dt.datetime,
                   name: str | None = None, summary: str | None = None, pole: str | None = None,
                   cohort_id: int | None | Keep = KEEP) -> Project:
    """Edit a project's details (members and managers) and its cohort (managers)."""
    relations = queries.relations(session, project, actor)
    if not permissions.can_edit(relations):
        raise Forbidden(_l("Only the project's team and managers edit it."))
    check_version(project, version)
    cohort = project.cohort if isinstance(cohort_id, Keep) else check_cohort(session, project, cohort_id, relations)
    details = check_details(
        session,
        project.name if name is None else name,
        project.summary if summary is None else summary,
        project.pole_key if pole is None else pole,
    )
    project.name, project.summary, project.pole_key = details.name, details.summary, details.pole
    project.cohort = cohort
    project.updated_at = now
    flush_project(session)
    return project


def check_cohort(session: Session, project: Project, cohort_id: int | None, relations: frozenset[str]) -> Cohort | None:
    """The cohort `project` may be put in: managers choose it, among the cohorts of its workflow
    (None: no cohort). Sending the cohort it already has is no change, whoever sends it."""
    if cohort_id == project.cohort_id:
        return project.cohort
    if not permissions.can_set_cohort(relations):
        raise Forbidden(_l("Only managers put a project in a cohort."))
    if cohort_id is None:
        return None
    cohort = queries.get_cohort(session, cohort_id)
    if cohort is None:
        message = _l("No such cohort.")
    elif cohort.workflow_key != project.workflow_key:
        message = _l("The cohort “%(cohort)s” follows another path than this project.", cohort=cohort.name)
    else:
        return cohort
    raise ValidationFailed(_l("The project has invalid fields."), cohort_id=[message])


def set_deliverable(session: Session, project: Project, key: str, *, done: bool, actor: User, now: dt.datetime,
                    note: str | None = None, version: int | None = None) -> DeliverableState:
    """Tick or untick a deliverable of the project's current stage."""
    if not permissions.can_edit(queries.relations(session, project, actor)):
        raise Forbidden(_l("Only the project's team and managers tick deliverables."))
    check_version(project, version)
    definition = definition_of(session, project)
    if definition.stage(project.stage).deliverable(key) is None:
        raise NotFound(_l("Stage “%(stage)s” has no deliverable “%(key)s”.",
                          stage=definition.stage(project.stage).label, key=key))
    if project.status in FINAL_STATUSES:
        raise ValidationFailed(_l("The project is closed."), done=[_l("The project is closed.")])
    if note is not None and len(note) > NOTE_MAX:
        raise ValidationFailed(_l("The note is too long."),
                               note=[_l("At most %(n)s characters.", n=NOTE_MAX)])
    row = queries.done_deliverables(session, project, project.stage).get(key)
    if row is None:
        row = DeliverableState(project_id=project.id, stage=project.stage, key=key, is_done=False)
        session.add(row)
    if bool(row.is_done) != done:  # ticking what is ticked changes nothing worth a history line
        record_history(session, project, "deliverable_done" if done else "deliverable_undone", actor=actor,
                       now=now, subject=key)
    row.is_done = done
    if note is not None:
        row.note = note.strip()
    row.updated_at, row.updated_by_id = now, actor.id
    # Ticking changes what the gates see: bump the project's version so a concurrent event
    # decided on the old state is refused (flagged, so it bumps even when `now` is unchanged).
    project.updated_at = now
    flag_modified(project, "updated_at")
    flush_project(session)
    return row


def record_history(session: Session, project: Project, event: str, *, actor: User, now: dt.datetime,
                   subject: str | None = None, comment: str = "") -> ProjectEvent:
    """Write a history line about the project that moves neither its stage nor its status (a
    deliverable ticked, evidence attached): `subject` names what it is about."""
    record = ProjectEvent(project_id=project.id, event=event, from_stage=project.stage, to_stage=project.stage,
                          from_status=project.status, to_status=project.status, actor_id=actor.id,
                          comment=comment[:COMMENT_MAX], subject=subject, at=now)
    session.add(record)
    return record


def fire_event(session: Session, project: Project, event_name: str, *, actor: User, now: dt.datetime,
               version: int | None, comment: str = "", override: bool = False) -> ProjectEvent:
    """Fire a workflow event on the project, recording it in the history.

    :raises ConcurrentEdit: `version` is stale, or another write won the race.
    :raises TransitionNotAllowed: a role, status, stage or gate rule refuses it (with reasons).
    """
    check_version(project, version)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_l("The comment is too long."),
                               comment=[_l("At most %(n)s characters.", n=COMMENT_MAX)])
    definition = definition_of(session, project)
    engine = catalog_of(session).engine(definition)
    ctx = guard_context(session, project, definition)
    roles = queries.relations(session, project, actor)
    from_stage, from_status = project.stage, project.status
    event = engine.fire(ProjectFlow(project), event_name, ctx, roles, override=override, comment=comment)
    record = ProjectEvent(
        project_id=project.id, event=event.name, from_stage=from_stage, to_stage=project.stage,
        from_status=from_status, to_status=project.status, actor_id=actor.id, comment=comment,
        is_override=bool(override and engine.gate_reasons(event, ctx)), at=now,
    )
    session.add(record)
    stage_changed = project.stage != from_stage
    if event.gate_decision:
        project.gate_decision = event.gate_decision
        _close_review_request(project)  # a decision answers the pending request, whatever it is
    if stage_changed:
        _start_stage(project, now)
    project.updated_at = now
    flag_modified(project, "updated_at")  # an event that changes no column (a second approval) still bumps
    # Every change to the project goes out in this one flush: one UPDATE, one version bump, and a
    # lost race surfaces here as ConcurrentEdit (not as a StaleDataError from a later autoflush).
    flush_project(session)
    if event.requests_review:
        # The request's history row exists now: the project points at it (a second, small UPDATE).
        project.review_requested_at, project.review_request_event_id = now, record.id
        flush_project(session)
    if event.gate_decision:
        _record_gate_decision(session, project, record, event.gate_decision, ctx, from_stage, actor, now)
    if stage_changed:
        _end_assignments(session, project, now, "stage_change")
    elif project.status in FINAL_STATUSES:
        _end_assignments(session, project, now, "project_closed")
    hooks.event_fired(session, hooks.EventFired(project, from_stage=from_stage, from_status=from_status, now=now))
    session.flush()
    return record


def _record_gate_decision(session: Session, project: Project, record: ProjectEvent, decision: str,
                          ctx: GuardContext, stage: str, actor: User, now: dt.datetime) -> None:
    done = {d.key: d.key in ctx.done_deliverables for d in ctx.stage.deliverables}
    seen = [{"id": e.id, "deliverable": e.deliverable_key, "kind": e.kind, "name": e.name}
            for rows in queries.list_evidence(session, project, stage).values() for e in rows]
    session.add(GateDecision(project_id=project.id, event_id=record.id, stage=stage, decision=decision,
                             decider_id=actor.id, rationale=record.comment, deliverables=done,
                             evidence=sorted(seen, key=lambda e: e["id"]), decided_at=now))


def _start_stage(project: Project, now: dt.datetime) -> None:
    """A new stage starts now, with no gate decision and no review request."""
    project.stage_entered_at = now
    project.gate_decision = None
    _close_review_request(project)


def _close_review_request(project: Project) -> None:
    project.review_requested_at = project.review_request_event_id = None


def _enter_stage(session: Session, project: Project, now: dt.datetime) -> None:
    """A new stage starts with no gate decision and no mentor: stage assignments end."""
    _start_stage(project, now)
    _end_assignments(session, project, now, "stage_change")


def _end_assignments(session: Session, project: Project, now: dt.datetime, reason: str) -> None:
    """The stage's mentors stop here (mentoring ends its assignments: `hooks.end_assignments`)."""
    hooks.end_assignments(session, project, now, reason)


def migrate_workflow(session: Session, key: str, to_version: int, mapping: dict[str, str], *,
                     actor: User | None, now: dt.datetime) -> int:
    """Move every open project of workflow `key` to version `to_version`.

    A project's stage maps through `mapping`, or to the stage of the same name in the target.
    Nothing moves unless every project's stage has somewhere to go.

    :returns: how many projects moved.
    """
    target = catalog_of(session).version(session, key, to_version)
    projects = list(session.scalars(
        select(Project).where(Project.workflow_key == key, Project.workflow_version != to_version,
                              Project.status.not_in(FINAL_STATUSES)).order_by(Project.id)
    ))
    unmapped = sorted({p.stage for p in projects if not target.has_stage(mapping.get(p.stage, p.stage))})
    if unmapped:
        raise ValidationFailed(_l(
        "No stage of %(key)s version %(version)s for: %(stages)s. Map each one with --map OLD=NEW.",
        key=key, version=to_version, stages=", ".join(unmapped)), mapping=unmapped)
    # Recorded only once the move is sure: on SQLite the savepoint inside `record` commits at once.
    catalog_of(session).record(session, target)
    for project in projects:
        new_stage = mapping.get(project.stage, project.stage)
        session.add(ProjectEvent(
            project_id=project.id, event="migrate_workflow", from_stage=project.stage, to_stage=new_stage,
            from_status=project.status, to_status=project.status, actor_id=actor.id if actor else None,
            comment=f"{key} v{project.workflow_version} → v{to_version}", at=now))
        if new_stage != project.stage:
            project.stage = new_stage
            _enter_stage(session, project, now)
        project.workflow_version = to_version
        project.updated_at = now
    flush_project(session)
    return len(projects)


class LastFounder(ValidationFailed):
    """Removing this member would leave the project without a founder."""

    code = "last_founder"


def add_member(session: Session, project: Project, user: User, *, now: dt.datetime) -> ProjectMember | None:
    """Put a founder on the project's team; None when they already are on it.

    An applicant joining a team becomes a founder, as when a call labels their application.

    :raises ValidationFailed: the account is not a founder's (nor an applicant's) or is deactivated.
    """
    if user.role not in ("founder", "applicant") or not user.is_active:
        message = _l("Only active founder accounts join a project's team.")
        raise ValidationFailed(message, user_id=[message])
    if queries.is_member(session, project, user):
        return None
    user.role = "founder"
    member = ProjectMember(project_id=project.id, user_id=user.id, joined_at=now)
    session.add(member)
    session.flush()
    session.expire(project, ["members"])
    return member


def remove_member(session: Session, project: Project, user_id: int) -> None:
    """Take a person off the project's team; the last founder stays.

    The project row is locked first (PostgreSQL), so two removals at once cannot both see a
    second founder and leave none.

    :raises NotFound: the person is not on the team.
    :raises LastFounder: they are its only founder.
    """
    session.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    members = session.scalars(select(ProjectMember).where(ProjectMember.project_id == project.id)).all()
    member = next((m for m in members if m.user_id == user_id), None)
    if member is None:
        raise NotFound(_l("This person is not on the project's team."))
    if len(members) <= 1:
        raise LastFounder(_l("The last founder of a project cannot be removed: add another founder first."),
                          user_id=[_l("The project's last founder.")])
    session.delete(member)
    session.flush()
    session.expire(project, ["members"])
