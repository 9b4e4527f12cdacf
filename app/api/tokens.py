"""`/tokens`: exchange credentials for a bearer token, and revoke it."""

from __future__ import annotations

import datetime as dt

from flask import abort
from flask import g
from flask_babel import gettext as _

from app.api import bp
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import config
from app.api.auth import json_body
from app.api.spec import doc
from app.auth import services
from app.auth.throttle import sign_in_throttled
from app.core.time import utcnow
from app.extensions import db


@bp.post("/tokens")
@doc("Create a bearer token from an email and password", body=schemas.TokenIn, response=schemas.TokenOut,
     status=201, auth=False, errors=(401, 403, 429), tag="auth")
@sign_in_throttled
def create_token():
    data = json_body(schemas.TokenIn)
    user = services.authenticate(db.session, data.email, data.password)
    if user is None:
        abort(401, _("Wrong email or password."))
    if not user.is_verified:
        abort(403, _("Confirm your email address first: follow the link emailed to you at sign-up."))
    now = utcnow()
    secret, record = services.issue_token(db.session, user, now=now,
                                          ttl=dt.timedelta(hours=config("API_TOKEN_TTL_HOURS")))
    db.session.commit()
    return schemas.TokenOut(token=secret, expires_at=record.expires_at).model_dump(mode="json"), 201


@bp.delete("/tokens/current")
@doc("Revoke the token used for this request", status=204, tag="auth")
@authenticated
def revoke_current_token():
    services.revoke_token(g.api_token, now=utcnow())
    db.session.commit()
    return "", 204
