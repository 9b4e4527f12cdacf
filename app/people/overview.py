"""What the project page shows about its team: the founders, pending invitations, who may act."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth.models import User
from app.people import permissions
from app.people import queries
from app.people.models import Invitation
from app.projects.models import Project


@dataclass(frozen=True)
class MembersPanel:
    """The overview's team card: founders, the pending invitations (for those who may invite)."""

    members: list[User]
    invitations: list[Invitation]
    can_invite: bool
    can_manage: bool


def build_members(session: Session, project: Project, user: User, relations: frozenset[str],
                  now: dt.datetime) -> MembersPanel:
    """The team card of `project` as `user` sees it (a fixed number of statements)."""
    can_invite = permissions.can_invite_to_team(user, relations) and project.status in ("active", "on_hold")
    return MembersPanel(
        members=[m.user for m in project.members],
        invitations=queries.list_team_invitations(session, project, now) if can_invite else [],
        can_invite=can_invite, can_manage=permissions.can_manage_team(user),
    )
