"""The scheduler's sweep: plan missing check-ins, move statuses on, send reminders once.

Every step is set-based and idempotent, and every "once" is decided by the database:
- planning inserts with ON CONFLICT DO NOTHING against the one-open-check-in-per-project index;
- a reminder or an escalation is *claimed* by an UPDATE … WHERE reminded_at IS NULL, and the
  claim commits in the same transaction as the queued messages (whose dedupe keys are unique).
So sweeps running at once in several processes, or a sweep after days of downtime, never plan
a check-in twice nor send a reminder twice. Each step flushes; the caller commits between
steps to keep transactions short.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.checkins.models import OPEN_STATUSES
from app.checkins.models import CheckIn
from app.core import changes
from app.core.bulk import claim
from app.core.bulk import insert_ignoring_conflicts
from app.mentoring.models import MentorAssignment
from app.notifications.services import Message
from app.projects.models import Project
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of

BATCH = 1000

#: (kind, recipient, params) → (subject, body), in the recipient's language and time zone.
Renderer = Callable[[str, User, dict], tuple[str, str]]


@dataclass(frozen=True)
class SweepSettings:
    #: A check-in is overdue this long after its time.
    grace: dt.timedelta = dt.timedelta(days=2)
    #: Reminders go out this long before a check-in.
    reminder_lead: dt.timedelta = dt.timedelta(days=1)
    base_url: str = "http://127.0.0.1:5000"


def cadence_table(session: Session) -> dict[tuple[str, int, str], int]:
    """(workflow, version, stage) → cadence in days, for every version projects follow."""
    table: dict[tuple[str, int, str], int] = {}
    pairs = session.execute(select(Project.workflow_key, Project.workflow_version).distinct()).all()
    for key, version in pairs:
        definition = catalog_of(session).version(session, key, version)
        for stage in definition.stages:
            if stage.checkin_every_days:
                table[(key, version, stage.name)] = stage.checkin_every_days
    return table


def plan_missing(session: Session, *, now: dt.datetime) -> int:
    """Plan a check-in for every active, mentored project that has none open; return how many."""
    cadences = cadence_table(session)
    mentor = (select(MentorAssignment.project_id, MentorAssignment.stage,
                     func.min(MentorAssignment.mentor_id).label("mentor_id"),
                     func.max(MentorAssignment.started_at).label("assigned_at"))
              .where(MentorAssignment.ended_at.is_(None))
              .group_by(MentorAssignment.project_id, MentorAssignment.stage).subquery())
    last_closed = (select(CheckIn.project_id, func.max(CheckIn.closed_at).label("closed_at"))
                   .where(CheckIn.closed_at.is_not(None)).group_by(CheckIn.project_id).subquery())
    has_open = (select(CheckIn.id).where(CheckIn.project_id == Project.id, CheckIn.status.in_(OPEN_STATUSES))
                .exists())
    stmt = (select(Project.id, Project.workflow_key, Project.workflow_version, Project.stage,
                   Project.stage_entered_at, mentor.c.mentor_id, mentor.c.assigned_at, last_closed.c.closed_at)
            .join(mentor, and_(mentor.c.project_id == Project.id, mentor.c.stage == Project.stage))
            .outerjoin(last_closed, last_closed.c.project_id == Project.id)
            .where(Project.status == "active", ~has_open)
            # One order for every sweep: concurrent sweeps then wait on each other's rows in the
            # same order (PostgreSQL), instead of deadlocking on rows taken in different orders.
            .order_by(Project.id))
    planned = 0
    rows = []
    for row in session.execute(stmt).yield_per(BATCH):
        days = cadences.get((row.workflow_key, row.workflow_version, row.stage))
        if days is None:
            continue
        base = max(d for d in (row.stage_entered_at, row.assigned_at, row.closed_at) if d is not None)
        rows.append({"project_id": row.id, "mentor_id": row.mentor_id, "stage": row.stage,
                     "due_at": base + dt.timedelta(days=days), "status": "scheduled", "sequence": 0,
                     "created_at": now, "updated_at": now})
        if len(rows) >= BATCH:
            planned += insert_ignoring_conflicts(session, CheckIn, rows)
            rows = []
    planned += insert_ignoring_conflicts(session, CheckIn, rows)
    return planned


def advance_statuses(session: Session, *, now: dt.datetime, grace: dt.timedelta) -> tuple[int, int]:
    """scheduled → due at their time; scheduled or due → overdue after the grace period."""
    late = session.execute(
        update(CheckIn).where(CheckIn.status.in_(("scheduled", "due")), CheckIn.due_at <= now - grace)
        .values(status="overdue", sequence=CheckIn.sequence + 1, updated_at=now)
        .returning(CheckIn.project_id).execution_options(synchronize_session=False)).scalars().all()
    changes.note_projects(session, late)  # their projects now have an overdue check-in
    overdue = len(late)
    due = session.execute(
        update(CheckIn).where(CheckIn.status == "scheduled", CheckIn.due_at <= now)
        .values(status="due", sequence=CheckIn.sequence + 1, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    return due, overdue


def claim_reminders(session: Session, *, now: dt.datetime, lead: dt.timedelta) -> list[CheckIn]:
    """Claim open check-ins whose reminder is due and not yet sent (a batch at a time)."""
    return claim(session, CheckIn, where=and_(CheckIn.status.in_(OPEN_STATUSES), CheckIn.due_at <= now + lead),
                 mark=CheckIn.reminded_at, now=now, order_by=(CheckIn.due_at, CheckIn.id), limit=BATCH)


def claim_escalations(session: Session, *, now: dt.datetime) -> list[CheckIn]:
    """Claim overdue check-ins not yet escalated to managers."""
    return claim(session, CheckIn, where=CheckIn.status == "overdue", mark=CheckIn.escalated_at, now=now,
                 order_by=(CheckIn.due_at, CheckIn.id), limit=BATCH)


@dataclass(frozen=True)
class _Context:
    """Projects, founders and mentors of a batch of check-ins, read in three queries."""

    projects: dict[int, Project]
    founders: dict[int, list[User]]
    mentors: dict[int, User]


def _context(session: Session, checkins: list[CheckIn]) -> _Context:
    project_ids = {c.project_id for c in checkins}
    projects = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(project_ids)))}
    founders: dict[int, list[User]] = defaultdict(list)
    for member in session.scalars(select(ProjectMember).where(ProjectMember.project_id.in_(project_ids))):
        founders[member.project_id].append(member.user)
    mentor_ids = {c.mentor_id for c in checkins if c.mentor_id}
    mentors = {u.id: u for u in session.scalars(select(User).where(User.id.in_(mentor_ids)))}
    return _Context(projects, founders, mentors)


def reminder_messages(session: Session, checkins: list[CheckIn], render: Renderer,
                      settings: SweepSettings) -> list[Message]:
    """One reminder per participant (mentor and founders) of each claimed check-in."""
    ctx = _context(session, checkins)
    messages = []
    for checkin in checkins:
        project = ctx.projects[checkin.project_id]
        link = f"{settings.base_url}/projects/{project.id}"
        mentor = ctx.mentors.get(checkin.mentor_id)
        people = list(ctx.founders[project.id]) + ([mentor] if mentor else [])
        for user in people:
            params = {"project": project.name, "due_at": checkin.due_at.isoformat(), "checkin_id": checkin.id,
                      "mentor": mentor.name if mentor else ""}
            subject, body = render("checkin_reminder", user, {**params, "link": link})
            messages.append(Message(user=user, kind="checkin_reminder", params=params, link=f"/projects/{project.id}",
                                    dedupe_key=f"checkin:{checkin.id}:reminder:{user.id}", subject=subject,
                                    body=body))
    return messages


def escalation_messages(session: Session, checkins: list[CheckIn], render: Renderer,
                        settings: SweepSettings) -> list[Message]:
    """One digest per manager listing the check-ins that became overdue in this claim."""
    if not checkins:
        return []
    ctx = _context(session, checkins)
    managers = list(session.scalars(select(User).where(User.role.in_(("manager", "admin")),
                                                       User.is_disabled.is_(False))))
    items = [{"project": ctx.projects[c.project_id].name, "project_id": c.project_id,
              "due_at": c.due_at.isoformat(),
              "mentor": ctx.mentors[c.mentor_id].name if c.mentor_id in ctx.mentors else ""} for c in checkins]
    first = min(c.id for c in checkins)
    messages = []
    for manager in managers:
        params = {"count": len(items), "items": items[:50]}
        subject, body = render("checkin_overdue", manager, {**params, "link": f"{settings.base_url}/checkins"})
        messages.append(Message(user=manager, kind="checkin_overdue", params=params, link="/checkins",
                                dedupe_key=f"escalation:{first}:{len(items)}:{manager.id}", subject=subject,
                                body=body))
    return messages
