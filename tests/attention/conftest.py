"""Attention fixtures: a gate review request in a project's history, a call, a late KPI report."""

from __future__ import annotations

import datetime as dt

import pytest

from app.calls import services as call_services
from app.kpis.models import KpiReport
from app.projects import services as project_services
from app.projects.models import Project


@pytest.fixture
def request_review(session, now, tick_all):
    """The founder ticks the stage's deliverables and fires the workflow's `request_review` at `at`."""

    def add(project: Project, actor, *, at: dt.datetime | None = None) -> None:
        tick_all(project, actor)
        project_services.fire_event(session, project, "request_review", actor=actor, now=at or now,
                                    version=project.version, comment="Ready for the gate.")
        session.commit()

    return add


@pytest.fixture
def make_call(session, manager, now):
    """An open call without a deck, closing in `closes_in`."""

    def make(*, title: str = "Call 2026", closes_in: dt.timedelta = dt.timedelta(days=5),
             poles: tuple[str, ...] = ("multimedia",)):
        call = call_services.create_call(
            session, actor=manager, now=now - dt.timedelta(days=10), title=title, description="Bring your project.",
            poles=list(poles), opens_on=(now - dt.timedelta(days=10)).date(), closes_on=(now + closes_in).date(),
            criteria=[call_services.CriterionInput("innovation", "Innovation", 1)],
            questions=[call_services.QuestionInput("problem", "Which problem?")], workflow="innovation_path",
            stage="idea", timezone="UTC", requires_deck=False)
        session.commit()
        return call

    return make


@pytest.fixture
def submit(session, make_user, now):
    """A submitted application to `call` by a new founder."""

    def make(call, *, title: str = "MobiHealth"):
        applicant = make_user("founder")
        application = call_services.create_application(
            session, call, actor=applicant, now=now, title=title, summary="Health by SMS.", pole="multimedia",
            answers={"problem": "Clinics are far."})
        call_services.submit_application(session, application, actor=applicant, now=now)
        session.commit()
        return application

    return make


@pytest.fixture
def late_report(session, now):
    """An open KPI report of the project, due yesterday."""

    def make(project: Project) -> KpiReport:
        report = KpiReport(project_id=project.id, stage=project.stage, period_start=now - dt.timedelta(days=40),
                           period_end=now - dt.timedelta(days=10), due_at=now - dt.timedelta(days=1), metrics=[])
        session.add(report)
        session.commit()
        return report

    return make
