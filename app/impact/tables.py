"""The funders' report as titled tables, in the current language: what the page, the XLSX and the
PDF all show. Numbers stay numbers (the XLSX keeps them numeric); `text` formats them for print."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from babel.numbers import format_percent

from app.cluster import labels as cluster_labels
from app.core.i18n import _l
from app.core.i18n import babel_locale
from app.core.i18n import current_language
from app.core.i18n import lazy_pgettext
from app.impact.queries import FundersReport
from app.workflow.engine import status_label

Table = tuple[str, list[str], list[list]]


def text(value) -> str:
    """A cell as printed: numbers in the reader's locale, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return format_decimal(value, locale=babel_locale(current_language()))
    if isinstance(value, float):
        return format_percent(value, locale=babel_locale(current_language()))
    return str(value)


def summary(r: FundersReport) -> Table:
    """The headline figures, one per row."""
    rows: list[list] = [
        [str(_l("Projects in the portfolio at the end of the period")), r.projects_at_end, ""],
        [str(_l("…of which still in progress (active or on hold)")), sum(s.in_progress_at_end for s in r.stages), ""],
        [str(_l("New projects")), r.new_projects, ""],
        [str(_l("Stage changes")), r.moves, ""],
        [str(_l("Projects that changed stage")), r.projects_moved, ""],
        [str(_l("Gates passed")), r.gates_passed, ""],
        [str(_l("Jobs created")), r.jobs_created, ""],
    ]
    rows += [[str(_l("Revenue")), amount, unit] for unit, amount in sorted(r.kpi_total("revenue").items())]
    raised: dict[str, Decimal] = {}
    for line in r.money_raised:
        raised[line.currency] = raised.get(line.currency, Decimal(0)) + line.amount
    rows += [[str(_l("Money raised (financing granted)")), amount, currency] for currency, amount in
             sorted(raised.items())]
    rows += money_in_mad(r)
    rows += [
        [str(_l("Mentoring hours delivered")), r.mentoring_hours, str(_l("hours"))],
        [str(_l("Advice sessions")), r.mentoring_sessions, ""],
        [str(_l("Office hours booked")), r.office_hours_booked, str(_l("hours"))],
        [str(_l("Office hours held")), r.office_hours_held, str(_l("hours"))],
        [str(_l("Support requests served")), r.support_served, ""],
        [str(_l("Support requests received")), r.support_opened, ""],
        [str(_l("Member organisations")), r.members, str(_l("target %(n)s", n=r.members_target))],
        [str(_l("Organisations that joined in the period")), r.members_joined, ""],
        [str(_l("KPI reports submitted")), r.kpi_reports_submitted, str(_l("of %(n)s due", n=r.kpi_reports_due))],
    ]
    return str(_l("Key figures")), [str(_l("Figure")), str(_l("Value")), str(_l("Unit"))], rows


def money_in_mad(r: FundersReport) -> list[list]:
    """When money came in several currencies: its total in dirhams at the recorded rates, and apart, per
    currency, what no rate converts (never added to the dirhams)."""
    totals = list(r.money_in_mad.values())
    if not any(t.is_mixed for t in totals):
        return []
    unconverted: dict[str, Decimal] = {}
    for t in totals:
        for currency, amount in t.unconverted.items():
            unconverted[currency] = unconverted.get(currency, Decimal(0)) + amount
    rows: list[list] = [[str(_l("Money raised, in dirhams at the recorded exchange rates")),
                         sum((t.mad for t in totals), Decimal(0)), "MAD"]]
    rows += [[str(_l("…not converted, for want of an exchange rate")), amount, currency]
             for currency, amount in sorted(unconverted.items())]
    return rows


def sections(r: FundersReport) -> list[Table]:
    """Every table of the report, in reading order."""
    stages = [[s.workflow_label, s.label, s.at_start, s.entered, s.left, s.at_end,
               s.in_progress_at_end, s.gates_passed] for s in r.stages]
    statuses = [[status_label(status), count] for status, count in sorted(r.by_status_at_end.items())]
    kpis = [[k.label, k.unit, k.total, k.reports, k.projects] for k in r.kpis]
    money = [[cluster_labels.label(cluster_labels.FUNDING_SOURCES, f.source), f.currency, f.amount, f.lines,
              f.projects] for f in r.money_raised]
    survival = [[str(_l("after %(n)s year(s)", n=s.years)), s.cohort, s.alive, s.rate] for s in r.survival]
    return [
        summary(r),
        (str(_l("Projects per stage")),
         [str(_l("Path")), str(_l("Stage")), str(_l("At the start")), str(_l("Entered")), str(_l("Left")),
          str(_l("At the end")), str(_l("In progress at the end")), str(_l("Gates passed"))], stages),
        (str(_l("Projects by status at the end")), [str(_l("Status")), str(_l("Projects"))], statuses),
        (str(_l("Reported figures (KPI reports)")),
         [str(_l("Figure")), str(_l("Unit")), str(_l("Total")), str(_l("Reports")), str(_l("Projects"))], kpis),
        (str(_l("Money raised, by source")),
         [str(_l("Source")), str(_l("Currency")), str(_l("Amount")), str(_l("Lines")), str(_l("Projects"))], money),
        (str(_l("Projects still alive")),
         [str(_l("Age")), str(_l("Projects old enough")), str(_l("Not abandoned by then")),
          str(lazy_pgettext("survival rate", "Rate"))],
         survival),
    ]
