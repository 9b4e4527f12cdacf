"""`/signup` and `/password-reset`: accounts for newcomers, and a way back in.

Both answer 202 with the same words whatever the email: whether an address has an account is
never revealed. The email carries a single-use, expiring link to the web pages
(`/verify/<token>`, `/password-reset/<token>`).
"""

from __future__ import annotations

from flask import current_app

from app.api import bp
from app.api import call_schemas as schemas
from app.api.auth import json_body
from app.api.spec import doc
from app.auth import links
from app.auth.notify import link_lifetimes
from app.auth.notify import request_reset_after_response
from app.auth.notify import send_link
from app.auth.throttle import account_requests_throttled
from app.core.locale import select_locale
from app.core.time import utcnow
from app.extensions import db
from app.notifications import outbox

ACCEPTED = "If this address can be used, a link was sent to it. Check the inbox."


@bp.post("/signup")
@doc("Sign up as a founder; the account works once the emailed link is followed", body=schemas.SignupIn,
     response=schemas.AcceptedOut, status=202, auth=False, errors=(429,), tag="auth")
@account_requests_throttled
def signup():
    data = json_body(schemas.SignupIn)
    now = utcnow()
    request_ = links.sign_up(db.session, email=data.email, name=data.name, password=data.password,
                             locale=select_locale() or "fr", now=now, secret=current_app.secret_key,
                             ttl=link_lifetimes()["verify"], reset_ttl=link_lifetimes()["reset"],
                             consent_notice=current_app.config["PRIVACY_NOTICE_VERSION"] if data.consent else None)
    key = send_link(db.session, request_, now=now)
    db.session.commit()
    outbox.deliver_after_response([key])
    return schemas.AcceptedOut(detail=ACCEPTED).model_dump(mode="json"), 202


@bp.post("/password-reset")
@doc("Ask for a password reset link by email (202 whether or not the email is known)",
     body=schemas.PasswordResetIn, response=schemas.AcceptedOut, status=202, auth=False, errors=(429,), tag="auth")
@account_requests_throttled
def password_reset():
    data = json_body(schemas.PasswordResetIn)
    request_reset_after_response(data.email)
    return schemas.AcceptedOut(detail=ACCEPTED).model_dump(mode="json"), 202
