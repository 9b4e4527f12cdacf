"""The project page's readiness panel, the scoring form, and mentor suggestions for the weakest dimension."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.checkins.models import CheckIn
from app.mentoring import services as mentoring_services
from app.mentoring.models import MentorProfile
from app.mentoring.suggestions import suggest_for
from app.projects import services as project_services
from app.readiness import charts
from app.readiness import queries
from app.readiness import services
from app.readiness.models import Assessment
from tests.readiness.conftest import scores


def form_data(**overrides: int) -> dict[str, str]:
    return {f"score_{k}": str(v) for k, v in scores(**overrides).items()}


def test_the_page_shows_the_latest_pair_the_weakest_dimension_and_both_charts(
        session, web, project, founder, staffed, now):
    services.log_assessment(session, project, actor=founder, now=now - dt.timedelta(days=30), scores=scores())
    services.log_assessment(session, project, actor=founder, now=now, scores=scores(technology=8))
    services.log_assessment(session, project, actor=staffed, now=now, scores=scores(customer=2))
    session.commit()

    html = web(founder).get(f"/projects/{project.id}/progress").get_data(as_text=True)

    panel = html[html.index('id="readiness"'):html.index('id="kpis"')]
    assert panel.count("<svg") == 2
    assert "Readiness: latest assessments" in panel and "Readiness over time" in panel
    assert "Customer <strong class=\"badge bad\">weakest</strong>" in panel
    assert "▼ Customer (weakest)" in svg_text(panel)  # marked on the radar too (its label may wrap)
    assert "Product complete and qualified" in panel  # level 8's descriptor, next to the founders' 8
    assert "Score readiness" in panel


def test_the_scoring_form_shows_every_level_s_descriptor_and_saves(session, web, project, founder):
    client = web(founder)

    page = client.get(f"/projects/{project.id}/readiness/new").get_data(as_text=True)
    response = client.post(f"/projects/{project.id}/readiness/new", data={**form_data(ip=3), "comment": "ok"})

    assert "1 — Idea of a technical solution" in page and "9 — IP granted and actively managed" in page
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/projects/{project.id}/progress#readiness")
    [saved] = session.scalars(select(Assessment)).all()
    assert (saved.side, saved.score_map()["ip"], saved.comment) == ("founder", 3, "ok")


def test_a_missing_level_re_renders_the_form_with_the_error(session, web, project, founder):
    data = form_data()
    del data["score_team"]

    response = web(founder).post(f"/projects/{project.id}/readiness/new", data=data)

    assert response.status_code == 422
    assert 'id="score_team-errors"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Assessment.id))) == 0


def test_commission_members_see_the_panel_without_the_button_and_get_403_on_the_form(
        session, web, project, founder, commission_member, now):
    services.log_assessment(session, project, actor=founder, now=now, scores=scores())
    session.commit()
    client = web(commission_member)

    html = client.get(f"/projects/{project.id}/progress").get_data(as_text=True)

    assert 'id="readiness"' in html and "Score readiness" not in html
    assert client.get(f"/projects/{project.id}/readiness/new").status_code == 403
    assert client.post(f"/projects/{project.id}/readiness/new", data=form_data()).status_code == 403


def test_a_founder_of_another_project_gets_404(web, project, other_founder):
    assert web(other_founder).get(f"/projects/{project.id}/readiness/new").status_code == 404


def test_a_due_check_in_prompts_each_side_to_score(session, web, project, founder, manager, mentor, now):
    mentoring_services.assign_mentor(session, project, mentor, actor=manager, now=now, override=True)
    session.execute(update(CheckIn).where(CheckIn.project_id == project.id).values(status="due", due_at=now))
    session.commit()
    prompt = "A check-in is due: score the project's readiness for it."

    assert prompt in web(founder).get(f"/projects/{project.id}/progress").get_data(as_text=True)
    services.log_assessment(session, project, actor=founder, now=now, scores=scores())
    session.commit()
    assert prompt not in web(founder).get(f"/projects/{project.id}/progress").get_data(as_text=True)
    assert prompt in web(mentor).get(f"/projects/{project.id}/progress").get_data(as_text=True)


def test_a_gate_in_sight_prompts_a_score(session, web, project, founder, tick_all):
    prompt = "score the project's readiness before the gate review"
    assert prompt not in web(founder).get(f"/projects/{project.id}/progress").get_data(as_text=True)

    tick_all(project, founder)

    assert prompt in web(founder).get(f"/projects/{project.id}/progress").get_data(as_text=True)


def test_the_radar_and_the_trend_are_accessible_svg(session, project):
    scale = queries.scale_of(session, project)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    radar = charts.radar(chart_id="r", title="Radar", description="Both sides", scale=scale,
                         pair={"founder": scores(), "mentor": None}, side_labels={"founder": "F", "mentor": "M"},
                         weakest=("team",), weakest_label="weakest")
    trend = charts.trend(chart_id="t", title="Trend", description="Over time", scale=scale,
                         points=[charts.Point(at, "founder", scores()), charts.Point(at, "mentor", scores(ip=2))],
                         side_labels={"founder": "F", "mentor": "M"}, date_format=lambda d: d.date().isoformat())

    for svg in (radar, trend):
        assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert radar.count("<polygon") == 3 + 1  # three rings and the founders' shape (no mentor yet)
    assert "▼ Team (weakest)" in svg_text(radar)
    assert "M · 2026-01-01: 2" in trend


@pytest.mark.parametrize("strong", [["customer"], []])
def test_mentor_suggestions_favour_strength_on_the_weakest_dimension(session, make_user, project, founder, now,
                                                                     strong):
    first = make_user("mentor", name="Amal")
    second = make_user("mentor", name="Zineb")
    session.add_all([MentorProfile(user_id=first.id, poles=[], stages=[], capacity=3, languages=[], bio="",
                                   dimensions=[]),
                     MentorProfile(user_id=second.id, poles=[], stages=[], capacity=3, languages=[], bio="",
                                   dimensions=strong)])
    services.log_assessment(session, project, actor=founder, now=now, scores=scores(customer=2))
    session.commit()

    ranked = suggest_for(session, project, project_services.definition_of(session, project).stage(project.stage))

    if strong:
        assert [s.load.mentor.name for s in ranked] == ["Zineb", "Amal"]
        assert "Strong in Customer, the project's weakest readiness dimension." in ranked[0].reasons
        assert ranked[0].score == ranked[1].score + 2
    else:
        assert [s.load.mentor.name for s in ranked] == ["Amal", "Zineb"]  # a tie: by name
        assert not any("weakest" in r for s in ranked for r in s.reasons)


def test_a_mentor_records_their_strong_dimensions_on_their_profile(session, web, make_user):
    mentor = make_user("mentor")

    response = web(mentor).post(f"/mentors/{mentor.id}/edit", data={"capacity": "3", "dimensions": ["ip", "funding"]})

    assert response.status_code == 302
    assert session.get(MentorProfile, mentor.id).dimensions == ["funding", "ip"]


def svg_text(svg: str) -> str:
    """The words of an SVG's labels, a wrapped label's lines (`<tspan>`s) joined by spaces."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"</tspan><tspan[^>]*>", " ", svg)))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_radars_labels_wrap_instead_of_being_cut_off(app, session, project, lang):
    """At 420 units wide (a phone draws it ~340 px), every label stays whole inside the chart."""
    scale = queries.scale_of(session, project)
    with app.test_request_context(headers={"Accept-Language": lang}):
        radar = charts.radar(chart_id="r", title="Radar", description="Both sides", scale=scale,
                             pair={"founder": scores(), "mentor": scores()}, side_labels={"founder": "Founders' view",
                                                                                     "mentor": "Mentor's view"},
                             weakest=("customer",), weakest_label="la plus faible")
        labels = [scale.dimension(k).label for k in scale.keys]
    words = svg_text(radar)
    for label in labels:
        assert label in words, label
    assert "▼ " + labels[list(scale.keys).index("customer")] + " (la plus faible)" in words
    for x in re.findall(r'<tspan x="([\d.-]+)"', radar):
        assert 0 <= float(x) <= 420
