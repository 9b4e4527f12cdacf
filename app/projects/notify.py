"""Messages the workflow's events send (`notifies:` in a workflow file), rendered at the boundary in
each recipient's language: a review requested of the stage's mentors and the managers, a gate
decision told to the founders."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy.orm import Session

from app.notifications.render import render_message
from app.notifications.services import Message
from app.notifications.services import queue
from app.projects import queries
from app.projects import services
from app.projects.models import Project
from app.projects.models import ProjectEvent

#: Where each message leads: the gate's place on the project page, or the gate decisions.
LINKS = {"gate_review_requested": "/projects/{id}#gate-review", "gate_decided": "/projects/{id}/history#gates-title"}


def event_messages(session: Session, project: Project, record: ProjectEvent) -> list[Message]:
    """The messages the fired event `record` sends, one per recipient (none if it notifies nobody)."""
    event = services.definition_of(session, project).events.get(record.event)
    if event is None or event.notifies is None:
        return []
    kind = event.notifies.kind
    link = LINKS[kind].format(id=project.id)
    params = {"project_id": project.id, "project": project.name, "workflow": project.workflow_key,
              "stage": record.from_stage, "to_stage": record.to_stage, "event": record.event,
              "decision": event.gate_decision, "actor": record.actor.name if record.actor else "",
              "comment": record.comment}
    base = current_app.config["BASE_URL"].rstrip("/")
    messages = []
    for user in queries.list_notice_recipients(session, project, event.notifies.roles, exclude=record.actor_id):
        subject, body = render_message(kind, user, {**params, "link": base + link})
        messages.append(Message(user=user, kind=kind, params=params, link=link,
                                dedupe_key=f"event:{record.id}:{user.id}", subject=subject, body=body))
    return messages


def send_event_messages(session: Session, project: Project, record: ProjectEvent, *, now: dt.datetime) -> int:
    """Queue the event's messages (in the app and by email, once each: the dedupe keys); return how many emails."""
    return queue(session, event_messages(session, project, record), now=now)
