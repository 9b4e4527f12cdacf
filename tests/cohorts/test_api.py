"""`/api/v1/cohorts` and a project's `cohort_id`: shapes, refusals (problem+json naming fields),
rights, and the cohort filters of the projects' list, the pipeline and the calls."""

from __future__ import annotations

import pytest

from app.projects import services as project_services
from tests.calls.test_api import CALL

BODY = {"name": "Autumn 2026", "workflow": "innovation_path", "starts_on": "2026-09-01",
        "ends_on": "2026-12-20", "demo_day": "2026-12-10"}


def test_a_manager_creates_and_lists_cohorts(api, manager):
    created = api(manager).post("/api/v1/cohorts", json=BODY)

    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in BODY} == BODY and body["project_count"] == 0
    listed = api(manager).get("/api/v1/cohorts").get_json()
    assert (listed["total"], listed["page"], listed["per_page"]) == (1, 1, 20)
    assert listed["items"] == [body]


@pytest.mark.parametrize(("changes", "fields"), [
    ({"workflow": "no_such_path"}, {"workflow"}),
    ({"ends_on": "2026-08-01"}, {"ends_on"}),
    ({"demo_day": "2027-03-01"}, {"demo_day"}),
    ({"starts_on": "not a date"}, {"starts_on"}),
])
def test_invalid_fields_are_a_422_naming_them(api, manager, changes, fields):
    response = api(manager).post("/api/v1/cohorts", json={**BODY, **changes})

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert set(response.get_json()["errors"]) == fields


def test_a_taken_name_is_a_409_naming_the_field(api, manager):
    assert api(manager).post("/api/v1/cohorts", json=BODY).status_code == 201

    response = api(manager).post("/api/v1/cohorts", json={**BODY, "starts_on": "2026-09-02"})

    assert response.status_code == 409 and list(response.get_json()["errors"]) == ["name"]


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_read_and_write_cohorts(api, make_user, make_cohort, role):
    client = api(make_user(role))
    cohort = make_cohort()

    assert client.get("/api/v1/cohorts").status_code == 403
    assert client.post("/api/v1/cohorts", json=BODY).status_code == 403
    assert client.get(f"/api/v1/cohorts/{cohort.id}").status_code == 403
    assert client.patch(f"/api/v1/cohorts/{cohort.id}", json={"name": "Mine"}).status_code == 403


def test_a_manager_reads_and_changes_one_cohort(api, manager, make_cohort):
    cohort = make_cohort(demo_day_in=60)

    changed = api(manager).patch(f"/api/v1/cohorts/{cohort.id}", json={"name": "Autumn", "demo_day": None})

    assert changed.status_code == 200
    assert (changed.get_json()["name"], changed.get_json()["demo_day"]) == ("Autumn", None)
    assert api(manager).get(f"/api/v1/cohorts/{cohort.id}").get_json()["name"] == "Autumn"
    assert api(manager).get("/api/v1/cohorts/999999").status_code == 404


# A project's cohort ----------------------------------------------------------------------------

def test_a_manager_sets_a_projects_cohort_with_patch(api, manager, make_project, make_cohort):
    cohort, project = make_cohort(), make_project()

    response = api(manager).patch(f"/api/v1/projects/{project.id}", json={"cohort_id": cohort.id, "version": 1})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["cohort_id"], body["cohort"], body["version"]) == (cohort.id, {"id": cohort.id,
                                                                                "name": "Autumn 2026"}, 2)
    listed = api(manager).get(f"/api/v1/projects?cohort={cohort.id}").get_json()
    assert [(p["id"], p["cohort_id"]) for p in listed["items"]] == [(project.id, cohort.id)]
    assert api(manager).get(f"/api/v1/cohorts/{cohort.id}").get_json()["project_count"] == 1


def test_a_founder_changing_the_cohort_gets_403_and_nothing_changes(api, founder, make_project, make_cohort):
    cohort, project = make_cohort(), make_project()
    client = api(founder)

    refused = client.patch(f"/api/v1/projects/{project.id}", json={"cohort_id": cohort.id, "name": "X", "version": 1})
    same = client.patch(f"/api/v1/projects/{project.id}", json={"cohort_id": None, "name": "Atlas 2", "version": 1})

    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert same.status_code == 200 and (same.get_json()["name"], same.get_json()["cohort_id"]) == ("Atlas 2", None)


def test_a_cohort_of_another_path_is_a_422_on_cohort_id(api, manager, make_project, make_cohort):
    sprint, project = make_cohort(workflow="accelerator_sprint"), make_project()

    response = api(manager).patch(f"/api/v1/projects/{project.id}", json={"cohort_id": sprint.id, "version": 1})

    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["cohort_id"]


def test_a_stale_version_is_a_409(api, manager, make_project, make_cohort):
    cohort, project = make_cohort(), make_project()

    response = api(manager).patch(f"/api/v1/projects/{project.id}", json={"cohort_id": cohort.id, "version": 7})

    assert response.status_code == 409


# Filters and calls ------------------------------------------------------------------------------

def test_the_pipeline_counts_the_cohorts_projects_only(api, session, manager, make_project, make_cohort, now):
    cohort = make_cohort()
    inside, _outside = make_project(name="Inside"), make_project(name="Outside")
    project_services.update_project(session, inside, version=inside.version, actor=manager, now=now,
                                    cohort_id=cohort.id)
    session.commit()

    assert api(manager).get("/api/v1/pipeline").get_json()["total"] == 2
    assert api(manager).get(f"/api/v1/pipeline?cohort={cohort.id}").get_json()["total"] == 1
    assert api(manager).get("/api/v1/pipeline?cohort=2026").get_json()["total"] == 0  # an id, not a year


def test_a_call_names_the_cohort_it_feeds(api, manager, make_cohort, now):
    cohort = make_cohort()

    created = api(manager).post("/api/v1/calls", json={**CALL, "cohort_id": cohort.id})
    wrong = api(manager).post("/api/v1/calls", json={**CALL, "cohort_id": 999_999})

    assert created.status_code == 201 and created.get_json()["cohort_id"] == cohort.id
    assert api(manager).get(f"/api/v1/calls/{created.get_json()['id']}").get_json()["cohort_id"] == cohort.id
    assert wrong.status_code == 422 and "cohort_id" in wrong.get_json()["errors"]
