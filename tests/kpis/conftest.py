"""KPI fixtures: a project in a stage that asks for monthly figures, and reports opened as the sweep does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.kpis import sweep as kpi_sweep
from app.kpis.models import KpiReport
from app.kpis.services import ValueInput
from app.projects.models import Project
from tests.mentoring.conftest import web  # noqa: F401  (the signed-in browser fixture)

MONTH = dt.timedelta(days=30)
GRACE = dt.timedelta(days=14)


def figures(**overrides) -> dict[str, ValueInput]:
    """A full, valid set of figures for the commercialisation report."""
    values = {"revenue": "12000.50", "customers": "3", "jobs": "2", "money_raised": "0", **overrides}
    return {k: ValueInput(v) for k, v in values.items() if v is not None}


@pytest.fixture
def project(make_project) -> Project:
    """A project that entered commercialisation (monthly figures) at `now`."""
    return make_project(name="Darija Voice", stage="commercialisation")


@pytest.fixture
def open_reports(session):
    """`open_reports(at)`: the sweep's opening step at that instant, committed; returns every report."""

    def run(at: dt.datetime) -> list[KpiReport]:
        kpi_sweep.open_due(session, now=at, grace=GRACE)
        session.commit()
        return list(session.scalars(select(KpiReport).order_by(KpiReport.id)))

    return run


@pytest.fixture
def report(project, open_reports, now) -> KpiReport:
    """The project's first monthly report, open."""
    [first] = open_reports(now + MONTH)
    return first




# The check-ins' real SMTP server, its guard against any other SMTP (autouse) and the sweep fixture.
from tests.checkins.conftest import mail_app  # noqa: E402,F401
from tests.checkins.conftest import smtp_allowed  # noqa: E402,F401
from tests.checkins.conftest import smtp_server  # noqa: E402,F401
from tests.checkins.conftest import sweep  # noqa: E402,F401
