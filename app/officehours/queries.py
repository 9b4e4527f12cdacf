"""Reads about office hours, scoped to who is asking."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.errors import NotFound
from app.core.i18n import _l
from app.mentoring.models import MentorAssignment
from app.officehours.models import Booking
from app.officehours.models import MentorAvailability
from app.projects.models import Project
from app.projects.models import ProjectMember


def get_availability(session: Session, mentor_id: int) -> MentorAvailability | None:
    return session.get(MentorAvailability, mentor_id)


def get_mentor(session: Session, mentor_id: int) -> User:
    """The active mentor `mentor_id`, or NotFound."""
    mentor = session.get(User, mentor_id)
    if mentor is None or mentor.role != "mentor":
        raise NotFound(_l("No such mentor."))
    return mentor


def get_booking(session: Session, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise NotFound(_l("No such booking."))
    return booking


def _member(user_id: int):
    return exists().where(ProjectMember.project_id == Booking.project_id, ProjectMember.user_id == user_id)


def sees_booking(user: User):
    """SQL condition on `Booking`: managers see all; the mentor and the project's founders theirs."""
    if user.is_manager:
        return Booking.id.is_not(None)
    return or_(Booking.mentor_id == user.id, _member(user.id))


def select_bookings(user: User, *, mentor_id: int | None = None, project_id: int | None = None,
                    status: str | None = None, since: dt.datetime | None = None,
                    newest_first: bool = False) -> Select:
    """Bookings `user` may see, soonest first (or latest first), with optional filters."""
    stmt = select(Booking).where(sees_booking(user))
    if mentor_id is not None:
        stmt = stmt.where(Booking.mentor_id == mentor_id)
    if project_id is not None:
        stmt = stmt.where(Booking.project_id == project_id)
    if status:
        stmt = stmt.where(Booking.status == status)
    if since is not None:
        stmt = stmt.where(Booking.ends_at >= since)
    order = (Booking.starts_at.desc(), Booking.id.desc()) if newest_first else (Booking.starts_at, Booking.id)
    return stmt.order_by(*order)


def stage_mentors(session: Session, project: Project) -> list[User]:
    """The mentors assigned to the project at its current stage (whose slots its founders may book)."""
    return list(session.scalars(
        select(User).join(MentorAssignment, MentorAssignment.mentor_id == User.id)
        .where(MentorAssignment.project_id == project.id, MentorAssignment.stage == project.stage,
               MentorAssignment.ended_at.is_(None), User.is_disabled.is_(False))
        .order_by(User.name, User.id).distinct()))


def mentors_projects(session: Session, mentor_id: int) -> Select:
    """Projects whose current stage `mentor_id` is assigned to (active assignments)."""
    return (select(Project.id).join(MentorAssignment, MentorAssignment.project_id == Project.id)
            .where(MentorAssignment.mentor_id == mentor_id, MentorAssignment.stage == Project.stage,
                   MentorAssignment.ended_at.is_(None)))


def can_see_slots(session: Session, user: User, mentor_id: int) -> bool:
    """Managers, the mentor, and founders of a project the mentor is assigned to at its current stage."""
    if user.is_manager or user.id == mentor_id:
        return True
    return bool(session.scalar(select(exists().where(
        ProjectMember.user_id == user.id, ProjectMember.project_id.in_(mentors_projects(session, mentor_id))))))


def active_between(session: Session, mentor_id: int, start: dt.datetime, end: dt.datetime) -> list[Booking]:
    """The mentor's active (not cancelled) bookings overlapping [start, end)."""
    return list(session.scalars(select(Booking).where(
        Booking.mentor_id == mentor_id, Booking.status != "cancelled", Booking.starts_at < end,
        Booking.ends_at > start).order_by(Booking.starts_at)))


def project_has_booked(project_id: int):
    return exists().where(Booking.project_id == project_id)
