"""`PATCH /users/{id}`, `/invitations` and a project's `/members`: people and teams.

Rights are the people area's predicates (`app.people.permissions`), enforced by its services; an
invitation is made and sent alike whether or not its address has an account, so the answer
never tells an inviter who is registered.
"""

from __future__ import annotations

import datetime as dt

from flask import abort
from flask_babel import gettext as _

from app.api import bp
from app.api import people_schemas as schemas
from app.api.auth import authenticated
from app.api.auth import config
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.auth import roles
from app.api.params import query_args
from app.api.schemas import PersonRef
from app.api.schemas import UserOut
from app.api.spec import doc
from app.api.users import user_out
from app.auth.models import User
from app.core.locale import select_locale
from app.core.time import utcnow
from app.extensions import db
from app.notifications import outbox
from app.people import permissions
from app.people import queries
from app.people import services
from app.people.models import Invitation
from app.people.notify import send_invitation
from app.projects import queries as project_queries
from app.projects import services as project_services


def invitation_out(invitation: Invitation, now: dt.datetime | None = None) -> dict:
    inviter = invitation.invited_by
    return schemas.InvitationOut(
        id=invitation.id, email=invitation.email, role=invitation.role, expires_at=invitation.expires_at,
        project_id=invitation.project_id, status=invitation.status(now or utcnow()),
        invited_by=PersonRef(id=inviter.id, name=inviter.name) if inviter else None,
        created_at=invitation.created_at, sent_at=invitation.sent_at, resent_count=invitation.resent_count,
        locale=invitation.locale, accepted_at=invitation.accepted_at, revoked_at=invitation.revoked_at,
    ).model_dump(mode="json")


def _ttl() -> dt.timedelta:
    return dt.timedelta(days=config("INVITATION_TTL_DAYS"))


@bp.patch("/users/<int:user_id>")
@doc("Change an account's role or deactivate / reactivate it (within the caller's rights)",
     body=schemas.UserPatchIn, response=UserOut, errors=(403, 404), tag="auth")
@roles("manager")
def update_user(user_id: int):
    data = json_body(schemas.UserPatchIn)
    target = db.get_or_404(User, user_id)
    services.update_account(db.session, target, actor=current_user(), now=utcnow(), role=data.role,
                            active=data.active)
    db.session.commit()
    return user_out(target)


@bp.get("/invitations")
@doc("List invitations (managers), the latest sent first", list_response=schemas.InvitationPage, errors=(400, 403),
     query=schemas.InvitationListQuery, tag="people")
@roles("manager")
def list_invitations():
    args = query_args()
    now = utcnow()
    return paginated(queries.select_invitations(args.status, now, project_id=args.project_id),
                     lambda i: invitation_out(i, now))


@bp.post("/invitations")
@doc("Invite someone by email (managers, admins; founders to their project's team): the email carries a link "
     "to set a password", body=schemas.InvitationIn, response=schemas.InvitationOut, status=201,
     errors=(403, 404, 409, 429), tag="people")
@authenticated
def create_invitation():
    actor, now = current_user(), utcnow()
    if not (actor.is_manager or actor.role == "founder"):
        abort(403, _("Managers invite people; founders invite co-founders to their projects."))
    data = json_body(schemas.InvitationIn)
    project, relations = None, frozenset()
    if data.project_id is not None:
        project = project_queries.get_visible_project(db.session, data.project_id, actor)
        relations = project_queries.relations(db.session, project, actor)
    sent = services.create_invitation(db.session, actor=actor, email=data.email, role=data.role, project=project,
                                      relations=relations, locale=data.locale or select_locale() or "fr", now=now,
                                      ttl=_ttl())
    key = send_invitation(db.session, sent, now=now)
    db.session.commit()
    outbox.deliver_after_response([key])
    return invitation_out(sent.invitation, now), 201


def _handled(invitation_id: int) -> Invitation:
    """The invitation if the caller may re-send or revoke it; 404 when they may not even see it."""
    actor = current_user()
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404, _("No such invitation."))
    relations = frozenset()
    if invitation.project_id is not None:
        relations = project_queries.relations(
            db.session, project_queries.get_visible_project(db.session, invitation.project_id, actor), actor)
    if not permissions.can_handle_invitation(actor, invitation.role, invitation.project_id, relations):
        abort(403 if actor.is_manager or relations else 404, _("You may not change this invitation."))
    return invitation


@bp.delete("/invitations/<int:invitation_id>")
@doc("Revoke an invitation: its link stops working", status=204, errors=(403, 404, 409), tag="people")
@authenticated
def revoke_invitation(invitation_id: int):
    services.revoke_invitation(db.session, _handled(invitation_id), now=utcnow())
    db.session.commit()
    return "", 204


@bp.post("/invitations/<int:invitation_id>/resend")
@doc("Send an invitation again with a new link (the earlier one stops working) and a new expiry",
     response=schemas.InvitationOut, errors=(403, 404, 409, 429), tag="people")
@authenticated
def resend_invitation(invitation_id: int):
    invitation, now = _handled(invitation_id), utcnow()
    sent = services.resend_invitation(db.session, invitation, actor=current_user(), now=now, ttl=_ttl())
    key = send_invitation(db.session, sent, now=now)
    db.session.commit()
    outbox.deliver_after_response([key])
    return invitation_out(invitation, now)


@bp.post("/projects/<int:project_id>/members")
@doc("Add an existing founder account to the project's team (managers)", body=schemas.MemberIn,
     response=PersonRef, status=201, errors=(403, 404), tag="projects")
@roles("manager")
def add_member(project_id: int):
    data = json_body(schemas.MemberIn)
    project = project_queries.get_visible_project(db.session, project_id, current_user())
    user = db.session.get(User, data.user_id)
    if user is None:
        abort(404, _("No such user."))
    project_services.add_member(db.session, project, user, now=utcnow())
    db.session.commit()
    return PersonRef(id=user.id, name=user.name).model_dump(mode="json"), 201


@bp.delete("/projects/<int:project_id>/members/<int:user_id>")
@doc("Take a member off the project's team (managers); the last founder stays (422 `last_founder`)",
     status=204, errors=(403, 404, 422), tag="projects")
@roles("manager")
def remove_member(project_id: int, user_id: int):
    project = project_queries.get_visible_project(db.session, project_id, current_user())
    services.remove_member(db.session, project, user_id, now=utcnow())
    db.session.commit()
    return "", 204
