"""The funders' report's figures over time and in one currency: jobs and revenue per quarter of the
period, and the money raised by source in dirhams (at the exchange rates managers record)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cluster import money
from app.cluster.models import Funding
from app.cluster.queries import rate_book
from app.core.sqltime import instant
from app.kpis.models import KpiReport
from app.kpis.models import KpiValue

#: The metrics a funder reads over time (their keys in the workflows' `kpis:`).
JOBS, REVENUE = "jobs", "revenue"


@dataclass
class Quarter:
    year: int
    number: int
    jobs: Decimal = Decimal(0)
    #: unit (a currency) → revenue reported for periods ending in the quarter.
    revenue: dict[str, Decimal] = field(default_factory=dict)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)


def quarters_between(start: dt.date, end: dt.date) -> list[Quarter]:
    """Every calendar quarter the period touches, in order."""
    found, year, number = [], start.year, (start.month - 1) // 3 + 1
    while (year, number) <= (end.year, (end.month - 1) // 3 + 1):
        found.append(Quarter(year, number))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return found


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarterly(session: Session, ids, start_at: dt.datetime, end_at: dt.datetime) -> list[Quarter]:
    """Jobs and revenue of the submitted KPI reports whose period ended in the report's period, by the
    quarter it ended in (one statement, summed in SQL by period end)."""
    quarters = quarters_between(start_at.date(), (end_at - dt.timedelta(days=1)).date())
    by_key = {(q.year, q.number): q for q in quarters}
    rows = session.execute(
        select(KpiReport.period_end, KpiValue.metric_key, KpiValue.unit, func.sum(KpiValue.value))
        .join(KpiReport, KpiReport.id == KpiValue.report_id)
        .where(and_(KpiReport.project_id.in_(ids), KpiReport.status == "submitted",
                    KpiReport.period_end >= instant(start_at), KpiReport.period_end < instant(end_at)),
               KpiValue.metric_key.in_((JOBS, REVENUE)))
        .group_by(KpiReport.period_end, KpiValue.metric_key, KpiValue.unit))
    for period_end, metric, unit, total in rows:
        quarter = by_key.get(quarter_of(period_end.date()))
        if quarter is None:
            continue
        if metric == JOBS:
            quarter.jobs += Decimal(total)
        else:
            quarter.revenue[unit] = quarter.revenue.get(unit, Decimal(0)) + Decimal(total)
    return quarters


def money_by_source(session: Session, ids, start: dt.date, end: dt.date) -> dict[str, money.Totals]:
    """Financing granted in the period (by decision date), per source, in dirhams where rates allow."""
    book = rate_book(session)
    lines: dict[str, list[money.Amount]] = defaultdict(list)
    for source, amount, currency, decided_on in session.execute(
            select(Funding.source, Funding.amount, Funding.currency, Funding.decided_on)
            .where(Funding.project_id.in_(ids), Funding.status == "granted", Funding.decided_on >= start,
                   Funding.decided_on <= end)):
        lines[source].append(money.Amount(Decimal(amount), currency, decided_on))
    return {source: money.total(amounts, book) for source, amounts in sorted(lines.items())}
