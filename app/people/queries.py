"""Reads about people: the accounts list of the people page, invitations, a team's pending ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.people.models import Invitation
from app.projects.models import Project

#: The invitation statuses a list filters by.
INVITATION_STATUSES = ("pending", "expired", "accepted", "revoked")


@dataclass(frozen=True)
class PeopleFilters:
    role: str | None = None
    #: Part of a name or an email, any case.
    q: str | None = None
    #: `active` or `inactive`.
    status: str | None = None


def select_people(filters: PeopleFilters) -> Select:
    """Accounts by name, filtered by role, status and a search on name and email."""
    stmt = select(User).order_by(func.lower(User.name), User.id)
    if filters.role:
        stmt = stmt.where(User.role == filters.role)
    if filters.status == "active":
        stmt = stmt.where(User.is_disabled.is_(False))
    elif filters.status == "inactive":
        stmt = stmt.where(User.is_disabled.is_(True))
    if filters.q:
        needle = filters.q.strip()
        stmt = stmt.where(or_(User.name.icontains(needle, autoescape=True),
                              User.email.icontains(needle, autoescape=True)))
    return stmt


def status_condition(status: str | None, now: dt.datetime):
    """The SQL condition of an invitation status (None: every invitation)."""
    open_ = (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    if status == "pending":
        return (*open_, Invitation.expires_at > now)
    if status == "expired":
        return (*open_, Invitation.expires_at <= now)
    if status == "accepted":
        return (Invitation.accepted_at.is_not(None),)
    if status == "revoked":
        return (Invitation.revoked_at.is_not(None),)
    return ()


def select_invitations(status: str | None, now: dt.datetime, *, project_id: int | None = None) -> Select:
    """Invitations, the latest sent first, of one status (and one project's team) if given."""
    stmt = select(Invitation).where(*status_condition(status, now)).order_by(Invitation.sent_at.desc(),
                                                                             Invitation.id.desc())
    if project_id is not None:
        stmt = stmt.where(Invitation.project_id == project_id)
    return stmt


def list_team_invitations(session: Session, project: Project, now: dt.datetime) -> list[Invitation]:
    """The pending invitations to `project`'s team."""
    return list(session.scalars(select_invitations("pending", now, project_id=project.id)))


def project_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Names of the projects invitations name, in one query."""
    if not ids:
        return {}
    return dict(session.execute(select(Project.id, Project.name).where(Project.id.in_(ids))).all())


def founder_by_email(session: Session, email: str) -> User | None:
    """A founder (or applicant) account with this address, for a manager adding it to a team."""
    return session.scalar(select(User).where(User.email == email.strip().lower(),
                                             User.role.in_(("founder", "applicant"))))
