"""Notifications in templates: their sentences, and the navigation's unread count.

The count is read once per request, when a page is rendered for a signed-in user, and handed to
the templates as a number: no template calls the database."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask import g
from flask import has_request_context
from flask_babel import gettext
from flask_babel import ngettext
from flask_login import current_user

from app.core.dates import format_date
from app.core.dates import format_datetime
from app.extensions import db
from app.notifications import kinds
from app.notifications.services import count_unread


def register(app: Flask) -> None:
    app.add_template_global(notification_text)
    app.context_processor(_unread)


def _unread() -> dict:
    # Emails are rendered outside requests (the scheduler's sweeps): they have no reader's badge.
    if not has_request_context():
        return {}
    if "unread_notifications" not in g:
        g.unread_notifications = count_unread(db.session, current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": g.unread_notifications}


def notification_text(notification) -> str:
    """A notification's sentence in the reader's language (a kind without its own: the kind's label)."""
    params = notification.params or {}
    if notification.kind in TEXTS:
        return TEXTS[notification.kind](params)
    kind = kinds.get(notification.kind)
    return str(kind.label) if kind else notification.kind


def _day(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "medium") if iso else ""


TEXTS = {
    "checkin_reminder": lambda p: gettext(
        "Check-in of %(project)s on %(when)s.", project=p.get("project", ""),
        when=format_datetime(dt.datetime.fromisoformat(p["due_at"]), "medium")),
    "kpi_report_due": lambda p: gettext("The figures of %(project)s are due.", project=p.get("project", "")),
    "support_closed": lambda p: gettext("Your support request has an answer."),
    "application_outcome": lambda p: application_outcome_text(p),
    "checkin_overdue": lambda p: ngettext("%(num)s check-in became overdue.", "%(num)s check-ins became overdue.",
                                          p.get("count", 0)),
    "mentor_assigned": lambda p: gettext("%(mentor)s now mentors %(project)s.", mentor=p.get("mentor", ""),
                                         project=p.get("project", "")),
    "mentor_ended": lambda p: gettext("%(mentor)s no longer mentors %(project)s.", mentor=p.get("mentor", ""),
                                      project=p.get("project", "")),
    "session_logged": lambda p: ngettext(
        "%(mentor)s logged a session with %(project)s (%(num)s action item).",
        "%(mentor)s logged a session with %(project)s (%(num)s action items).", len(p.get("actions", [])),
        mentor=p.get("mentor", ""), project=p.get("project", "")),
    "action_item_due": lambda p: gettext("Due tomorrow for %(project)s: %(title)s.", project=p.get("project", ""),
                                         title=p.get("title", "")),
    "application_received": lambda p: gettext("Your application %(title)s was received.", title=p.get("title", "")),
    "review_requested": lambda p: gettext("You are asked to review the application %(title)s.",
                                          title=p.get("title", "")),
    "booking_confirmed": lambda p: gettext(
        "Office hours booked: %(project)s with %(mentor)s on %(when)s.", project=p.get("project", ""),
        mentor=p.get("mentor", ""), when=format_datetime(dt.datetime.fromisoformat(p["due_at"]), "medium")),
    "booking_cancelled": lambda p: gettext(
        "%(by)s cancelled the meeting of %(project)s with %(mentor)s on %(when)s.", by=p.get("by", ""),
        project=p.get("project", ""), mentor=p.get("mentor", ""),
        when=format_datetime(dt.datetime.fromisoformat(p["due_at"]), "medium")),
    "booking_reminder": lambda p: gettext(
        "Reminder: %(project)s meets %(mentor)s on %(when)s.", project=p.get("project", ""),
        mentor=p.get("mentor", ""), when=format_datetime(dt.datetime.fromisoformat(p["due_at"]), "medium")),
    "call_closing": lambda p: gettext("The call %(call)s closes on %(day)s: your application %(title)s is a draft.",
                                      call=p.get("call", ""), day=_day(p.get("closes_on", "")),
                                      title=p.get("title", "")),
    "call_changed": lambda p: call_changed_text(p),
    "gate_review_requested": lambda p: gettext("%(actor)s asks for a review of the gate of %(project)s.",
                                               actor=p.get("actor", ""), project=p.get("project", "")),
    "gate_decided": lambda p: (
        gettext("The gate of %(project)s is approved.", project=p.get("project", "")) if p.get("decision") == "go"
        else gettext("%(project)s was sent back to the previous stage.", project=p.get("project", ""))),
}


def application_outcome_text(params: dict) -> str:
    """The in-app sentence telling an applicant what was decided."""
    title = params.get("title", "")
    if params.get("decision") == "labelled":
        return gettext("Your project %(title)s is labelled %(label)s.", title=title, label=params.get("label", ""))
    if params.get("decision") == "rejected":
        return gettext("Your application %(title)s was not selected.", title=title)
    return gettext("More information is needed on your application %(title)s.", title=title)


def call_changed_text(params: dict) -> str:
    """The in-app sentence telling an applicant with a draft that the call changed."""
    call = params.get("call", "")
    if params.get("change") == "extended":
        day = format_date(dt.date.fromisoformat(params["closes_on"]), "long") if params.get("closes_on") else ""
        return gettext("The call “%(call)s” is extended until %(date)s.", call=call, date=day)
    if params.get("change") == "closed":
        return gettext("The call “%(call)s” closed early: your draft can no longer be submitted.", call=call)
    return gettext("The call “%(call)s” was withdrawn.", call=call)
