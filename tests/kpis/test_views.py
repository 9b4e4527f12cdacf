"""The KPI pages: the form on the report page, the project panel, the managers' list, the pipeline."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update

from app.kpis.models import KpiReport
from tests.kpis.conftest import MONTH

FORM = {"value_revenue": "12 000,50", "value_customers": "3", "value_jobs": "2", "value_money_raised": "0"}


def make_late(session, report, now) -> None:
    session.execute(update(KpiReport).where(KpiReport.id == report.id).values(due_at=now - MONTH))
    session.commit()


def test_the_founders_fill_the_report_in_from_the_project_s_figures_tab(session, web, report, project, founder):
    client = web(founder)

    panel = client.get(f"/projects/{project.id}/progress").get_data(as_text=True)
    response = client.post(f"/kpi-reports/{report.id}", data={**FORM, "version": str(report.version)})

    assert "This stage asks for figures every 30 days" in panel and f"/kpi-reports/{report.id}" in panel
    assert response.status_code == 303
    session.refresh(report)
    assert report.status == "submitted"
    assert report.value_map()["revenue"].value == Decimal("12000.50")


def test_an_invalid_figure_re_renders_the_form_with_the_error(session, web, report, founder):
    response = web(founder).post(f"/kpi-reports/{report.id}", data={**FORM, "value_customers": "two"})

    assert response.status_code == 422
    assert 'id="value_customers-errors"' in response.get_data(as_text=True)
    session.refresh(report)
    assert report.status == "open"


def test_a_mentor_sees_the_figures_without_the_form_and_gets_403_on_post(web, report, project, assign, mentor):
    assign(project, mentor)
    client = web(mentor)

    page = client.get(f"/kpi-reports/{report.id}").get_data(as_text=True)

    assert "Trail of changes" in page and 'name="value_revenue"' not in page
    assert client.post(f"/kpi-reports/{report.id}", data=FORM).status_code == 403


def test_a_founder_of_another_project_gets_404(web, report, other_founder):
    assert web(other_founder).get(f"/kpi-reports/{report.id}").status_code == 404


def test_late_reports_show_on_the_pipeline_and_the_managers_list(session, web, report, manager, founder, now):
    make_late(session, report, now)
    client = web(manager)

    pipeline = client.get("/pipeline").get_data(as_text=True)
    late_list = client.get("/kpi-reports?late=1").get_data(as_text=True)

    assert '<strong>1</strong> <a href="/kpi-reports?late=1">late KPI reports</a>' in pipeline
    assert "1 late report<" in pipeline  # one report: the singular
    assert "Darija Voice" in late_list and "late" in late_list
    assert web(founder).get("/kpi-reports").status_code == 403


def test_the_pipeline_api_counts_late_reports(session, api, report, manager, now):
    make_late(session, report, now)

    assert api(manager).get("/api/v1/pipeline").get_json()["late_kpi_reports"] == 1
