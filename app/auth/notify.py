"""Emails about the account itself (confirmation and reset links), rendered at the boundary."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask import url_for
from sqlalchemy.orm import Session

from app.auth.links import LinkRequest
from app.notifications.render import render_message
from app.notifications.services import queue_email


def link_lifetimes() -> dict[str, dt.timedelta]:
    """The links' lifetimes from the configuration."""
    config = current_app.config
    return {"verify": dt.timedelta(hours=config.get("EMAIL_VERIFY_TTL_HOURS", 48)),
            "reset": dt.timedelta(minutes=config.get("PASSWORD_RESET_TTL_MINUTES", 60))}


def send_link(session: Session, request: LinkRequest, *, now: dt.datetime) -> None:
    """Queue the email a sign-up or reset request calls for (nothing when its kind is "none")."""
    if request.kind == "none" or request.user is None or request.token is None:
        return
    endpoint = "auth.verify" if request.kind == "verify_email" else "auth.reset_password"
    base = current_app.config["BASE_URL"].rstrip("/")
    params = {"link": base + url_for(endpoint, token=request.token),
              "hours": int(link_lifetimes()["verify" if request.kind == "verify_email" else "reset"]
                           .total_seconds() // 3600) or 1,
              "login": base + url_for("auth.login")}
    subject, body = render_message(request.kind, request.user, params)
    queue_email(session, user=request.user, subject=subject, body=body, dedupe_key=f"link:{request.link_id}",
                now=now)
