"""Reads about mentoring: mentor load, suggestions, sessions, mentees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.checkins.models import OPEN_STATUSES
from app.checkins.models import CheckIn
from app.core import statements
from app.core.errors import NotFound
from app.core.i18n import _l
from app.mentoring.models import ActionItem
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from app.mentoring.models import SessionRating
from app.projects.hooks import Link
from app.projects.models import Project

# The project's rules that mentoring contributes (subscribed in `app.areas`) --------------------


def list_active_assignments(session: Session, project: Project) -> list[MentorAssignment]:
    """The mentors currently assigned to the project, for its current stage."""
    stmt = statements.kept("mentoring.active_assignments", lambda: (
        select(MentorAssignment)
        .where(MentorAssignment.project_id == bindparam("project_id"), MentorAssignment.ended_at.is_(None))
        .order_by(MentorAssignment.started_at, MentorAssignment.id)))
    return list(session.scalars(stmt, {"project_id": project.id}))


def mentor_sees(user: User) -> ColumnElement[bool]:
    """SQL condition on `Project`: a mentor sees the projects they are assigned to."""
    return exists().where(
        MentorAssignment.project_id == Project.id,
        MentorAssignment.mentor_id == user.id,
        MentorAssignment.ended_at.is_(None),
    )


def is_assigned_mentor(link: Link) -> ColumnElement[bool]:
    """SQL condition: the link's user mentors its project at its current stage (the workflow's
    `assigned_mentor`)."""
    return exists().where(
        MentorAssignment.project_id == link.project_id,
        MentorAssignment.mentor_id == link.user_id,
        MentorAssignment.stage == link.stage,
        MentorAssignment.ended_at.is_(None),
    )


DEFAULT_CAPACITY = 5
#: A rating is revealed to the other side when both answered, or this long after the session.
RATING_REVEAL_AFTER = dt.timedelta(days=14)


@dataclass(frozen=True)
class MentorLoad:
    mentor: User
    poles: list[str]
    stages: list[str]
    capacity: int
    languages: list[str]
    bio: str
    active: int
    average_rating: float | None
    ratings: int
    #: Readiness dimensions the mentor is strong in.
    dimensions: tuple[str, ...] = ()

    @property
    def free(self) -> int:
        return max(self.capacity - self.active, 0)


def active_counts() -> Select:
    """mentor_id → number of active assignments."""
    return (select(MentorAssignment.mentor_id, func.count(MentorAssignment.id).label("active"))
            .where(MentorAssignment.ended_at.is_(None)).group_by(MentorAssignment.mentor_id))


def founder_ratings() -> Select:
    """mentor_id → average and count of the founders' ratings of their sessions."""
    return (select(AdviceSession.mentor_id, func.avg(SessionRating.usefulness).label("average"),
                   func.count(SessionRating.id).label("ratings"))
            .join(SessionRating, SessionRating.session_id == AdviceSession.id)
            .where(SessionRating.side == "founder").group_by(AdviceSession.mentor_id))


def select_mentor_ids(q: str | None = None) -> Select:
    """Ids of the active mentors in `list_mentors`' order (by name), those whose name contains `q` if given:
    one page of them is what `/mentors` loads in full (a national cluster has thousands)."""
    stmt = select(User.id).where(User.role == "mentor", User.is_disabled.is_(False)).order_by(User.name, User.id)
    if q:
        stmt = stmt.where(User.name.icontains(q.strip(), autoescape=True))
    return stmt


def list_mentors(session: Session, mentor_ids: list[int] | None = None) -> list[MentorLoad]:
    """Every active mentor with profile, current load and average rating, by name (3 queries)."""
    stmt = select(User).where(User.role == "mentor", User.is_disabled.is_(False)).order_by(User.name, User.id)
    if mentor_ids is not None:
        stmt = stmt.where(User.id.in_(mentor_ids))
    mentors = list(session.scalars(stmt))
    ids = [m.id for m in mentors]
    profiles = {p.user_id: p for p in session.scalars(select(MentorProfile).where(MentorProfile.user_id.in_(ids)))}
    counts = dict(session.execute(active_counts().where(MentorAssignment.mentor_id.in_(ids))).all())
    ratings = {row.mentor_id: row for row in session.execute(founder_ratings().where(AdviceSession.mentor_id.in_(ids)))}
    loads = []
    for mentor in mentors:
        profile = profiles.get(mentor.id)
        rating = ratings.get(mentor.id)
        loads.append(MentorLoad(
            mentor=mentor, poles=list(profile.poles) if profile else [], stages=list(profile.stages) if profile else [],
            capacity=profile.capacity if profile else DEFAULT_CAPACITY,
            languages=list(profile.languages) if profile else [], bio=profile.bio if profile else "",
            active=counts.get(mentor.id, 0),
            average_rating=round(float(rating.average), 2) if rating else None,
            ratings=rating.ratings if rating else 0,
            dimensions=tuple(profile.dimensions or ()) if profile else (),
        ))
    return loads


@dataclass(frozen=True)
class MentorRef:
    """Enough of a mentor to rank them (`load.mentor.id`, `.name`) without loading the account."""

    id: int
    name: str


def list_mentor_fits(session: Session) -> list[MentorLoad]:
    """Every active mentor with what ranking reads (profile, current load), from one query of plain
    rows: no account loaded, no rating averaged. Suggestions shortlist from these, then load the
    shortlisted mentors in full with `list_mentors`."""
    active = active_counts().subquery()
    rows = session.execute(
        select(User.id, User.name, MentorProfile.user_id.label("profile"), MentorProfile.poles, MentorProfile.stages,
               MentorProfile.capacity, MentorProfile.dimensions, active.c.active)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .outerjoin(active, active.c.mentor_id == User.id)
        .where(User.role == "mentor", User.is_disabled.is_(False)))
    return [MentorLoad(mentor=MentorRef(r.id, r.name), poles=list(r.poles or ()), stages=list(r.stages or ()),
                       capacity=r.capacity if r.profile is not None else DEFAULT_CAPACITY, languages=[], bio="",
                       active=r.active or 0, average_rating=None, ratings=0, dimensions=tuple(r.dimensions or ()))
            for r in rows]


def get_mentor(session: Session, mentor_id: int) -> User:
    mentor = session.get(User, mentor_id)
    if mentor is None or mentor.role != "mentor":
        raise NotFound(_l("No such mentor."))
    return mentor


def get_assignment(session: Session, project: Project, assignment_id: int) -> MentorAssignment:
    assignment = session.get(MentorAssignment, assignment_id)
    if assignment is None or assignment.project_id != project.id:
        raise NotFound(_l("No such assignment on this project."))
    return assignment


def list_assignment_history(session: Session, project: Project) -> list[MentorAssignment]:
    """Every assignment of the project, current and ended, newest first."""
    return list(session.scalars(
        select(MentorAssignment).where(MentorAssignment.project_id == project.id)
        .order_by(MentorAssignment.started_at.desc(), MentorAssignment.id.desc())
    ))


def past_mentor_ids(session: Session, project: Project) -> set[int]:
    """Mentors who accompanied the project at an earlier stage (or earlier at this one)."""
    return set(session.scalars(
        select(MentorAssignment.mentor_id).where(MentorAssignment.project_id == project.id,
                                                 MentorAssignment.ended_at.is_not(None))
    ))


def select_sessions(project: Project) -> Select:
    """A project's advice sessions, newest first, with their action items and ratings loaded."""
    return (select(AdviceSession).where(AdviceSession.project_id == project.id)
            .options(selectinload(AdviceSession.action_items), selectinload(AdviceSession.ratings))
            .order_by(AdviceSession.held_at.desc(), AdviceSession.id.desc()))


def list_sessions(session: Session, project: Project, limit: int | None = None) -> list[AdviceSession]:
    """The project's sessions, newest first (the latest `limit` ones if given)."""
    return list(session.scalars(select_sessions(project).limit(limit)))


def get_session(session: Session, session_id: int) -> AdviceSession:
    found = session.get(AdviceSession, session_id)
    if found is None:
        raise NotFound(_l("No such session."))
    return found


def get_action_item(session: Session, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None:
        raise NotFound(_l("No such action item."))
    return item


def visible_ratings(advice_session: AdviceSession, viewer_side: str | None, *, now: dt.datetime,
                    is_manager: bool = False) -> list[SessionRating]:
    """The ratings `viewer_side` may read: their own side's always; the other side's once both
    sides answered or 14 days after the session; managers read all."""
    ratings = list(advice_session.ratings)
    if is_manager:
        return ratings
    sides = {r.side for r in ratings}
    revealed = sides >= {"founder", "mentor"} or now >= advice_session.held_at + RATING_REVEAL_AFTER
    return [r for r in ratings if r.side == viewer_side or (revealed and viewer_side is not None)]


@dataclass(frozen=True)
class Mentee:
    project: Project
    assignment: MentorAssignment
    open_items: int
    overdue_items: int
    next_checkin: CheckIn | None = None


def list_mentees(session: Session, mentor: User, *, today: dt.date) -> list[Mentee]:
    """The projects a mentor accompanies now, with open and overdue action items and the next check-in."""
    rows = session.execute(
        select(Project, MentorAssignment)
        .join(MentorAssignment, and_(MentorAssignment.project_id == Project.id, MentorAssignment.ended_at.is_(None)))
        .where(MentorAssignment.mentor_id == mentor.id)
        .order_by(Project.name, Project.id)
    ).all()
    ids = [p.id for p, _ in rows]
    counts = {
        row.project_id: row for row in session.execute(
            select(ActionItem.project_id, func.count(ActionItem.id).label("open"),
                   func.count(ActionItem.id).filter(ActionItem.due_on < today).label("overdue"))
            .where(ActionItem.project_id.in_(ids), ActionItem.is_done.is_(False))
            .group_by(ActionItem.project_id))
    }
    checkins = {c.project_id: c for c in session.scalars(
        select(CheckIn).where(CheckIn.project_id.in_(ids), CheckIn.status.in_(OPEN_STATUSES)))}
    return [Mentee(p, a, counts[p.id].open if p.id in counts else 0, counts[p.id].overdue if p.id in counts else 0,
                   checkins.get(p.id))
            for p, a in rows]


def select_projects_needing_mentor() -> Select:
    """Active projects with no mentor assigned for their current stage, longest waiting first."""
    has_mentor = (select(MentorAssignment.id)
                  .where(MentorAssignment.project_id == Project.id, MentorAssignment.stage == Project.stage,
                         MentorAssignment.ended_at.is_(None)).exists())
    return (select(Project).where(Project.status == "active", ~has_mentor)
            .order_by(Project.stage_entered_at, Project.id))


def count_projects_needing_mentor(session: Session) -> int:
    """How many projects `select_projects_needing_mentor` finds (a page shows the longest waiting of them)."""
    return session.scalar(select(func.count()).select_from(select_projects_needing_mentor().subquery())) or 0


def project_ratings(session: Session, project: Project) -> dict[str, tuple[float | None, int]]:
    """side → (average usefulness, count) over the project's sessions."""
    rows = session.execute(
        select(SessionRating.side, func.avg(SessionRating.usefulness), func.count(SessionRating.id))
        .join(AdviceSession, AdviceSession.id == SessionRating.session_id)
        .where(AdviceSession.project_id == project.id).group_by(SessionRating.side)
    ).all()
    return {side: (round(float(avg), 2) if avg is not None else None, n) for side, avg, n in rows}


def select_open_action_items(*, owner_id: int | None = None, mentor_id: int | None = None,
                             due_by: dt.date | None = None) -> Select:
    """Open action items with their project's name, the soonest due first: those `owner_id` owns,
    or those on the projects `mentor_id` mentors now; only those due by `due_by` if given."""
    stmt = (select(ActionItem.id, ActionItem.title, ActionItem.due_on, ActionItem.created_at, ActionItem.project_id,
                   Project.name.label("project_name"))
            .join(Project, Project.id == ActionItem.project_id).where(ActionItem.is_done.is_(False)))
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if mentor_id is not None:
        stmt = stmt.where(exists().where(MentorAssignment.project_id == ActionItem.project_id,
                                         MentorAssignment.mentor_id == mentor_id, MentorAssignment.ended_at.is_(None)))
    if due_by is not None:
        stmt = stmt.where(ActionItem.due_on <= due_by)
    return stmt.order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
