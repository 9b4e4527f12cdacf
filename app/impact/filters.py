"""Reading the funders' report's period and filters from a query string (page, exports, API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from app.core.bounds import DB_INT_MAX
from app.core.i18n import _l
from app.impact.queries import ReportFilters


class BadFilters(ValueError):
    """A malformed query string; boundaries answer 400 with the message."""


def parse_filters(args: Mapping[str, str], *, today: dt.date) -> ReportFilters:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&pole=&cohort=<id>`; by default the year so far."""
    start = _date(args, "from") or today.replace(month=1, day=1)
    end = _date(args, "to") or today
    if start > end:
        raise BadFilters(_l("The period starts after it ends."))
    cohort = args.get("cohort") or None
    if cohort is not None:
        if not cohort.isdigit() or not 1 <= int(cohort) <= DB_INT_MAX:
            raise BadFilters(_l("cohort must be a cohort's id."))
        cohort = int(cohort)
    return ReportFilters(start=start, end=end, pole=args.get("pole") or None, cohort=cohort)


def _date(args: Mapping[str, str], name: str) -> dt.date | None:
    value = args.get(name) or None
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadFilters(_l("%(name)s must be a date (YYYY-MM-DD).", name=name)) from None
