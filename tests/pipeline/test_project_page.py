"""What keeps a long-lived project's page light (found with `make bench`): it lists the latest
events, gate decisions and sessions with a link to all of them, and ranks mentors on a shortlist
that gives exactly the full ranking's best."""

from __future__ import annotations

import datetime as dt
import re

from app.mentoring import services as mentoring_services
from app.mentoring.models import MentorProfile
from app.mentoring.suggestions import suggest_for
from app.projects import services as project_services
from app.projects.views import PAGE_ROWS
from app.workflow.catalog import catalog


def rows(html: str, heading_id: str) -> int:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0).count("<tr><td>")


def test_the_page_lists_the_latest_rows_and_links_to_all(session, make_user, make_project, assign, manager, login_as,
                                                         now):
    founder, mentor = make_user("founder"), make_user("mentor")
    project = make_project(owner=founder)
    assign(project, mentor)
    for i in range(PAGE_ROWS + 3):
        project_services.fire_event(session, project, "hold", actor=founder, now=now, version=project.version,
                                    comment=f"Pause {i}")
        project_services.fire_event(session, project, "resume", actor=founder, now=now, version=project.version)
        mentoring_services.log_session(session, project, actor=mentor, now=now, held_at=now - dt.timedelta(hours=i),
                                       duration_minutes=30, summary=f"Session number {i}")
    session.commit()
    client = login_as(manager)

    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert rows(html, "history-title") == PAGE_ROWS
    assert rows(html, "gates-title") == PAGE_ROWS
    assert html.count('<article class="session">') == PAGE_ROWS
    assert f"Pause {PAGE_ROWS + 2}" in html and "Session number 0<" in html  # the latest ones
    assert "Session number 22<" not in html
    assert html.count(f'href="/projects/{project.id}?all=1#') == 3

    everything = client.get(f"/projects/{project.id}?all=1").get_data(as_text=True)
    assert rows(everything, "history-title") == 1 + 2 * (PAGE_ROWS + 3)  # with the creation
    assert rows(everything, "gates-title") == PAGE_ROWS + 3
    assert everything.count('<article class="session">') == PAGE_ROWS + 3
    assert "?all=1#" not in everything


def test_the_shortlisted_suggestions_are_the_full_ranking_s_best(session, make_user, make_project, now):
    project = make_project(stage="project", pole="multimedia")
    for i in range(14):
        mentor = make_user("mentor", name=f"Mentor {i:02d}")
        if i % 5:  # some mentors have no profile at all
            session.add(MentorProfile(user_id=mentor.id, poles=["multimedia"] if i % 2 else ["multimedia", "x"],
                                      stages=["project"] if i % 3 else [], capacity=i % 4, languages=["fr"]))
    session.commit()
    stage = catalog.latest(project.workflow_key).stage(project.stage)

    full = suggest_for(session, project, stage)
    short = suggest_for(session, project, stage, limit=5)

    assert [(s.load.mentor.id, s.score, s.reasons) for s in short] == [
        (s.load.mentor.id, s.score, s.reasons) for s in full[:5]]
    assert all(s.reasons for s in short)
