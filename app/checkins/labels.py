"""Human names of the check-in statuses, translated when rendered."""

from __future__ import annotations

from app.core.i18n import lazy_pgettext

#: Their own context: a check-in ("point d'étape", masculine) is "effectué" where a deliverable is "fait".
STATUS_LABELS = {
    "scheduled": lazy_pgettext("check-in status", "scheduled"),
    "due": lazy_pgettext("check-in status", "due"),
    "overdue": lazy_pgettext("check-in status", "overdue"),
    "done": lazy_pgettext("check-in status", "done"),
    "cancelled": lazy_pgettext("check-in status", "cancelled"),
}


def checkin_status_label(status: str) -> str:
    """A check-in status in the reader's language (its code when unknown)."""
    return str(STATUS_LABELS.get(status, status))
