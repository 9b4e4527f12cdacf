"""KPI reports through the API: status codes, who reads, who writes, the trail."""

from __future__ import annotations

import pytest

from app.kpis import services
from tests.kpis.conftest import figures

BODY = {"values": {"revenue": {"value": "12000.50", "unit": "MAD"}, "customers": {"value": 3},
                   "jobs": {"value": 2}, "money_raised": {"value": "0"}}}


def test_the_founders_give_the_figures_and_read_the_trail(api, session, report, founder):
    response = api(founder).put(f"/api/v1/kpi-reports/{report.id}", json={**BODY, "version": report.version})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["late"], body["submitted_by"]) == ("submitted", False,
                                                                    {"id": founder.id, "name": founder.name})
    assert body["values"] == {"revenue": {"value": "12000.5", "unit": "MAD"}, "customers": {"value": "3", "unit": ""},
                              "jobs": {"value": "2", "unit": ""}, "money_raised": {"value": "0", "unit": "MAD"}}
    assert [(c["metric"], c["old_value"], c["new_value"]) for c in body["changes"]][:2] == [
        ("revenue", None, "12000.5"), ("customers", None, "3")]
    assert [m["key"] for m in body["metrics"]] == ["revenue", "customers", "jobs", "money_raised"]


def test_a_correction_without_a_reason_is_422_and_with_one_200(api, session, report, founder, now):
    services.submit_report(session, report, actor=founder, now=now, values=figures())
    session.commit()
    client = api(founder)

    refused = client.put(f"/api/v1/kpi-reports/{report.id}", json={"values": {"jobs": {"value": 4}}})
    accepted = client.put(f"/api/v1/kpi-reports/{report.id}",
                          json={"values": {"jobs": {"value": 4}}, "reason": "Two interns hired."})

    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    assert accepted.status_code == 200
    last = accepted.get_json()["changes"][-1]
    assert last == {"metric": "jobs", "old_value": "2", "new_value": "4", "unit": "", "at": last["at"],
                    "by": {"id": founder.id, "name": founder.name}, "reason": "Two interns hired."}


@pytest.mark.parametrize(("values", "field"), [
    ({**BODY["values"], "customers": {"value": "1.5"}}, "values.customers"),
    ({**BODY["values"], "revenue": {"value": "10", "unit": "EUR"}}, "values.revenue"),
    ({**BODY["values"], "revenue": {"value": "-10"}}, "values.revenue"),
    ({"revenue": {"value": "10"}}, "values.jobs"),
    ({**BODY["values"], "revenue": {"value": "ten"}}, "values.revenue.value"),
])
def test_invalid_figures_are_422(api, report, founder, values, field):
    response = api(founder).put(f"/api/v1/kpi-reports/{report.id}", json={"values": values})

    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_stale_version_is_409(api, session, report, founder, now):
    version = report.version
    services.submit_report(session, report, actor=founder, now=now, values=figures())
    session.commit()

    response = api(founder).put(f"/api/v1/kpi-reports/{report.id}",
                                json={**BODY, "reason": "late edit", "version": version})

    assert response.status_code == 409


def test_mentors_and_commission_members_read_but_get_403_on_writes(api, report, project, assign, mentor,
                                                                   commission_member):
    assign(project, mentor)
    for user in (mentor, commission_member):
        client = api(user)
        assert client.get(f"/api/v1/kpi-reports/{report.id}").status_code == 200
        assert client.get(f"/api/v1/projects/{project.id}/kpi-reports").get_json()["total"] == 1
        assert client.put(f"/api/v1/kpi-reports/{report.id}", json=BODY).status_code == 403


def test_a_founder_of_another_project_gets_404(api, report, project, other_founder):
    client = api(other_founder)

    assert client.get(f"/api/v1/kpi-reports/{report.id}").status_code == 404
    assert client.put(f"/api/v1/kpi-reports/{report.id}", json=BODY).status_code == 404
    assert client.get(f"/api/v1/projects/{project.id}/kpi-reports").status_code == 404
    assert client.get("/api/v1/kpi-reports/999999").status_code == 404


def test_managers_list_late_reports_and_founders_may_not(api, report, manager, founder):
    late = api(manager).get("/api/v1/kpi-reports?late=1").get_json()
    everything = api(manager).get("/api/v1/kpi-reports").get_json()

    assert late["total"] == 0  # due in two weeks after its period: not late yet
    assert [i["id"] for i in everything["items"]] == [report.id]
    assert "changes" not in everything["items"][0]
    assert api(founder).get("/api/v1/kpi-reports").status_code == 403
