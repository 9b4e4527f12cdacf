"""The projects list's filters and sort read from a query string: the page and its spreadsheets
(`/projects.csv`, `/projects.xlsx`, in the pipeline area) read them the same way, a malformed id a 400."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.core.bounds import whole_number
from app.projects.queries import SORTS
from app.projects.queries import ProjectFilters

DEFAULT_SORT = "-created"


def list_filters(args) -> ProjectFilters:
    """`?stage=&pole=&status=&workflow=&q=&cohort=` of the list."""
    return ProjectFilters(stage=args.get("stage") or None, pole=args.get("pole") or None,
                          status=args.get("status") or None, workflow=args.get("workflow") or None,
                          q=args.get("q") or None, cohort=_cohort(args.get("cohort")))


def list_sort(args) -> str:
    sort = args.get("sort") or DEFAULT_SORT
    return sort if sort in SORTS else DEFAULT_SORT


def _cohort(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return whole_number(value)
    except ValueError:
        abort(400, _("%(name)s must be a whole number.", name="cohort"))
