"""The charts a funder reads first, as data: the page draws them as SVG (`app.pipeline.charts`), the
PDF with fpdf2's own vector shapes (`app.impact.pdf`), from the same figures, in the report's language."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency
from babel.numbers import format_decimal
from markupsafe import Markup

from app.cluster import labels as cluster_labels
from app.core.i18n import _l
from app.core.i18n import current_language
from app.impact.queries import FundersReport
from app.pipeline import charts


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    categories: list[str]
    values: list[float]
    #: What is written at the end of each bar, in the reader's language.
    value_labels: list[str]
    x_label: str
    y_label: str
    #: A sentence under the chart (what it leaves out), or "".
    note: str = ""


def _n(value) -> str:
    return format_decimal(value, locale=current_language())


def funnel(r: FundersReport) -> Chart:
    several = len(r.workflows) > 1
    stages = r.stages
    return Chart(
        key="funnel", title=str(_l("Projects per stage and their moves")),
        description=str(_l("For each stage, the projects there at the end of the period, and how many entered "
                           "(+) and left (−) it during the period.")),
        categories=[f"{s.workflow_label} · {s.label}" if several else s.label for s in stages],
        values=[s.at_end for s in stages],
        value_labels=[f"{_n(s.at_end)} (+{_n(s.entered)} / −{_n(s.left)})" for s in stages],
        x_label=str(_l("Projects")), y_label=str(_l("Stage")))


def money_raised(r: FundersReport) -> Chart:
    language = current_language()
    sources = list(r.money_in_mad.items())
    unconverted: dict[str, Decimal] = {}
    for _source, totals in sources:
        for currency, amount in totals.unconverted.items():
            unconverted[currency] = unconverted.get(currency, Decimal(0)) + amount
    note = ""
    if unconverted:
        amounts = " + ".join(format_currency(a, c, locale=language) for c, a in sorted(unconverted.items()))
        note = str(_l("Not in the bars, for want of an exchange rate: %(amounts)s.", amounts=amounts))
    return Chart(
        key="money", title=str(_l("Money raised by source (MAD)")),
        description=str(_l("Financing granted in the period, by source, in dirhams at the recorded exchange rates.")),
        categories=[cluster_labels.label(cluster_labels.FUNDING_SOURCES, source) for source, _t in sources],
        values=[float(t.mad) for _s, t in sources],
        value_labels=[format_currency(t.mad, "MAD", locale=language) for _s, t in sources],
        x_label=str(_l("Dirhams")), y_label=str(_l("Source")), note=note)


def _quarter(q) -> str:
    return str(_l("Q%(number)s %(year)s", number=q.number, year=q.year))


def jobs(r: FundersReport) -> Chart:
    return Chart(
        key="jobs", title=str(_l("Jobs created per quarter")),
        description=str(_l("Jobs reported in the KPI reports whose period ended in each quarter.")),
        categories=[_quarter(q) for q in r.quarters], values=[float(q.jobs) for q in r.quarters],
        value_labels=[_n(q.jobs) for q in r.quarters], x_label=str(_l("Jobs")), y_label=str(_l("Quarter")))


def revenue(r: FundersReport) -> Chart:
    units = sorted({u for q in r.quarters for u in q.revenue}, key=lambda u: (u != "MAD", u))
    unit = units[0] if units else "MAD"
    language = current_language()
    others = [u for u in units if u != unit]
    note = str(_l("Revenue reported in %(units)s is in the tables, not in the bars.", units=", ".join(others))) \
        if others else ""
    amounts = [q.revenue.get(unit, Decimal(0)) for q in r.quarters]
    return Chart(
        key="revenue", title=str(_l("Revenue per quarter (%(unit)s)", unit=unit)),
        description=str(_l("Revenue reported in the KPI reports whose period ended in each quarter.")),
        categories=[_quarter(q) for q in r.quarters], values=[float(a) for a in amounts],
        value_labels=[format_currency(a, unit, locale=language) if len(unit) == 3 else _n(a) for a in amounts],
        x_label=unit, y_label=str(_l("Quarter")), note=note)


def funder_charts(r: FundersReport) -> list[Chart]:
    """The charts in reading order."""
    return [funnel(r), money_raised(r), jobs(r), revenue(r)]


def svg(chart: Chart) -> Markup:
    """The chart as the pipeline's accessible SVG."""
    return charts.bars(chart_id=f"funders-{chart.key}", title=chart.title, description=chart.description,
                       categories=chart.categories, values=chart.values, x_label=chart.x_label,
                       y_label=chart.y_label, value_labels=chart.value_labels)
