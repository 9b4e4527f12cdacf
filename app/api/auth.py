"""Bearer authentication and request helpers shared by the API's route modules."""

from __future__ import annotations

from functools import wraps
from typing import TypeVar

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy import Select

from app.api import bp
from app.api.params import page_args
from app.auth import services as auth_services
from app.auth.models import User
from app.core.locale import note_user
from app.core.time import utcnow
from app.extensions import db

Model = TypeVar("Model", bound=BaseModel)


@bp.before_request
def authenticate_bearer() -> None:
    """Resolve `Authorization: Bearer …` into `g.api_user`; a bad token is a 401 at once."""
    g.api_user = None
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, _("Use `Authorization: Bearer <token>`."))
    found = auth_services.user_for_token(db.session, secret.strip(), now=utcnow())
    if found is None:
        abort(401, _("The token is unknown, expired or revoked."))
    g.api_user, g.api_token = found
    note_user(g.api_user)


def current_user() -> User:
    user = g.get("api_user")
    if user is None:
        abort(401, _("Authentication required: POST /api/v1/tokens, then send the token as a Bearer."))
    return user


def authenticated(view):
    """Require a valid bearer token."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        current_user()
        return view(*args, **kwargs)

    return wrapped


def roles(*allowed: str):
    """Require a bearer token of a user with one of `allowed` roles (admins always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user.role not in allowed and user.role != "admin":
                abort(403, _("Your role does not allow this."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body(model: type[Model]) -> Model:
    """Parse the JSON body into `model`: 400 if unreadable, 422 (via the handler) if invalid."""
    data = request.get_json(silent=True)
    if data is None:
        abort(400, _("The body must be a JSON document (Content-Type: application/json)."))
    if not isinstance(data, dict):
        abort(400, _("The body must be a JSON object."))
    return model.model_validate(data)


def paginated(stmt: Select, serialise) -> dict:
    """Run a list statement one page at a time, in the contract's list shape."""
    page, per_page = page_args()
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    return {"items": [serialise(item) for item in result.items], "total": result.total,
            "page": page, "per_page": per_page}


def config(key: str):
    return current_app.config[key]
