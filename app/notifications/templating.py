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
    """A notification's sentence in the reader's language."""
    params = notification.params or {}
    if notification.kind == "checkin_reminder":
        when = format_datetime(dt.datetime.fromisoformat(params["due_at"]), "medium")
        return gettext("Check-in of %(project)s on %(when)s.", project=params.get("project", ""), when=when)
    if notification.kind == "kpi_report_due":
        return gettext("The figures of %(project)s are due.", project=params.get("project", ""))
    if notification.kind == "support_closed":
        return gettext("Your support request has an answer.")
    if notification.kind == "application_outcome":
        return application_outcome_text(params)
    if notification.kind == "call_changed":
        return call_changed_text(params)
    if notification.kind == "checkin_overdue":
        return ngettext("%(num)s check-in became overdue.", "%(num)s check-ins became overdue.",
                        params.get("count", 0))
    return notification.kind


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
