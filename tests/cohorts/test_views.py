"""The cohorts' pages (list, create, edit), a project's cohort on its edit page, and the cohort
select of the pipeline (page and exports), the projects' list, the funders' report and a call."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from app.calls.models import Call
from app.projects import services as project_services
from app.projects.models import Cohort
from app.projects.models import Project
from tests.pipeline.test_query_counts import statements

NAMES = itertools.count(1)
FORM = {"name": "Spring 2027", "workflow": "innovation_path", "starts_on": "2027-03-01", "ends_on": "2027-07-01",
        "demo_day": "2027-06-20"}


@pytest.fixture
def placed(session, manager, make_project, make_cohort, now):
    """A cohort with one project in it, and a project outside any cohort."""
    cohort = make_cohort()
    inside, outside = make_project(name="Inside"), make_project(name="Outside")
    project_services.update_project(session, inside, version=inside.version, actor=manager, now=now,
                                    cohort_id=cohort.id)
    session.commit()
    return cohort, inside, outside


def test_the_cohorts_page_lists_each_cohort_with_its_project_count(web, manager, placed):
    cohort, _inside, _outside = placed

    page = web(manager).get("/cohorts").get_data(as_text=True)

    assert "Autumn 2026" in page
    assert f'href="/projects?cohort={cohort.id}"' in page and ">1</a>" in page
    assert 'href="/cohorts"' in web(manager).get("/pipeline").get_data(as_text=True)


def test_the_cohorts_page_says_when_there_is_none(web, manager):
    assert "No cohort yet" in web(manager).get("/cohorts").get_data(as_text=True)


def test_a_manager_creates_a_cohort(web, session, manager):
    response = web(manager).post("/cohorts/new", data=FORM)

    assert response.status_code == 302 and response.headers["Location"] == "/cohorts"
    assert session.scalars(select(Cohort.name)).all() == ["Spring 2027"]


@pytest.mark.parametrize(("changes", "message", "status"), [
    ({"ends_on": "2027-01-01"}, "The cohort cannot end before it starts.", 422),
    ({"demo_day": "2027-09-01"}, "The demo day falls between the cohort&#39;s start and end.", 422),
    ({"name": "Autumn 2026"}, "Already taken.", 409),
])
def test_refused_fields_are_shown_on_the_form(web, session, manager, make_cohort, changes, message, status):
    make_cohort()

    response = web(manager).post("/cohorts/new", data={**FORM, **changes})

    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert session.scalars(select(Cohort.name)).all() == ["Autumn 2026"]


def test_a_manager_edits_a_cohort(web, session, manager, make_cohort):
    cohort = make_cohort()
    client = web(manager)

    assert 'value="Autumn 2026"' in client.get(f"/cohorts/{cohort.id}/edit").get_data(as_text=True)
    response = client.post(f"/cohorts/{cohort.id}/edit", data={**FORM, "name": "Autumn 2026 bis"})

    assert response.status_code == 302
    session.refresh(cohort)
    assert (cohort.name, cohort.demo_day.isoformat()) == ("Autumn 2026 bis", "2027-06-20")


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_others_cannot_open_the_cohorts_pages(web, make_user, make_cohort, role):
    client, cohort = web(make_user(role)), make_cohort()

    assert client.get("/cohorts").status_code == 403
    assert client.post("/cohorts/new", data=FORM).status_code == 403
    assert client.get(f"/cohorts/{cohort.id}/edit").status_code == 403
    assert 'href="/cohorts"' not in client.get("/projects").get_data(as_text=True)


# A project's cohort ----------------------------------------------------------------------------

def edit_form(project: Project, **changes) -> dict:
    return {"name": project.name, "summary": project.summary, "pole": project.pole_key,
            "version": project.version, **changes}


def test_a_manager_puts_a_project_in_a_cohort_from_its_edit_page(web, session, manager, make_project, make_cohort):
    cohort, project = make_cohort(), make_project()
    client = web(manager)

    assert "Put in a cohort" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    response = client.post(f"/projects/{project.id}/edit", data=edit_form(project, cohort_id=str(cohort.id)))

    assert response.status_code == 302
    session.refresh(project)
    assert project.cohort_id == cohort.id
    assert "Cohort: Autumn 2026" in client.get(f"/projects/{project.id}").get_data(as_text=True)


def test_a_stale_edit_of_the_cohort_is_a_409(web, session, manager, make_project, make_cohort):
    cohort, project = make_cohort(), make_project()

    response = web(manager).post(f"/projects/{project.id}/edit",
                                 data=edit_form(project, cohort_id=str(cohort.id), version=9))

    assert response.status_code == 409
    session.refresh(project)
    assert project.cohort_id is None


def test_founders_see_no_cohort_field_and_keep_the_cohort(web, session, founder, placed):
    cohort, inside, _outside = placed
    client = web(founder)

    assert 'name="cohort_id"' not in client.get(f"/projects/{inside.id}/edit").get_data(as_text=True)
    response = client.post(f"/projects/{inside.id}/edit", data=edit_form(inside, name="Inside 2"))

    assert response.status_code == 302
    session.refresh(inside)
    assert (inside.name, inside.cohort_id) == ("Inside 2", cohort.id)


# Filters ---------------------------------------------------------------------------------------

def test_the_projects_list_filters_by_cohort(web, manager, placed):
    cohort, _inside, _outside = placed

    page = web(manager).get(f"/projects?cohort={cohort.id}").get_data(as_text=True)

    assert ">Inside</a>" in page and ">Outside</a>" not in page
    assert f'<option value="{cohort.id}" selected>Autumn 2026</option>' in page
    assert web(manager).get("/projects?cohort=autumn").status_code == 400


def test_the_pipeline_page_and_its_exports_filter_by_cohort(web, manager, placed):
    cohort, _inside, _outside = placed
    client = web(manager)

    page = client.get(f"/pipeline?cohort={cohort.id}").get_data(as_text=True)
    csv = client.get(f"/pipeline.csv?cohort={cohort.id}").get_data(as_text=True)

    assert f'<option value="{cohort.id}" selected>Autumn 2026</option>' in page
    assert ">Inside</a>" in page and ">Outside</a>" not in page
    assert f"/pipeline.csv?cohort={cohort.id}" in page
    stages = csv.split("\n\n")[0]
    assert "Innovation path,Idea,1," in stages  # the path's label, not its key
    assert client.get(f"/pipeline.xlsx?cohort={cohort.id}").status_code == 200


def test_the_funders_report_filters_by_cohort(web, api, manager, placed):
    cohort, _inside, _outside = placed

    page = web(manager).get(f"/reports/funders?cohort={cohort.id}").get_data(as_text=True)
    body = api(manager).get(f"/api/v1/reports/funders?cohort={cohort.id}").get_json()

    assert "Cohort: Autumn 2026" in page
    assert body["cohort"] == cohort.id and body["new_projects"] == 1
    assert api(manager).get("/api/v1/reports/funders").get_json()["new_projects"] == 2
    assert web(manager).get(f"/reports/funders.pdf?cohort={cohort.id}").status_code == 200


def test_a_manager_chooses_the_cohort_a_call_feeds(web, session, manager, make_call, make_cohort):
    call, cohort = make_call(), make_cohort()
    client = web(manager)

    assert 'name="cohort_id"' in client.get(f"/calls/{call.id}").get_data(as_text=True)
    response = client.post(f"/calls/{call.id}/cohort", data={"cohort_id": str(cohort.id)})

    assert response.status_code == 302
    session.refresh(call)
    assert call.cohort_id == cohort.id
    assert "Labelled projects join the cohort" in client.get(f"/calls/{call.id}").get_data(as_text=True)


def test_a_call_is_opened_feeding_a_cohort(web, session, manager, make_cohort, now):
    cohort = make_cohort()
    today = dt.date.today()  # the form compares with the real day
    form = {"title": "Call 2027", "poles": ["multimedia"], "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=30)).isoformat(), "criteria-0-title": "Innovation",
            "criteria-0-weight": "3", "stage": "innovation_path:project",
            "cohort_id": str(cohort.id), "requires_deck": "y"}

    response = web(manager).post("/calls/new", data=form)

    assert response.status_code == 302, response.get_data(as_text=True)
    assert session.scalars(select(Call.cohort_id)).all() == [cohort.id]


@pytest.mark.parametrize("path", ["/cohorts", "/api/v1/cohorts"])
def test_the_cohorts_list_runs_a_fixed_number_of_statements(engine, session, web, api, manager, make_cohort,
                                                          make_project, now, path):
    client = api(manager) if path.startswith("/api/") else web(manager)

    def grow(n: int) -> None:
        for _ in range(n):
            cohort, project = make_cohort(f"Cohort {next(NAMES)}"), make_project()
            project_services.update_project(session, project, version=project.version, actor=manager, now=now,
                                            cohort_id=cohort.id)
            session.commit()

    grow(1)
    assert client.get(path).status_code == 200
    with statements(engine) as small:
        assert client.get(path).status_code == 200
    grow(4)
    with statements(engine) as large:
        body = client.get(path).get_data(as_text=True)

    assert len(large) == len(small)
    assert body.count("Cohort ") >= 5
