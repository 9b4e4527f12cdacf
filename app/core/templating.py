"""Template globals and filters."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_babel import get_translations
from jinja2.ext import _make_new_gettext
from jinja2.ext import _make_new_ngettext
from jinja2.ext import _make_new_npgettext
from jinja2.ext import _make_new_pgettext

from app.checkins.labels import checkin_status_label
from app.core.dates import format_datetime
from app.core.errors import NotFound
from app.core.i18n import _l
from app.core.i18n import localized
from app.workflow.engine import status_label

#: History events the application records itself (the workflow's own events have their labels).
SYSTEM_EVENT_LABELS = {
    "create": _l("Project created"),
    "migrate_workflow": _l("Moved to a new version of the path"),
    "label": _l("Labelled through a call for projects"),
}


def event_label(definition, name: str) -> str:
    """A history event's label in the reader's language."""
    if name in definition.events:
        return definition.events[name].label
    return str(SYSTEM_EVENT_LABELS.get(name, name))


def stage_label(workflow: str, stage: str | None) -> str:
    """A stage's label in the reader's language, from its workflow's file (its name when unknown)."""
    if not stage:
        return ""
    try:
        return current_app.extensions["workflow_catalog"].latest(workflow).stage(stage).label
    except (KeyError, NotFound):
        return stage


def register(app: Flask) -> None:
    @app.template_filter("datetime")
    def _datetime(value, fmt: str = "medium") -> str:
        # Through zoneinfo, never Flask-Babel's pytz (see app.core.dates).
        return format_datetime(value, fmt) if value else ""

    @app.template_global()
    def url_with(**changes) -> str:
        """The current URL with some query arguments changed (filters, sorting, pages)."""
        # The query string is the client's: `_method`, `_external`… would be read by url_for itself
        # (a BuildError), and a name of the route's own arguments would be passed twice (a TypeError).
        args = {k: v for k, v in request.args.items() if not k.startswith("_") and k != "endpoint"}
        args.update({k: v for k, v in changes.items() if v is not None})
        for key in [k for k, v in changes.items() if v is None]:
            args.pop(key, None)
        return url_for(request.endpoint, **{**args, **(request.view_args or {})})

    @app.context_processor
    def _globals() -> dict:
        locale = get_locale()
        language = locale.language if locale else "en"
        return {
            "status_label": status_label,
            "checkin_status_label": checkin_status_label,
            "stage_label": stage_label,
            "event_label": event_label,
            "notification_text": notification_text,
            "money": money,
            "funding_source_label": funding_source_label,
            "funding_status_label": funding_status_label,
            "cluster_labels": cluster_labels,
            "unread_notifications": unread_notifications,
            "localized": localized,
            "lang": language,
            "text_dir": "rtl" if language in ("ar", "he", "fa") else "ltr",
            **bound_gettext(),
        }


def bound_gettext() -> dict:
    """The template's gettext family bound to this request's catalogue.

    Flask-Babel installs environment-wide callables that look the catalogue up again on every
    call (a few context lookups each); a page calls them hundreds of times. Bound once per
    render, with Jinja's own new-style wrappers (autoescaping, `%(name)s` formatting), they give
    the same strings for a fraction of the cost."""
    translations = get_translations()
    gettext = _make_new_gettext(translations.ugettext)
    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": _make_new_ngettext(translations.ungettext),
        "pgettext": _make_new_pgettext(translations.upgettext),
        "npgettext": _make_new_npgettext(translations.unpgettext),
    }


def unread_notifications() -> int:
    """How many unread notifications the signed-in user has (for the navigation badge)."""
    from flask_login import current_user

    from app.extensions import db
    from app.notifications.services import count_unread

    if not current_user.is_authenticated:
        return 0
    return count_unread(db.session, current_user)


def notification_text(notification) -> str:
    """A notification's sentence in the reader's language."""
    import datetime as dt

    from flask_babel import gettext
    from flask_babel import ngettext

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
    if notification.kind == "checkin_overdue":
        return ngettext("%(num)s check-in became overdue.", "%(num)s check-ins became overdue.",
                        params.get("count", 0))
    return notification.kind


def application_outcome_text(params: dict) -> str:
    """The in-app sentence telling an applicant what was decided."""
    from flask_babel import gettext

    title = params.get("title", "")
    if params.get("decision") == "labelled":
        return gettext("Your project %(title)s is labelled %(label)s.", title=title, label=params.get("label", ""))
    if params.get("decision") == "rejected":
        return gettext("Your application %(title)s was not selected.", title=title)
    return gettext("More information is needed on your application %(title)s.", title=title)


def funding_source_label(source: str) -> str:
    from app.cluster import labels

    return labels.label(labels.FUNDING_SOURCES, source)


def funding_status_label(status: str) -> str:
    from app.cluster import labels

    return labels.label(labels.FUNDING_STATUSES, status)


def money(amount, currency: str) -> str:
    """An exact amount in the reader's locale (e.g. 250 000,00 MAD in French)."""
    from flask_babel import format_currency

    return format_currency(amount, currency)


def cluster_labels():
    """The cluster vocabularies, for templates: `cluster_labels().KINDS[key]`."""
    from app.cluster import labels

    return labels
