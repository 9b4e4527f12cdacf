"""`/me` and `/users`."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.auth import roles
from app.api.spec import doc
from app.auth import queries
from app.auth import services
from app.auth.models import ROLES
from app.auth.models import User
from app.auth.urls import calendar_url
from app.core.locale import note_user
from app.core.locale import select_locale
from app.extensions import db
from app.people import permissions


def user_out(user: User) -> dict:
    return schemas.UserOut(id=user.id, email=user.email, name=user.name, role=user.role,
                           locale=user.locale, active=user.is_active).model_dump(mode="json")


@bp.get("/me")
@doc("The signed-in user", response=schemas.MeOut, tag="auth")
@authenticated
def me():
    return _me_out(current_user())


@bp.patch("/me")
@doc("Change the signed-in user's language, time zone or name (a language set here is their choice)",
     body=schemas.MeIn, response=schemas.MeOut, errors=(422,), tag="auth")
@authenticated
def update_me():
    data = json_body(schemas.MeIn)
    user = current_user()
    services.update_preferences(db.session, user, locale=data.locale, timezone=data.timezone, name=data.name)
    db.session.commit()
    note_user(user)
    return _me_out(user)


def _me_out(user: User) -> dict:
    """The person, with the language their pages are in (chosen, else the browser's)."""
    return schemas.MeOut(
        id=user.id, email=user.email, name=user.name, role=user.role, locale=select_locale() or user.locale,
        active=user.is_active, timezone=user.timezone,
        calendar_url=calendar_url(user),
    ).model_dump(mode="json")


@bp.get("/users")
@doc("List users", list_response=schemas.UserPage, errors=(400, 403), query=params.UserListQuery, tag="auth")
@roles("manager")
def list_users():
    role = params.query_args().role or None
    if role is not None and role not in ROLES:
        return {"items": [], "total": 0, "page": 1, "per_page": 20}
    return paginated(queries.select_users(role), user_out)


@bp.post("/users")
@doc("Create a user", body=schemas.UserIn, response=schemas.UserOut, status=201, errors=(403, 409), tag="auth")
@roles("manager")
def create_user():
    data = json_body(schemas.UserIn)
    # The roles a manager may grant (applicants, founders, mentors): an account made here must not
    # hold a role its creator could not give, nor escape their (de)activation.
    if not permissions.can_grant_role(current_user(), data.role):
        abort(403, _("Your role does not allow this."))
    user = services.create_user(db.session, email=data.email, name=data.name, role=data.role,
                                password=data.password)
    db.session.commit()
    return user_out(user), 201
