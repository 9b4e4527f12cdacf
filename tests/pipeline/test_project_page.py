"""What keeps a long-lived project's pages light (found with `make bench`): the overview lists the
latest few events and links to the tabs; the tabs list the latest events, gate decisions and
sessions with a link to all of them; mentors are ranked on a page of their own, on a shortlist that
gives exactly the full ranking's best."""

from __future__ import annotations

import datetime as dt
import re

from app.mentoring import services as mentoring_services
from app.mentoring.models import MentorProfile
from app.mentoring.suggestions import suggest_for
from app.projects import services as project_services
from app.projects.views import LATEST_EVENTS
from app.projects.views import PAGE_ROWS
from app.workflow.catalog import catalog_of


def rows(html: str, heading_id: str) -> int:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0).count("<tr><td>")


def test_the_tabs_list_the_latest_rows_and_link_to_all(session, make_user, make_project, assign, manager, login_as,
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

    overview = client.get(f"/projects/{project.id}").get_data(as_text=True)
    latest = re.search(r'aria-labelledby="latest-title".*?</section>', overview, re.S).group(0)
    assert latest.count("<li>") == LATEST_EVENTS
    assert '<article class="session">' not in overview  # sessions, history and decisions have their tabs
    assert "Session number" not in overview and 'aria-labelledby="gates-title"' not in overview

    history = client.get(f"/projects/{project.id}/history").get_data(as_text=True)
    sessions = client.get(f"/projects/{project.id}/sessions").get_data(as_text=True)
    assert rows(history, "history-title") == PAGE_ROWS
    assert rows(history, "gates-title") == PAGE_ROWS
    assert sessions.count('<article class="session">') == PAGE_ROWS
    assert f"Pause {PAGE_ROWS + 2}" in history and "Session number 0<" in sessions  # the latest ones
    assert "Session number 22<" not in sessions
    assert history.count(f'href="/projects/{project.id}/history?all=1#') == 2
    assert sessions.count(f'href="/projects/{project.id}/sessions?all=1#') == 1

    all_history = client.get(f"/projects/{project.id}/history?all=1").get_data(as_text=True)
    all_sessions = client.get(f"/projects/{project.id}/sessions?all=1").get_data(as_text=True)
    assert rows(all_history, "history-title") == 1 + 2 * (PAGE_ROWS + 3)  # with the creation
    assert rows(all_history, "gates-title") == PAGE_ROWS + 3
    assert all_sessions.count('<article class="session">') == PAGE_ROWS + 3
    assert "?all=1#" not in all_history + all_sessions


def test_the_shortlisted_suggestions_are_the_full_ranking_s_best(session, make_user, make_project, now):
    project = make_project(stage="project", pole="multimedia")
    for i in range(14):
        mentor = make_user("mentor", name=f"Mentor {i:02d}")
        if i % 5:  # some mentors have no profile at all
            session.add(MentorProfile(user_id=mentor.id, poles=["multimedia"] if i % 2 else ["multimedia", "x"],
                                      stages=["project"] if i % 3 else [], capacity=i % 4, languages=["fr"]))
    session.commit()
    stage = catalog_of(session).latest(project.workflow_key).stage(project.stage)

    full = suggest_for(session, project, stage)
    short = suggest_for(session, project, stage, limit=5)

    assert [(s.load.mentor.id, s.score, s.reasons) for s in short] == [
        (s.load.mentor.id, s.score, s.reasons) for s in full[:5]]
    assert all(s.reasons for s in short)
