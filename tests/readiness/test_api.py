"""`GET, POST /api/v1/projects/{id}/assessments`: status codes, sides, who sees and who scores."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.readiness.models import Assessment
from tests.readiness.conftest import scores


def count(session) -> int:
    return session.scalar(select(func.count(Assessment.id)))


@pytest.mark.parametrize(("who", "side"), [("founder", "founder"), ("staffed", "mentor"), ("manager", "mentor")])
def test_members_mentors_and_managers_score_and_get_201(api, session, project, request, who, side):
    actor = request.getfixturevalue(who)

    response = api(actor).post(f"/api/v1/projects/{project.id}/assessments",
                               json={"scores": scores(funding=2), "comment": "Evidence: 3 pilots."})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["by"] == side and body["at"].endswith("Z")
    assert body["scores"] == scores(funding=2)
    assert body["weakest"] == ["funding"]
    assert body["author"] == {"id": actor.id, "name": actor.name}
    assert (body["project_id"], body["stage"], body["comment"]) == (project.id, "idea", "Evidence: 3 pilots.")
    assert count(session) == 1


def test_the_list_holds_both_sides_newest_first(api, project, founder, staffed, commission_member):
    api(founder).post(f"/api/v1/projects/{project.id}/assessments", json={"scores": scores()})
    api(staffed).post(f"/api/v1/projects/{project.id}/assessments", json={"scores": scores(team=3)})

    response = api(commission_member).get(f"/api/v1/projects/{project.id}/assessments")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"]) == (2, 1)
    assert [i["by"] for i in body["items"]] == ["mentor", "founder"]


def test_commission_members_read_but_do_not_score(api, session, project, commission_member):
    response = api(commission_member).post(f"/api/v1/projects/{project.id}/assessments", json={"scores": scores()})

    assert response.status_code == 403
    assert response.content_type.startswith("application/problem+json")
    assert count(session) == 0


def test_a_founder_of_another_project_gets_404_both_ways(api, session, project, other_founder):
    client = api(other_founder)

    assert client.get(f"/api/v1/projects/{project.id}/assessments").status_code == 404
    assert client.post(f"/api/v1/projects/{project.id}/assessments", json={"scores": scores()}).status_code == 404
    assert count(session) == 0


@pytest.mark.parametrize(("body", "field"), [
    ({"scores": scores(ip=10)}, "scores.ip"),
    ({"scores": {"technology": 4}}, "scores.customer"),
    ({"scores": {**scores(), "marketing": 2}}, "scores.marketing"),
    ({"scores": scores(team="high")}, "scores.team"),
    ({"scores": scores(), "by": "mentor"}, "by"),
    ({}, "scores"),
])
def test_invalid_scores_are_422_naming_the_field(api, session, project, founder, body, field):
    response = api(founder).post(f"/api/v1/projects/{project.id}/assessments", json=body)

    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert count(session) == 0


def test_anonymous_gets_401(api, project):
    assert api().get(f"/api/v1/projects/{project.id}/assessments").status_code == 401


def test_the_openapi_document_lists_assessments_kpis_and_the_funders_report(api, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/projects/{project_id}/assessments"])
    assert paths["/api/v1/projects/{project_id}/assessments"]["post"]["responses"].keys() >= {"201", "403", "404",
                                                                                              "422"}
    assert "get" in paths["/api/v1/reports/funders"]
    assert {p["name"] for p in paths["/api/v1/reports/funders"]["get"]["parameters"]} == {"from", "to", "pole",
                                                                                          "cohort"}
    assert {"get", "put"} <= set(paths["/api/v1/kpi-reports/{report_id}"])
    assert "get" in paths["/api/v1/projects/{project_id}/kpi-reports"]
