"""Emails about the account itself (confirmation and reset links), rendered at the boundary."""

from __future__ import annotations

import datetime as dt
from functools import partial

from flask import current_app
from flask import has_request_context
from flask import url_for
from sqlalchemy.orm import Session

from app.auth import links
from app.auth.links import LinkRequest
from app.core.time import utcnow
from app.extensions import db
from app.notifications import outbox
from app.notifications.render import render_message
from app.notifications.services import queue_email


def link_lifetimes() -> dict[str, dt.timedelta]:
    """The links' lifetimes from the configuration."""
    config = current_app.config
    return {"verify": dt.timedelta(hours=config.get("EMAIL_VERIFY_TTL_HOURS", 48)),
            "reset": dt.timedelta(minutes=config.get("PASSWORD_RESET_TTL_MINUTES", 60))}


def _path(endpoint: str, **values: str) -> str:
    """The path of a page, also after the response, when no request is left to build URLs from."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def send_link(session: Session, request: LinkRequest, *, now: dt.datetime) -> str | None:
    """Queue the email a sign-up or reset request calls for; return its outbox key (None: nothing to send)."""
    if request.kind == "none" or request.user is None or request.token is None:
        return None
    endpoint = "auth.verify" if request.kind == "verify_email" else "auth.reset_password"
    base = current_app.config["BASE_URL"].rstrip("/")
    params = {"link": base + _path(endpoint, token=request.token),
              "hours": int(link_lifetimes()["verify" if request.kind == "verify_email" else "reset"]
                           .total_seconds() // 3600) or 1,
              "login": base + _path("auth.login")}
    subject, body = render_message(request.kind, request.user, params)
    key = f"link:{request.link_id}"
    queue_email(session, user=request.user, subject=subject, body=body, dedupe_key=key, now=now)
    return key


def request_reset_after_response(email: str) -> None:
    """Answer a reset request at once and look the address up after the response.

    Known and unknown addresses cost the request the same (nothing): how long the answer takes
    cannot tell whether an address has an account.
    """
    outbox.after_response(partial(_send_reset_link, email))


def _send_reset_link(email: str) -> None:
    now = utcnow()
    request = links.request_password_reset(db.session, email, now=now, secret=current_app.secret_key,
                                           ttl=link_lifetimes()["reset"])
    key = send_link(db.session, request, now=now)
    db.session.commit()
    if key is not None and current_app.config.get("MAIL_DELIVER_AFTER_REQUEST"):
        outbox.deliver(utcnow(), keys=[key])
