"""The invitation email, rendered at the boundary in the language the inviter chose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask import url_for
from sqlalchemy.orm import Session

from app.notifications.render import render_message
from app.notifications.services import queue_email_to
from app.people.services import Sent
from app.projects.models import Project


@dataclass(frozen=True)
class Invitee:
    """Who an email is rendered for when they have no account yet: an address and a language."""

    email: str
    locale: str
    timezone: str
    name: str = ""


def send_invitation(session: Session, sent: Sent, *, now: dt.datetime) -> str:
    """Queue the invitation's email (once per sending: creation, then each re-send); return its outbox key."""
    invitation = sent.invitation
    base = current_app.config["BASE_URL"].rstrip("/")
    project = session.get(Project, invitation.project_id) if invitation.project_id else None
    params = {"link": base + url_for("people.accept", token=sent.token), "role": invitation.role,
              "inviter": invitation.invited_by.name if invitation.invited_by else "",
              "project": project.name if project else None,
              "days": max(1, round((invitation.expires_at - now).total_seconds() / 86400))}
    invitee = Invitee(email=invitation.email, locale=invitation.locale,
                      timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
    subject, body = render_message("invitation", invitee, params)
    key = f"invitation:{invitation.id}:{invitation.resent_count}"
    queue_email_to(session, address=invitation.email, subject=subject, body=body, dedupe_key=key, now=now)
    return key
