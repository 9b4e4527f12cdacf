"""Cohorts fixtures: a cohort of any path and dates, made through the service."""

from __future__ import annotations

import datetime as dt

import pytest

from app.cohorts import services
from app.projects.models import Cohort
from tests.calls.conftest import attach  # noqa: F401  (fixtures shared with the calls tests)
from tests.calls.conftest import make_application  # noqa: F401
from tests.calls.conftest import make_call  # noqa: F401
from tests.calls.conftest import uploads  # noqa: F401
from tests.mentoring.conftest import web  # noqa: F401


@pytest.fixture
def make_cohort(session, manager, now):
    """Create and commit a cohort: `make_cohort("Autumn", workflow="accelerator_sprint")`."""

    def make(name: str = "Autumn 2026", *, workflow: str = "innovation_path", starts_in: int = -30,
             days: int = 120, demo_day_in: int | None = 60) -> Cohort:
        today = now.date()
        cohort = services.create_cohort(session, services.CohortInput(
            name, workflow, today + dt.timedelta(days=starts_in), today + dt.timedelta(days=starts_in + days),
            today + dt.timedelta(days=demo_day_in) if demo_day_in is not None else None), actor=manager, now=now)
        session.commit()
        return cohort

    return make
