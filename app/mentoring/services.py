"""Writes in mentoring: profiles, assignments (capacity-safe), sessions, action items, ratings.

Services add and flush, never commit; the boundary commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.checkins import services as checkin_services
from app.core import changes
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.core.i18n import lazy_pgettext
from app.mentoring import permissions
from app.mentoring import queries
from app.mentoring.models import ActionItem
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from app.mentoring.models import SessionRating
from app.notifications import services as notifications
from app.notifications.services import Message
from app.projects import queries as project_queries
from app.projects.models import Project
from app.workflow.definition import FINAL_STATUSES

SUMMARY_MAX = 10_000
NOTES_MAX = 10_000
TITLE_MAX = 300
BIO_MAX = 2_000
RATING_COMMENT_MAX = 500
CAPACITY_MAX = 100
ACTION_ITEMS_MAX = 50


def ensure_profile(session: Session, mentor: User, *, lock: bool = False) -> MentorProfile:
    """Return the mentor's profile, creating the default one on first use."""
    stmt = select(MentorProfile).where(MentorProfile.user_id == mentor.id)
    if lock:
        stmt = stmt.with_for_update(of=MentorProfile)
    profile = session.scalar(stmt)
    if profile is not None:
        return profile
    try:
        with session.begin_nested():
            profile = MentorProfile(user_id=mentor.id, poles=[], stages=[], capacity=queries.DEFAULT_CAPACITY,
                                    languages=[], bio="", dimensions=[])
            session.add(profile)
    except IntegrityError:  # created concurrently: use theirs
        profile = session.scalar(stmt)
    return profile


def update_profile(session: Session, mentor: User, *, actor: User, now: dt.datetime, known_poles: set[str],
                   known_stages: set[str], poles: list[str] | None = None, stages: list[str] | None = None,
                   capacity: int | None = None, languages: list[str] | None = None,
                   bio: str | None = None, dimensions: list[str] | None = None,
                   known_dimensions: set[str] | None = None) -> MentorProfile:
    """Edit a mentor's profile (managers, or the mentor themself)."""
    if not permissions.can_edit_profile(actor, mentor.id):
        raise Forbidden(_l("You may only edit your own profile."))
    errors: dict[str, list[str]] = {}
    if poles is not None and set(poles) - known_poles:
        errors["poles"] = [_l("Unknown pole(s): %(keys)s.", keys=", ".join(sorted(set(poles) - known_poles)))]
    if stages is not None and set(stages) - known_stages:
        errors["stages"] = [_l("Unknown stage(s): %(keys)s.", keys=", ".join(sorted(set(stages) - known_stages)))]
    if dimensions is not None and set(dimensions) - (known_dimensions or set()):
        errors["dimensions"] = [_l("Unknown readiness dimension(s): %(keys)s.",
                                   keys=", ".join(sorted(set(dimensions) - (known_dimensions or set()))))]
    if capacity is not None and not 0 <= capacity <= CAPACITY_MAX:
        errors["capacity"] = [_l("Between 0 and %(n)s.", n=CAPACITY_MAX)]
    if bio is not None and len(bio) > BIO_MAX:
        errors["bio"] = [_l("At most %(n)s characters.", n=BIO_MAX)]
    if languages is not None and any(not lang.strip() or len(lang) > 32 for lang in languages):
        errors["languages"] = [_l("Each language is a short name, e.g. fr, en, ar.")]
    if errors:
        raise ValidationFailed(_l("The profile has invalid fields."), **errors)
    profile = ensure_profile(session, mentor)
    if poles is not None:
        profile.poles = sorted(set(poles))
    if stages is not None:
        profile.stages = sorted(set(stages))
    if dimensions is not None:
        profile.dimensions = sorted(set(dimensions))
    if capacity is not None:
        profile.capacity = capacity
    if languages is not None:
        profile.languages = [lang.strip() for lang in languages]
    if bio is not None:
        profile.bio = bio.strip()
    profile.updated_at = now
    _flush_profile(session)
    return profile


def _flush_profile(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_l("The mentor's profile or load changed at the same time. Try again.")) from None


def assign_mentor(session: Session, project: Project, mentor: User, *, actor: User, now: dt.datetime,
                  stage: str | None = None, override: bool = False) -> MentorAssignment:
    """Assign a mentor for the project's current stage, within their capacity unless overridden.

    The mentor's profile row is locked (PostgreSQL) and its version bumped (everywhere), so two
    managers taking the last free place at once cannot both succeed.
    """
    if not permissions.can_manage_assignments(actor):
        raise Forbidden(_l("Only managers assign mentors."))
    if project.status in FINAL_STATUSES:
        raise ValidationFailed(_l("The project is closed."), project=[_l("The project is closed.")])
    if stage is not None and stage != project.stage:
        message = str(_l("Only the current stage (%(stage)s) can be staffed.", stage=project.stage))
        raise ValidationFailed(_l("Mentors are assigned for the current stage."), stage=[message])
    if mentor.role != "mentor" or not mentor.is_active:
        raise ValidationFailed(_l("This person is not an active mentor."), mentor_id=[_l("Not a mentor.")])
    profile = ensure_profile(session, mentor, lock=True)
    if any(a.mentor_id == mentor.id and a.stage == project.stage
           for a in queries.list_active_assignments(session, project)):
        raise Conflict(_l("%(name)s is already assigned to this stage.", name=mentor.name))
    active = session.scalar(select(func.count(MentorAssignment.id)).where(
        MentorAssignment.mentor_id == mentor.id, MentorAssignment.ended_at.is_(None))) or 0
    over = active >= profile.capacity
    if over and not override:
        raise Conflict(_l(
        "%(name)s is at capacity (%(active)s of %(capacity)s mentees). A manager may override.",
        name=mentor.name, active=active, capacity=profile.capacity), mentor_id=[_l("At capacity.")])
    assignment = MentorAssignment(project_id=project.id, mentor_id=mentor.id, stage=project.stage,
                                  assigned_by_id=actor.id, started_at=now, is_over_capacity=over)
    session.add(assignment)
    profile.updated_at = now  # bumps the profile's version: the arbiter of concurrent assignments
    _flush_profile(session)
    checkin_services.after_assignment_change(session, project, now=now)
    _tell_assignment(session, project, assignment, "mentor_assigned", now=now)
    return assignment


def _tell_assignment(session: Session, project: Project, assignment: MentorAssignment, kind: str, *,
                     now: dt.datetime) -> None:
    """Tell the project's founders and the mentor that the mentoring began (`mentor_assigned`) or ended."""
    mentor = assignment.mentor or session.get(User, assignment.mentor_id)
    params = {"project": project.name, "project_id": project.id, "mentor": mentor.name, "mentor_id": mentor.id,
              "stage": assignment.stage}
    people = {m.user.id: m.user for m in project.members} | {mentor.id: mentor}
    notifications.queue(session, [
        Message(user=person, kind=kind, params=params, link=f"/projects/{project.id}",
                dedupe_key=f"assignment:{assignment.id}:{kind}:{person.id}") for person in people.values()
    ], now=now)


def end_assignment(session: Session, assignment: MentorAssignment, *, actor: User, now: dt.datetime) -> None:
    """End an assignment; it stays in the project's history."""
    if not permissions.can_manage_assignments(actor):
        raise Forbidden(_l("Only managers end assignments."))
    if assignment.ended_at is not None:
        raise Conflict(_l("This assignment has already ended."))
    assignment.ended_at = now
    assignment.end_reason = "removed"
    session.flush()
    project = session.get(Project, assignment.project_id)
    checkin_services.after_assignment_change(session, project, now=now)
    _tell_assignment(session, project, assignment, "mentor_ended", now=now)


@dataclass(frozen=True)
class ActionItemInput:
    title: str
    owner_id: int | None = None
    due_on: dt.date | None = None


def end_stage_assignments(session: Session, project: Project, now: dt.datetime, reason: str) -> None:
    """A stage (or the project) ends: so do its mentors' assignments (`reason` says which).

    On a stage change, a mentor whose profile covers the project's new stage (and its pole, when
    the profile names poles) carries over: a new assignment at the new stage continues the ended
    one (`carried_over_from_id`). It is not an over-capacity assignment whatever the mentor's
    load: one mentee's assignment ends as the other starts, so the load is unchanged. Other
    mentors stop, and the project is left without a mentor at its stage for a manager to staff."""
    changes.note_projects(session, [project.id])  # a set-based write: the read models hear it here
    # The UPDATE returns the assignments it ends: no SELECT of the active ones before it.
    ended = session.scalars(
        update(MentorAssignment)
        .where(MentorAssignment.project_id == project.id, MentorAssignment.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .returning(MentorAssignment)
        .execution_options(synchronize_session="fetch")
    ).all()
    # Oldest first, as `queries.list_active_assignments` lists them: a mentor twice carries the first.
    ending = sorted(ended, key=lambda a: (a.started_at, a.id)) if reason == "stage_change" else []
    carried: set[int] = set()
    for old in ending:
        if old.mentor_id in carried or not _covers(session, old.mentor_id, project):
            continue
        carried.add(old.mentor_id)
        session.add(MentorAssignment(project_id=project.id, mentor_id=old.mentor_id, stage=project.stage,
                                     assigned_by_id=None, started_at=now, is_over_capacity=False,
                                     carried_over_from_id=old.id))
    if carried:
        session.flush()


def _covers(session: Session, mentor_id: int, project: Project) -> bool:
    """The mentor is still an active mentor whose profile covers the project's stage and pole."""
    profile = session.get(MentorProfile, mentor_id)  # with its user, in one statement
    if profile is None or profile.user.role != "mentor" or not profile.user.is_active:
        return False
    return (project.stage in (profile.stages or [])
            and (not profile.poles or project.pole_key in profile.poles))


def log_session(session: Session, project: Project, *, actor: User, now: dt.datetime, held_at: dt.datetime,
                duration_minutes: int, summary: str, notes: str = "", checkin_id: int | None = None,
                action_items: list[ActionItemInput] | None = None) -> AdviceSession:
    """Record an advice session held by an assigned mentor, with its action items."""
    relations = project_queries.relations(session, project, actor)
    if not permissions.can_log_session(relations):
        raise Forbidden(_l("Only a mentor assigned to the project logs its sessions."))
    items = action_items or []
    allowed_owners = {m.user_id for m in project.members} | {actor.id}
    errors = _session_errors(held_at, duration_minutes, summary, notes, items, allowed_owners, now)
    if errors:
        raise ValidationFailed(_l("The session has invalid fields."), **errors)
    checkin = checkin_services.resolve_for_session(session, project, checkin_id)
    record = AdviceSession(project_id=project.id, mentor_id=actor.id, stage=project.stage, held_at=held_at,
                           duration_minutes=duration_minutes, summary=summary.strip(), notes=(notes or "").strip(),
                           checkin_id=checkin.id if checkin else None, created_at=now)
    record.action_items = [ActionItem(project_id=project.id, title=i.title.strip(), owner_id=i.owner_id,
                                      due_on=i.due_on, created_at=now) for i in items]
    session.add(record)
    session.flush()
    if checkin is not None:
        checkin_services.complete(session, project, checkin, held_at=held_at, now=now)
    _tell_session(session, project, record, mentor=actor, now=now)
    return record


def _tell_session(session: Session, project: Project, record: AdviceSession, *, mentor: User,
                  now: dt.datetime) -> None:
    """Tell the project's founders a session was logged, with its action items (never the mentor's notes)."""
    owners = {m.user.id: m.user.name for m in project.members} | {mentor.id: mentor.name}
    params = {"project": project.name, "project_id": project.id, "mentor": mentor.name,
              "session_id": record.id, "held_on": record.held_at.date().isoformat(),
              "summary": record.summary[:500],
              "actions": [{"title": i.title, "owner": owners.get(i.owner_id, ""),
                           "due_on": i.due_on.isoformat() if i.due_on else ""} for i in record.action_items]}
    notifications.queue(session, [
        Message(user=m.user, kind="session_logged", params=params, link=f"/projects/{project.id}/sessions",
                dedupe_key=f"session:{record.id}:logged:{m.user.id}") for m in project.members
    ], now=now)


#: A session's time may run a few minutes ahead of the server's clock (logged right after it), no more.
HELD_AT_SLACK = dt.timedelta(minutes=10)


def _session_errors(held_at: dt.datetime, duration: int, summary: str, notes: str, items: list[ActionItemInput],
                    allowed_owners: set[int], now: dt.datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if held_at.tzinfo is None:
        errors["held_at"] = [_l("Give a time zone (e.g. 2026-11-02T10:00:00+01:00).")]
    elif held_at > now + HELD_AT_SLACK:
        errors["held_at"] = [_l("A session is logged once it has been held, not in advance: this time is in "
                                "the future.")]
    if not 0 < duration <= 1440:
        errors["duration_minutes"] = [_l("Between 1 and 1440 minutes.")]
    if not summary.strip():
        errors["summary"] = [lazy_pgettext("advice session", "A summary is required.")]
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = [_l("At most %(n)s characters; nothing was cut.", n=SUMMARY_MAX)]
    if len(notes or "") > NOTES_MAX:
        errors["notes"] = [_l("At most %(n)s characters; nothing was cut.", n=NOTES_MAX)]
    if len(items) > ACTION_ITEMS_MAX:
        errors["action_items"] = [_l("At most %(n)s action items.", n=ACTION_ITEMS_MAX)]
    for i, item in enumerate(items):
        if not item.title.strip() or len(item.title) > TITLE_MAX:
            errors[f"action_items.{i}.title"] = [_l("A title of 1 to %(n)s characters.", n=TITLE_MAX)]
        if item.due_on is not None and held_at.tzinfo is not None and item.due_on < now.astimezone(
                held_at.tzinfo).date():
            errors[f"action_items.{i}.due_on"] = [_l("The due date is already past.")]
        if item.owner_id is not None and item.owner_id not in allowed_owners:
            errors[f"action_items.{i}.owner_id"] = [_l("The owner must be a founder of the project or you.")]
    return errors


def set_action_item(session: Session, item: ActionItem, *, done: bool, actor: User, relations: frozenset[str],
                    now: dt.datetime) -> ActionItem:
    """Tick or untick an action item."""
    if not permissions.can_tick_action_item(actor, relations, item.session):
        raise Forbidden(_l("You may not change this action item."))
    item.is_done = done
    item.done_at = now if done else None
    item.done_by_id = actor.id if done else None
    session.flush()
    return item


def rate_session(session: Session, advice_session: AdviceSession, *, actor: User, relations: frozenset[str],
                 usefulness: int, comment: str, now: dt.datetime) -> SessionRating:
    """Rate a session once, from the founder or the mentor side."""
    side = permissions.rating_side(actor, relations, advice_session)
    if side is None:
        raise Forbidden(_l("Only the session's mentor and the project's founders rate it."))
    errors: dict[str, list[str]] = {}
    if not 1 <= usefulness <= 5:
        errors["usefulness"] = [_l("From 1 (not useful) to 5 (very useful).")]
    if len(comment or "") > RATING_COMMENT_MAX:
        errors["comment"] = [_l("At most %(n)s characters.", n=RATING_COMMENT_MAX)]
    if errors:
        raise ValidationFailed(_l("The rating has invalid fields."), **errors)
    rating = SessionRating(session_id=advice_session.id, rater_id=actor.id, side=side, usefulness=usefulness,
                           comment=(comment or "").strip(), created_at=now)
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        raise Conflict(_l("You have already rated this session.")) from None
    return rating
