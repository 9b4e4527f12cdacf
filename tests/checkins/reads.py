"""Small reads the check-in tests share (rows as the database holds them now)."""

from __future__ import annotations

from sqlalchemy import select

from app.checkins.models import CheckIn
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail
from app.projects.models import Project


def open_checkin(session, project: Project) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(CheckIn.project_id == project.id,
                                                CheckIn.status.in_(("scheduled", "due", "overdue"))))


def checkins_of(session, project: Project) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(CheckIn.project_id == project.id).order_by(CheckIn.id)))


def emails(session, **where) -> list[OutgoingEmail]:
    stmt = select(OutgoingEmail).order_by(OutgoingEmail.id)
    for column, value in where.items():
        stmt = stmt.where(getattr(OutgoingEmail, column) == value)
    return list(session.scalars(stmt))


def notifications(session, **where) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    for column, value in where.items():
        stmt = stmt.where(getattr(Notification, column) == value)
    return list(session.scalars(stmt))
