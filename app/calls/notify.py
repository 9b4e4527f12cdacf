"""Messages the calls area sends (rendered at the boundary, in the recipient's language)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from app.calls import queries
from app.calls.evaluation import Decision
from app.calls.models import Call
from app.calls.models import CallEvent
from app.core.dates import format_date
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


def call_changed_messages(session: Session, call: Call, event: CallEvent) -> list[Message]:
    """Tell every applicant holding a draft that the call was extended, closed early or withdrawn."""
    base = current_app.config["BASE_URL"].rstrip("/")
    link = f"/calls/{call.id}"
    params = {"call_id": call.id, "call": call.title, "change": event.kind, "reason": event.reason,
              "closes_on": call.closes_on.isoformat()}
    messages = []
    for user in queries.list_draft_holders(session, call):
        locale = user.locale or "fr"
        shown = {**params, "link": base + link, "closes_on_text": format_date(call.closes_on, "long", locale=locale)}
        subject, body = render_message("call_changed", user, shown)
        messages.append(Message(user=user, kind="call_changed", params=params, link=link,
                                dedupe_key=f"call_changed:{event.id}:{user.id}", subject=subject, body=body))
    return messages
