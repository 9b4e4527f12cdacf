"""Reads about check-ins, scoped to who is asking."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.checkins.models import OPEN_STATUSES
from app.checkins.models import CheckIn
from app.projects.models import Project
from app.projects.models import ProjectMember
from app.projects.queries import visible_to


def select_checkins(user: User, *, project_id: int | None = None, mentor_id: int | None = None,
                    status: str | None = None) -> Select:
    """Check-ins of the projects `user` sees, soonest first (their project is loaded with them)."""
    stmt = (select(CheckIn).join(Project, Project.id == CheckIn.project_id).where(visible_to(user))
            .order_by(CheckIn.due_at, CheckIn.id))
    if project_id is not None:
        stmt = stmt.where(CheckIn.project_id == project_id)
    if mentor_id is not None:
        stmt = stmt.where(CheckIn.mentor_id == mentor_id)
    if status:
        stmt = stmt.where(CheckIn.status == status)
    return stmt


def select_calendar(user: User) -> Select:
    """The check-ins on a user's calendar: as the mentor, or as a founder of the project."""
    is_member = (select(ProjectMember.user_id).where(ProjectMember.project_id == CheckIn.project_id,
                                                     ProjectMember.user_id == user.id).exists())
    return (select(CheckIn).where(or_(CheckIn.mentor_id == user.id, is_member))
            .order_by(CheckIn.due_at, CheckIn.id))


def next_checkins(session: Session, project_ids: list[int]) -> dict[int, CheckIn]:
    """project id → its open check-in."""
    if not project_ids:
        return {}
    rows = session.scalars(select(CheckIn).where(CheckIn.project_id.in_(project_ids),
                                                 CheckIn.status.in_(OPEN_STATUSES)))
    return {c.project_id: c for c in rows}
