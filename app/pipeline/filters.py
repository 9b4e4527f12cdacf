"""The pipeline's filters read from a query string: shared by the manager's page and the API, so
both answer a malformed filter the same way (400), and neither imports the other."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.pipeline.queries import Filters
from app.workflow.definition import STATUSES


def filters_from(args) -> Filters:
    """Read the filters from the query string; a malformed one is a 400, not a silent ignore."""
    def number(name: str) -> int | None:
        value = args.get(name)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            abort(400, _("%(name)s must be a whole number.", name=name))

    status = args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400, _("Unknown status."))
    return Filters(pole=args.get("pole") or None, workflow=args.get("workflow") or None, status=status,
                   cohort=number("cohort"), mentor=number("mentor"))
