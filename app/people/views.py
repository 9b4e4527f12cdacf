"""People pages: the accounts list (roles, deactivation), invitations, accepting one, and a
project's team (invite co-founders, add or remove members)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from flask_login import login_required

from app.auth.decorators import role_required
from app.auth.models import ROLES
from app.auth.models import User
from app.auth.services import LOCALES
from app.auth.session import sign_in
from app.auth.session import sign_out
from app.core.forms import choices
from app.core.forms import one_write
from app.core.i18n import LANGUAGE_NAMES
from app.core.locale import note_user
from app.core.time import utcnow
from app.extensions import db
from app.notifications import outbox
from app.people import permissions
from app.people import queries
from app.people import services
from app.people.forms import AcceptForm
from app.people.forms import ActiveForm
from app.people.forms import AddMemberForm
from app.people.forms import ConfirmForm
from app.people.forms import InvitationForm
from app.people.forms import RoleForm
from app.people.forms import TeamInvitationForm
from app.people.models import Invitation
from app.people.notify import send_invitation
from app.people.overview import build_members
from app.projects import panels
from app.projects import queries as project_queries
from app.projects import services as project_services
from app.projects.access import load_visible

bp = Blueprint("people", __name__)
PER_PAGE = 20
LANGUAGES = tuple((code, LANGUAGE_NAMES[code]) for code in LOCALES)

panels.provide(bp, "members", lambda r: build_members(r.session, r.project, r.user, r.relations, r.now))


def _ttl() -> dt.timedelta:
    return dt.timedelta(days=current_app.config.get("INVITATION_TTL_DAYS", 7))


def _role_names() -> dict[str, str]:
    return {"applicant": _("applicant"), "founder": _("founder"), "mentor": _("mentor"), "manager": _("manager"),
            "admin": _("admin")}


def _flash_error(error) -> None:
    """A refusal as one flash: the field messages (they say what is at fault), else the message."""
    flash(" ".join(m for messages in error.field_errors().values() for m in messages) or error.text, "error")


def _default_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "fr")


# The people list ---------------------------------------------------------------------------------


@bp.get("/people")
@role_required("manager")
def index():
    args = request.args
    filters = queries.PeopleFilters(role=args.get("role") if args.get("role") in ROLES else None,
                                    q=(args.get("q") or "").strip()[:100] or None,
                                    status=args.get("status") if args.get("status") in ("active", "inactive") else None)
    page = db.paginate(queries.select_people(filters), per_page=PER_PAGE, error_out=False)
    return render_template("people/index.html", page=page, filters=filters, roles=ROLES, role_names=_role_names(),
                           grantable=permissions.manageable_roles(current_user),
                           can_manage=lambda u: permissions.can_manage_account(current_user, u))


def _back_to_people():
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/people")
                    else url_for("people.index"))


@bp.post("/people/<int:user_id>/role")
@role_required("manager")
def change_role(user_id: int):
    target = db.get_or_404(User, user_id)
    form = RoleForm()
    form.role.choices = choices((r, r) for r in ROLES)
    if form.validate_on_submit():
        with one_write() as write:
            services.update_account(db.session, target, actor=current_user, now=utcnow(), role=form.role.data)
        if write.ok:
            flash(_("%(name)s is now %(role)s.", name=target.name, role=_role_names()[target.role]), "success")
        else:
            _flash_error(write.error)
    return _back_to_people()


@bp.post("/people/<int:user_id>/active")
@role_required("manager")
def set_active(user_id: int):
    """Deactivate (a ticked confirmation box is required) or reactivate an account."""
    target = db.get_or_404(User, user_id)
    form = ActiveForm()
    active = form.active.data == "y"
    if form.validate_on_submit() and (active or form.confirm.data):
        with one_write() as write:
            services.update_account(db.session, target, actor=current_user, now=utcnow(), active=active)
        if write.ok:
            flash(_("%(name)s can sign in again.", name=target.name) if active else
                  _("%(name)s is deactivated: they can no longer sign in.", name=target.name), "success")
        else:
            _flash_error(write.error)
    else:
        flash(_("Tick the box to confirm the deactivation."), "error")
    return _back_to_people()


# Invitations ---------------------------------------------------------------------------------------


def _invitation_form() -> InvitationForm:
    form = InvitationForm(locale=_default_locale())
    form.role.choices = choices((r, _role_names()[r]) for r in permissions.invitable_roles(current_user))
    form.locale.choices = choices(LANGUAGES)
    return form


@bp.route("/people/invitations", methods=["GET", "POST"])
@role_required("manager")
def invitations():
    form = _invitation_form()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        now = utcnow()
        with one_write(form) as write:
            sent = services.create_invitation(db.session, actor=current_user, email=form.email.data,
                                              role=form.role.data, locale=form.locale.data, now=now, ttl=_ttl())
            key = send_invitation(db.session, sent, now=now)
        if write.ok:
            outbox.deliver_after_response([key])
            flash(_("Invitation sent to %(email)s.", email=sent.invitation.email), "success")
            return redirect(url_for("people.invitations"))
        status = write.status
    return _invitations_page(form), status


def _invitations_page(form: InvitationForm):
    status = request.args.get("status") if request.args.get("status") in queries.INVITATION_STATUSES else "pending"
    now = utcnow()
    page = db.paginate(queries.select_invitations(status, now), per_page=PER_PAGE, error_out=False)
    projects = queries.project_names(db.session, {i.project_id for i in page.items if i.project_id})
    return render_template("people/invitations.html", form=form, page=page, status=status, now=now,
                           statuses=queries.INVITATION_STATUSES, projects=projects, role_names=_role_names())


def _handled_invitation(invitation_id: int) -> Invitation:
    """The invitation if the signed-in user may re-send or revoke it (404 for those who may not see it)."""
    invitation = db.get_or_404(Invitation, invitation_id)
    relations = frozenset()
    if invitation.project_id is not None:
        relations = project_queries.relations(db.session, load_visible(invitation.project_id), current_user)
    if not permissions.can_handle_invitation(current_user, invitation.role, invitation.project_id, relations):
        abort(403 if current_user.is_manager or relations else 404)
    return invitation


def _back_from(invitation: Invitation):
    if invitation.project_id is not None and request.form.get("back") == "team":
        return redirect(url_for("projects.detail", project_id=invitation.project_id, _anchor="members"))
    return redirect(url_for("people.invitations"))


@bp.post("/invitations/<int:invitation_id>/resend")
@login_required
def resend(invitation_id: int):
    invitation = _handled_invitation(invitation_id)
    now = utcnow()
    with one_write() as write:
        sent = services.resend_invitation(db.session, invitation, actor=current_user, now=now, ttl=_ttl())
        key = send_invitation(db.session, sent, now=now)
    if write.ok:
        outbox.deliver_after_response([key])
        flash(_("Invitation sent again to %(email)s; the earlier link no longer works.", email=invitation.email),
              "success")
    else:
        flash(write.error.text, "error")
    return _back_from(invitation)


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(invitation_id: int):
    invitation = _handled_invitation(invitation_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Tick the box to confirm the revocation."), "error")
        return _back_from(invitation)
    with one_write() as write:
        services.revoke_invitation(db.session, invitation, now=utcnow())
    flash(_("The invitation to %(email)s is revoked: its link no longer works.", email=invitation.email)
          if write.ok else write.error.text, "success" if write.ok else "error")
    return _back_from(invitation)


# Accepting ----------------------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Accept an invitation: a newcomer chooses a name and password; an existing account signs in and joins."""
    now = utcnow()
    try:
        invitation = services.find_invitation(db.session, token, now=now)
    except services.InvitationInvalid as exc:
        return render_template("people/invitation_invalid.html", reason=exc.reason), 410
    if services.account_for(db.session, invitation) is not None:
        return _join(token, invitation, now)
    form = AcceptForm()
    if form.validate_on_submit():
        with one_write(form) as write:
            user = services.accept_invitation(db.session, token, name=form.name.data, password=form.password.data,
                                              now=now, consent_notice=current_app.config["PRIVACY_NOTICE_VERSION"])
            if current_user.is_authenticated:
                sign_out()  # someone else was signed in on this browser: the newcomer takes over
            sign_in(user)
        if write.ok:
            return _welcome(user)
    return render_template("people/accept.html", form=form, invitation=invitation,
                           role_names=_role_names(), project=_project_name(invitation)), 422 if form.errors else 200


def _join(token: str, invitation: Invitation, now):
    """The address has an account: it signs in (as itself) and joins, no second account is made."""
    if not current_user.is_authenticated or current_user.email != invitation.email:
        return render_template("people/join.html", invitation=invitation, project=_project_name(invitation),
                               signed_in_as=current_user if current_user.is_authenticated else None,
                               next=url_for("people.accept", token=token))
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        with one_write() as write:
            services.join_with_account(db.session, token, current_user, now=now)
        if write.ok:
            flash(_("You joined the team of %(project)s.", project=_project_name(invitation)) if invitation.project_id
                  else _("Invitation accepted."), "success")
            return redirect(url_for("projects.detail", project_id=invitation.project_id) if invitation.project_id
                            else url_for("core.home"))
        flash(write.error.text, "error")
    return render_template("people/join.html", invitation=invitation, project=_project_name(invitation),
                           signed_in_as=current_user, next=None)


def _welcome(user: User):
    note_user(user)
    refresh()  # greet them in their own language
    flash(_("Welcome to Parcours, %(name)s.", name=user.name), "success")
    return redirect(url_for("core.home"))


def _project_name(invitation: Invitation) -> str | None:
    if invitation.project_id is None:
        return None
    return queries.project_names(db.session, {invitation.project_id}).get(invitation.project_id)


# A project's team ---------------------------------------------------------------------------------


def _team(project_id: int):
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="members"))


@bp.post("/projects/<int:project_id>/team/invitations")
@login_required
def invite_to_team(project_id: int):
    project = load_visible(project_id)
    relations = project_queries.relations(db.session, project, current_user)
    if not permissions.can_invite_to_team(current_user, relations):
        abort(403)
    form = TeamInvitationForm()
    form.locale.choices = choices(LANGUAGES)
    if not form.validate_on_submit():
        flash(_("Give the co-founder's email address."), "error")
        return _team(project.id)
    now = utcnow()
    with one_write() as write:
        sent = services.create_invitation(db.session, actor=current_user, email=form.email.data, role="founder",
                                          project=project, relations=relations, locale=form.locale.data, now=now,
                                          ttl=_ttl())
        key = send_invitation(db.session, sent, now=now)
    if write.ok:
        outbox.deliver_after_response([key])
        flash(_("Invitation sent to %(email)s.", email=sent.invitation.email), "success")
    else:
        _flash_error(write.error)
    return _team(project.id)


@bp.post("/projects/<int:project_id>/team/members")
@role_required("manager")
def add_member(project_id: int):
    project = load_visible(project_id)
    form = AddMemberForm()
    user = queries.founder_by_email(db.session, form.email.data or "") if form.validate_on_submit() else None
    if user is None:
        flash(_("No founder account has this address: invite the person instead."), "error")
        return _team(project.id)
    with one_write() as write:
        project_services.add_member(db.session, project, user, now=utcnow())
    flash(_("%(name)s joined the team.", name=user.name) if write.ok else write.error.text,
          "success" if write.ok else "error")
    return _team(project.id)


@bp.post("/projects/<int:project_id>/team/members/<int:user_id>/remove")
@role_required("manager")
def remove_member(project_id: int, user_id: int):
    project = load_visible(project_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Tick the box to confirm the removal."), "error")
        return _team(project.id)
    with one_write() as write:
        services.remove_member(db.session, project, user_id, now=utcnow())
    flash(_("The member was removed from the team.") if write.ok else write.error.text,
          "success" if write.ok else "error")
    return _team(project.id)
