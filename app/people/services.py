"""Writes on people: accounts' roles and activity, invitations, and joining a team by invitation.

Services add and flush, never commit: the boundary (page, API) commits once. Nothing here tells
an inviter whether an address already has an account: an invitation is made and sent alike, and
only the person who follows the link learns which page they land on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import ROLES
from app.auth.models import ApiToken
from app.auth.models import User
from app.auth.models import UserSession
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import TooManyRequests
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.people import permissions
from app.people.models import INVITED_ROLES
from app.people.models import Invitation
from app.projects import services as project_services
from app.projects.models import Project
from app.projects.models import ProjectMember

#: How long an invitation's link works (re-sending it starts again).
INVITATION_TTL = dt.timedelta(days=7)
#: Founders send at most this many invitations (and re-sends) a day: a team is a few people, and
#: nobody should use the cluster's mail to flood a mailbox.
FOUNDER_DAILY_INVITATIONS = 10
#: A founder re-sends one invitation at most once in this time: a re-send reuses its invitation's
#: row, so the daily cap alone would let one address be emailed again and again.
FOUNDER_RESEND_INTERVAL = dt.timedelta(days=1)
LOCALES = auth_services.LOCALES


class TooManyInvitations(TooManyRequests):
    """A founder past the daily cap of invitations (429)."""

    code = "too_many_invitations"


class InvitationInvalid(ValidationFailed):
    """The link is unknown, or its invitation was revoked, accepted or has expired (`reason`)."""

    code = "invitation_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(_l("This invitation can no longer be used."))
        #: `unknown`, `revoked`, `accepted` or `expired`: the page says which.
        self.reason = reason


# Accounts -------------------------------------------------------------------------------------


def update_account(session: Session, target: User, *, actor: User, now: dt.datetime, role: str | None = None,
                   active: bool | None = None) -> User:
    """Change `target`'s role and whether it is active, within `actor`'s rights.

    A deactivated account keeps its history; its web sessions and API tokens end at once (they
    do not come back when it is reactivated) and it cannot sign in until it is reactivated.

    :raises ValidationFailed: an unknown role, or the actor deactivating or demoting themselves.
    :raises Forbidden: the target's role, or the role given, is an admin's business.
    """
    field = "role" if role is not None else "active"
    if role is not None and role not in ROLES:
        raise ValidationFailed(_l("Unknown role “%(role)s”.", role=role),
                               role=[_l("Choose one of: %(roles)s.", roles=", ".join(ROLES))])
    if actor.id == target.id:
        if active is False:
            message = _l("You cannot deactivate your own account.")
            raise ValidationFailed(message, active=[message])
        if role is not None and role != target.role:
            message = _l("You cannot change your own role.")
            raise ValidationFailed(message, role=[message])
        return target
    if not permissions.can_manage_account(actor, target):
        message = _l("Only admins manage the accounts of managers and admins.")
        raise Forbidden(message, **{field: [message]})
    if role is not None and role != target.role and not permissions.can_grant_role(actor, role):
        message = _l("Only admins grant the role “%(role)s”.", role=role)
        raise Forbidden(message, role=[message])
    if role is not None and role != target.role:
        _check_leaves_no_team(session, target, role)
        target.role = role
        # Pending invitations to a role the account may no longer give stop working.
        _revoke_pending(session, Invitation.invited_by_id == target.id, Invitation.project_id.is_(None),
                        Invitation.role.not_in(permissions.invitable_roles(target)), now=now)
    if active is True:
        target.is_disabled = False
    elif active is False and not target.is_disabled:
        end_access(session, target, now=now)
    session.flush()
    return target


def _check_leaves_no_team(session: Session, user: User, role: str) -> None:
    """A team is made of founders: someone on a team stays a founder until taken off it."""
    if role == "founder":
        return
    teams = session.scalar(select(func.count()).select_from(ProjectMember).where(ProjectMember.user_id == user.id))
    if teams:
        message = _l("%(name)s is on the team of %(n)s project(s): take them off the team first.",
                     name=user.name, n=teams)
        raise ValidationFailed(message, role=[message])


def end_access(session: Session, user: User, *, now: dt.datetime) -> None:
    """Deactivate `user`: their web sessions and API tokens stop at once (their history stays)."""
    user.is_disabled = True
    user.session_epoch += 1  # every signed-in browser stops at its next request
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))
    # An invitation grants what its sender could grant: it must not outlive the sender's access
    # (an admin deactivated today must not make an admin next week through a pending link).
    _revoke_pending(session, Invitation.invited_by_id == user.id, now=now)


def remove_member(session: Session, project: Project, user_id: int, *, now: dt.datetime) -> None:
    """Take a founder off the project's team (see `projects.services.remove_member`); the invitations
    to the team they sent and nobody accepted yet stop working with their place on it."""
    project_services.remove_member(session, project, user_id)
    _revoke_pending(session, Invitation.invited_by_id == user_id, Invitation.project_id == project.id, now=now)


def _revoke_pending(session: Session, *conditions, now: dt.datetime) -> None:
    session.execute(update(Invitation).where(*conditions, Invitation.accepted_at.is_(None),
                                             Invitation.revoked_at.is_(None))
                    .values(revoked_at=now).execution_options(synchronize_session=False))


# Invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """An invitation to email, with the link's secret (shown only in the email)."""

    invitation: Invitation
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(session: Session, *, actor: User, email: str, role: str, now: dt.datetime,
                      project: Project | None = None, relations: frozenset[str] = frozenset(),
                      locale: str = "fr", ttl: dt.timedelta = INVITATION_TTL) -> Sent:
    """Invite `email` to Parcours with `role`, or to `project`'s team as a founder.

    Managers invite founders and mentors, admins every role; founders invite co-founders to a
    project of theirs (`relations`: the actor's relations to `project`).

    :raises ValidationFailed: a malformed email, an unknown language, a team invitation not for a founder.
    :raises Forbidden: the role or the team is not the actor's to invite to.
    :raises Conflict: a pending invitation for this address (and team) exists: re-send it instead.
    :raises TooManyInvitations: a founder past the daily cap.
    """
    address = auth_services.normalise_email(email)
    if locale not in LOCALES:
        raise ValidationFailed(_l("Unknown language."), locale=[_l("Choose one of: %(locales)s.",
                                                                   locales=", ".join(LOCALES))])
    _check_role(actor, role, project, relations)
    _check_cap(session, actor, now)
    pending = session.scalar(select(Invitation.id).where(
        Invitation.email == address, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
        Invitation.project_id.is_(None) if project is None else Invitation.project_id == project.id).limit(1))
    if pending is not None:
        message = _l("%(email)s already has a pending invitation: re-send it instead.", email=address)
        raise Conflict(message, email=[message])
    token = secrets.token_urlsafe(32)
    invitation = Invitation(email=address, role=role, project_id=project.id if project else None,
                            invited_by_id=actor.id, locale=locale, token_hash=_digest(token), created_at=now,
                            sent_at=now, expires_at=now + ttl, resent_count=0)
    session.add(invitation)
    session.flush()
    return Sent(invitation, token)


def _check_role(actor: User, role: str, project: Project | None, relations: frozenset[str]) -> None:
    if role not in INVITED_ROLES:
        raise ValidationFailed(_l("Unknown role “%(role)s”.", role=role),
                               role=[_l("Choose one of: %(roles)s.", roles=", ".join(INVITED_ROLES))])
    if project is not None:
        if not permissions.can_invite_to_team(actor, relations):
            message = _l("Only the project's founders and managers invite people to its team.")
            raise Forbidden(message, project_id=[message])
        if role != "founder":
            message = _l("A project's team is made of founders: invite a founder.")
            raise ValidationFailed(message, role=[message])
        return
    if actor.role == "founder":
        message = _l("Founders invite co-founders to one of their projects: choose the project.")
        raise ValidationFailed(message, project_id=[message])
    if role not in permissions.invitable_roles(actor):
        message = _l("You may not invite people as “%(role)s”.", role=role)
        raise Forbidden(message, role=[message])


def _check_cap(session: Session, actor: User, now: dt.datetime) -> None:
    if actor.is_manager:
        return
    recent = session.scalar(select(func.count(Invitation.id)).where(
        Invitation.invited_by_id == actor.id, Invitation.sent_at > now - dt.timedelta(days=1))) or 0
    if recent >= FOUNDER_DAILY_INVITATIONS:
        raise TooManyInvitations(_l("You sent %(n)s invitations in the last 24 hours: try again tomorrow.",
                                    n=FOUNDER_DAILY_INVITATIONS))


def resend_invitation(session: Session, invitation: Invitation, *, actor: User, now: dt.datetime,
                      ttl: dt.timedelta = INVITATION_TTL) -> Sent:
    """Email the invitation again with a new link (the earlier one stops working) and a new expiry.

    :raises Conflict: it was accepted or revoked.
    :raises TooManyInvitations: a founder past the daily cap, or re-sending within `FOUNDER_RESEND_INTERVAL`.
    """
    if invitation.status(now) in ("accepted", "revoked"):
        raise Conflict(_l("This invitation was accepted or revoked: it cannot be sent again."))
    if not actor.is_manager and invitation.sent_at > now - FOUNDER_RESEND_INTERVAL:
        raise TooManyInvitations(_l("This invitation was sent less than 24 hours ago: try again tomorrow."))
    _check_cap(session, actor, now)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _digest(token)
    invitation.expires_at = now + ttl
    invitation.sent_at = now
    invitation.resent_count += 1
    session.flush()
    return Sent(invitation, token)


def revoke_invitation(session: Session, invitation: Invitation, *, now: dt.datetime) -> Invitation:
    """Make the invitation's link stop working (revoking twice changes nothing).

    :raises Conflict: it was already accepted.
    """
    if invitation.accepted_at is not None:
        raise Conflict(_l("This invitation was already accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        session.flush()
    return invitation


def find_invitation(session: Session, token: str, *, now: dt.datetime) -> Invitation:
    """The usable invitation of a link.

    :raises InvitationInvalid: unknown, revoked, accepted or expired (its `reason` says which).
    """
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _digest(token or "")))
    if invitation is None:
        raise InvitationInvalid("unknown")
    status = invitation.status(now)
    if status != "pending":
        raise InvitationInvalid(status)
    return invitation


def account_for(session: Session, invitation: Invitation) -> User | None:
    """The account that already holds the invited address, if any (shown only to the link's holder)."""
    return session.scalar(select(User).where(User.email == invitation.email))


def _mark_accepted(session: Session, invitation: Invitation, user: User, *, now: dt.datetime) -> None:
    # Conditional: of two requests following the same link at once, exactly one wins.
    done = session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(accepted_at=now, accepted_by_id=user.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise InvitationInvalid("accepted")
    session.refresh(invitation)


def accept_invitation(session: Session, token: str, *, name: str, password: str,
                      now: dt.datetime, consent_notice: str | None = None) -> User:
    """Create the invited account (its address is proven by the link) and put it on the team.

    `consent_notice`: the version of the privacy notice the person accepted (law 09-08), kept with the time.

    :raises InvitationInvalid: the link no longer works.
    :raises ValidationFailed: a missing name or a short password (the link keeps working).
    :raises Conflict: an account holds the address (it joins with `join_with_account` instead).
    """
    invitation = find_invitation(session, token, now=now)
    user = auth_services.create_user(session, email=invitation.email, name=name, role=invitation.role,
                                     password=password, locale=invitation.locale, verified=True, now=now)
    if consent_notice:
        user.consented_at, user.consent_notice_version = now, consent_notice
    session.flush()
    _mark_accepted(session, invitation, user, now=now)
    _join_team(session, invitation, user, now=now)
    return user


def join_with_account(session: Session, token: str, user: User, *, now: dt.datetime) -> Invitation:
    """Accept the invitation with the signed-in account that holds its address (no second account).

    :raises InvitationInvalid: the link no longer works.
    :raises Forbidden: the signed-in account is not the invited address's.
    """
    invitation = find_invitation(session, token, now=now)
    if user.email != invitation.email:
        raise Forbidden(_l("This invitation was sent to another address: sign in with that account."))
    _mark_accepted(session, invitation, user, now=now)
    _join_team(session, invitation, user, now=now)
    return invitation


def _join_team(session: Session, invitation: Invitation, user: User, *, now: dt.datetime) -> None:
    if invitation.project_id is None:
        return
    project = session.get(Project, invitation.project_id)
    if project is not None:
        project_services.add_member(session, project, user, now=now)
