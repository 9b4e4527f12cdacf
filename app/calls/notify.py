"""Messages the calls area sends (rendered at the boundary, in the recipient's language)."""

from __future__ import annotations

from flask import current_app

from app.calls.evaluation import Decision
from app.notifications.render import render_message
from app.notifications.services import Message


def outcome_message(decision: Decision) -> Message:
    """Tell the applicant what was decided, in the app and by email (as they chose for `application_outcome`)."""
    application = decision.application
    link = f"/applications/{application.id}"
    params = {"application_id": application.id, "title": application.title, "call": application.call.title,
              "decision": decision.decision, "comment": application.decision_comment,
              "label": decision.label.number if decision.label else None,
              "project_id": decision.project.id if decision.project else None}
    base = current_app.config["BASE_URL"].rstrip("/")
    target = f"/projects/{decision.project.id}" if decision.project else link
    subject, body = render_message("application_outcome", application.applicant, {**params, "link": base + target})
    return Message(user=application.applicant, kind="application_outcome", params=params, link=target,
                   dedupe_key=f"application:{application.id}:{decision.decision}", subject=subject, body=body)
