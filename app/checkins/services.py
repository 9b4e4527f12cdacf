"""Keeping each project's next check-in planned as the project moves.

Project and mentoring services call these on every change that matters (a stage change,
hold, resume, close, a mentor assigned or removed, a session logged); the scheduler's sweep
is the safety net that plans whatever is still missing. At most one check-in per project is
open at a time: a partial unique index makes the database the arbiter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.checkins.labels import STATUS_LABELS
from app.checkins.models import OPEN_STATUSES
from app.checkins.models import CheckIn
from app.core import changes
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.mentoring import queries as mentoring_queries
from app.projects import hooks as project_hooks
from app.projects.models import Project
from app.workflow.catalog import catalog_of


def cadence(session: Session, project: Project) -> dt.timedelta | None:
    """The check-in interval of the project's current stage, or None when the stage has none."""
    definition = catalog_of(session).version(session, project.workflow_key, project.workflow_version)
    days = definition.stage(project.stage).checkin_every_days
    return dt.timedelta(days=days) if days else None


def open_checkin(session: Session, project: Project) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(CheckIn.project_id == project.id,
                                                CheckIn.status.in_(OPEN_STATUSES)))


def plan_next(session: Session, project: Project, *, base: dt.datetime, now: dt.datetime) -> CheckIn | None:
    """Plan the project's next check-in one cadence after `base`, if it needs one and has none."""
    if project.status != "active":
        return None
    every = cadence(session, project)
    mentors = [a for a in mentoring_queries.list_active_assignments(session, project) if a.stage == project.stage]
    if every is None or not mentors or open_checkin(session, project) is not None:
        return None
    checkin = CheckIn(project_id=project.id, mentor_id=mentors[0].mentor_id, stage=project.stage,
                      due_at=base + every, status="scheduled", created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(checkin)
    except IntegrityError:  # another transaction planned it first: theirs stands
        return open_checkin(session, project)
    return checkin


def cancel_open(session: Session, project: Project, *, now: dt.datetime, reason: str) -> None:
    """Cancel the project's open check-in (it stays listed, marked cancelled)."""
    changes.note_projects(session, [project.id])  # a set-based write: the read models hear it here
    session.execute(
        update(CheckIn)
        .where(CheckIn.project_id == project.id, CheckIn.status.in_(OPEN_STATUSES))
        .values(status="cancelled", closed_at=now, cancel_reason=reason, sequence=CheckIn.sequence + 1,
                updated_at=now)
        .execution_options(synchronize_session="fetch")
    )


def follow_project(session: Session, project: Project, *, from_stage: str, from_status: str,
                   now: dt.datetime) -> None:
    """Re-plan after a workflow event: a new stage or hold pauses, resume re-plans, closing cancels."""
    if project.stage != from_stage:
        cancel_open(session, project, now=now, reason="stage_change")
    elif project.status != from_status:
        if project.status == "active":
            plan_next(session, project, base=now, now=now)
        else:
            cancel_open(session, project, now=now, reason="hold" if project.status == "on_hold" else "closed")


def follow_event(session: Session, event: project_hooks.EventFired) -> None:
    """A workflow event was applied to a project (subscribed in `app.areas`)."""
    follow_project(session, event.project, from_stage=event.from_stage, from_status=event.from_status, now=event.now)


def after_assignment_change(session: Session, project: Project, *, now: dt.datetime) -> None:
    """A mentor was assigned or removed: plan a first check-in, or cancel when nobody is left."""
    mentors = [a for a in mentoring_queries.list_active_assignments(session, project) if a.stage == project.stage]
    if mentors:
        plan_next(session, project, base=now, now=now)
    else:
        cancel_open(session, project, now=now, reason="mentor_removed")


def resolve_for_session(session: Session, project: Project, checkin_id: int | None) -> CheckIn | None:
    """The check-in a new session fulfils: the one named, else the project's due or overdue one."""
    if checkin_id is None:
        found = open_checkin(session, project)
        return found if found is not None and found.status in ("due", "overdue") else None
    found = session.get(CheckIn, checkin_id)
    if found is None or found.project_id != project.id:
        raise ValidationFailed(_l("No such check-in on this project."),
                               checkin_id=[_l("No such check-in on this project.")])
    if not found.is_open:
        # "done" reads "effectué" in French, not the code; lazy too, so it is put into words with the sentence
        status = STATUS_LABELS.get(found.status, found.status)
        raise ValidationFailed(_l("This check-in is already %(status)s.", status=status),
                               checkin_id=[_l("Already closed.")])
    return found


def complete(session: Session, project: Project, checkin: CheckIn, *, held_at: dt.datetime,
             now: dt.datetime) -> None:
    """Mark a check-in done by a session, and plan the next one a cadence after the session."""
    checkin.status = "done"
    checkin.closed_at = now
    checkin.sequence += 1
    checkin.updated_at = now
    session.flush()
    plan_next(session, project, base=held_at, now=now)
