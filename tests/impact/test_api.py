"""`GET /api/v1/reports/funders`: the same figures as the page, for managers only."""

from __future__ import annotations

import pytest


def test_managers_get_every_figure_for_the_period(api, manager, world):
    response = api(manager).get("/api/v1/reports/funders?from=2030-01-01&to=2030-12-31")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["period"], body["pole"], body["cohort"]) == ({"from": "2030-01-01", "to": "2030-12-31"}, None, None)
    idea = next(s for s in body["stages"] if s["workflow"] == "innovation_path" and s["stage"] == "idea")
    assert idea == {"workflow": "innovation_path", "stage": "idea", "label": "Idea", "at_start": 1, "entered": 2,
                    "left": 1, "at_end": 2, "in_progress_at_end": 2, "gates_passed": 1}
    assert body["by_status_at_end"] == {"active": 3, "abandoned": 2, "on_hold": 1}
    assert (body["new_projects"], body["stage_changes"], body["projects_moved"], body["gates_passed"]) == (1, 3, 2, 2)
    assert (body["jobs_created"], body["revenue"]) == ("3", {"MAD": "2000.5"})
    assert body["kpi_reports"] == {"due": 3, "submitted": 2}
    assert body["money_raised"][0] == {"source": "business_angel", "currency": "MAD", "amount": "250000.00",
                                       "lines": 2, "projects": 2}
    assert body["survival"] == [{"years": 1, "cohort": 5, "alive": 4, "rate": 0.8},
                                {"years": 2, "cohort": 2, "alive": 1, "rate": 0.5},
                                {"years": 3, "cohort": 1, "alive": 0, "rate": 0.0}]
    assert body["mentoring"] == {"hours": "2", "sessions": 2, "projects": 2, "office_hours_booked": "0",
                                 "office_hours_held": "0"}
    assert body["support_requests"] == {"received": 3, "served": 2}
    assert body["members"] == {"count": 3, "joined": 1, "target": 40}


def test_the_pole_and_cohort_filters_apply(api, manager, world):
    cohort = world.cohorts[2028].id
    body = api(manager).get("/api/v1/reports/funders?from=2030-01-01&to=2030-12-31&pole=software_packages"
                            f"&cohort={cohort}").get_json()

    assert (body["pole"], body["cohort"]) == ("software_packages", cohort)
    assert body["by_status_at_end"] == {"abandoned": 1}
    assert body["survival"][0] == {"years": 1, "cohort": 1, "alive": 0, "rate": 0.0}


def test_an_empty_period_answers_zeros(api, manager):
    body = api(manager).get("/api/v1/reports/funders?from=2035-01-01&to=2035-01-31").get_json()

    assert body["stage_changes"] == 0 and body["jobs_created"] == "0" and body["money_raised"] == []
    assert all(s["at_end"] == 0 for s in body["stages"])
    assert body["survival"][0] == {"years": 1, "cohort": 0, "alive": 0, "rate": None}


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_others_get_403(api, make_user, role):
    assert api(make_user(role)).get("/api/v1/reports/funders").status_code == 403


def test_anonymous_gets_401_and_a_bad_period_400(api, manager):
    assert api().get("/api/v1/reports/funders").status_code == 401
    response = api(manager).get("/api/v1/reports/funders?from=2030-12-31&to=2030-01-01")
    assert response.status_code == 400
    assert response.content_type.startswith("application/problem+json")
    assert api(manager).get("/api/v1/reports/funders?to=31/12/2030").status_code == 400
