"""Cohorts through the services: their fields checked, a project put in one by managers only (of its
own path), a call's label putting its project in the call's cohort."""

from __future__ import annotations

import datetime as dt

import pytest

from app.calls import evaluation
from app.calls import services as call_services
from app.cohorts import services
from app.core.errors import ConcurrentEdit
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.projects import services as project_services
from tests.calls.conftest import CRITERIA
from tests.calls.conftest import QUESTIONS

DAY = dt.date(2026, 9, 1)


def data(**changes) -> services.CohortInput:
    fields = {"name": "Autumn 2026", "workflow": "innovation_path", "starts_on": DAY,
              "ends_on": DAY + dt.timedelta(days=120), "demo_day": DAY + dt.timedelta(days=100)}
    return services.CohortInput(**{**fields, **changes})


def test_a_manager_creates_a_cohort(session, manager, now):
    cohort = services.create_cohort(session, data(name="  Autumn 2026 "), actor=manager, now=now)

    assert cohort.id is not None
    assert (cohort.name, cohort.workflow_key, cohort.demo_day) == ("Autumn 2026", "innovation_path",
                                                                   DAY + dt.timedelta(days=100))


@pytest.mark.parametrize(("changes", "field"), [
    ({"workflow": "no_such_path"}, "workflow"),
    ({"name": "  "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"ends_on": DAY - dt.timedelta(days=1)}, "ends_on"),
    ({"ends_on": DAY + dt.timedelta(days=4 * 365)}, "ends_on"),
    ({"demo_day": DAY - dt.timedelta(days=1)}, "demo_day"),
    ({"demo_day": DAY + dt.timedelta(days=121)}, "demo_day"),
    ({"starts_on": dt.date(1999, 12, 31)}, "starts_on"),
])
def test_invalid_fields_are_named(session, manager, now, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        services.create_cohort(session, data(**changes), actor=manager, now=now)

    assert field in refused.value.errors


def test_a_name_is_used_once(session, manager, now):
    services.create_cohort(session, data(), actor=manager, now=now)
    session.commit()

    with pytest.raises(Conflict) as refused:
        services.create_cohort(session, data(starts_on=DAY + dt.timedelta(days=1)), actor=manager, now=now)

    assert "name" in refused.value.errors


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_create_cohorts(session, make_user, now, role):
    with pytest.raises(Forbidden):
        services.create_cohort(session, data(), actor=make_user(role), now=now)


def test_a_cohort_in_use_keeps_its_path(session, manager, make_project, make_cohort, now):
    cohort, project = make_cohort(), make_project()
    project_services.update_project(session, project, version=project.version, actor=manager, now=now,
                                    cohort_id=cohort.id)
    session.commit()

    with pytest.raises(ValidationFailed) as refused:
        services.update_cohort(session, cohort, data(workflow="accelerator_sprint"), actor=manager)
    services.update_cohort(session, cohort, data(name="Autumn 2026 (renamed)"), actor=manager)

    assert "workflow" in refused.value.errors
    assert cohort.name == "Autumn 2026 (renamed)"


# A project's cohort ----------------------------------------------------------------------------

def test_a_manager_puts_a_project_in_a_cohort_and_takes_it_out(session, manager, make_project, make_cohort, now):
    cohort, project = make_cohort(), make_project()

    project_services.update_project(session, project, version=project.version, actor=manager, now=now,
                                    cohort_id=cohort.id)
    assert (project.cohort_id, project.cohort.name, project.version) == (cohort.id, "Autumn 2026", 2)

    project_services.update_project(session, project, version=project.version, actor=manager, now=now,
                                    cohort_id=None)
    assert (project.cohort_id, project.cohort) == (None, None)


def test_a_founder_cannot_change_the_cohort_but_may_send_the_one_it_has(session, manager, founder, make_project,
                                                                         make_cohort, now):
    cohort, project = make_cohort(), make_project()

    with pytest.raises(Forbidden):
        project_services.update_project(session, project, version=project.version, actor=founder, now=now,
                                        cohort_id=cohort.id)
    session.rollback()
    project_services.update_project(session, project, version=project.version, actor=founder, now=now,
                                    name="Atlas 2", cohort_id=None)

    assert (project.name, project.cohort_id) == ("Atlas 2", None)


def test_a_project_joins_only_a_cohort_of_its_path(session, manager, make_project, make_cohort, now):
    sprint, project = make_cohort(workflow="accelerator_sprint"), make_project()

    for cohort_id in (sprint.id, 999_999):
        with pytest.raises(ValidationFailed) as refused:
            project_services.update_project(session, project, version=project.version, actor=manager, now=now,
                                            cohort_id=cohort_id)
        assert list(refused.value.errors) == ["cohort_id"]


def test_a_stale_version_is_refused(session, manager, make_project, make_cohort, now):
    cohort, project = make_cohort(), make_project()

    with pytest.raises(ConcurrentEdit):
        project_services.update_project(session, project, version=project.version + 1, actor=manager,
                                        now=now, cohort_id=cohort.id)


# A call feeds a cohort ------------------------------------------------------------------------

def open_call(session, manager, now, **kwargs):
    return call_services.create_call(
        session, actor=manager, now=now, title="Call", description="", poles=["multimedia"],
        opens_on=now.date(), closes_on=now.date() + dt.timedelta(days=10), criteria=CRITERIA, questions=QUESTIONS,
        workflow="innovation_path", stage="project", timezone="UTC", **kwargs)


def test_a_call_feeds_only_a_cohort_of_its_path(session, manager, make_cohort, now):
    sprint = make_cohort(workflow="accelerator_sprint")

    with pytest.raises(ValidationFailed) as refused:
        open_call(session, manager, now, cohort_id=sprint.id)

    assert "cohort_id" in refused.value.errors


def test_a_labelled_application_joins_the_calls_cohort(session, manager, make_cohort, make_application, now):
    cohort = make_cohort()
    call = open_call(session, manager, now, cohort_id=cohort.id)
    session.commit()
    application = make_application(call)

    decision = evaluation.decide(session, application, "labelled", actor=manager, now=now, comment="Welcome.")

    assert (decision.project.cohort_id, decision.project.stage) == (cohort.id, "project")


def test_a_calls_cohort_changed_later_feeds_the_next_labels(session, manager, make_cohort, make_application, now):
    call = open_call(session, manager, now)
    session.commit()
    first = evaluation.decide(session, make_application(call), "labelled", actor=manager, now=now).project
    session.commit()
    cohort = make_cohort()

    call_services.set_call_cohort(session, call, cohort.id, actor=manager)
    session.commit()
    second = evaluation.decide(session, make_application(call, title="Second"), "labelled", actor=manager,
                               now=now).project

    assert (first.cohort_id, second.cohort_id) == (None, cohort.id)
