"""Mentoring pages through the web client: status, redirect, flash, re-render, and the DB after writes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.mentoring.models import ActionItem
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import SessionRating
from app.mentoring.services import ActionItemInput
from app.projects import services as project_services

NOTES = "Private: the CTO may leave."


def flashes(client) -> list[tuple[str, str]]:
    """The messages flashed since the last read and not yet shown (reading clears them)."""
    with client.session_transaction() as state:
        return list(state.pop("_flashes", []))


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def project(make_project):
    return make_project()


@pytest.fixture
def staffed(project, make_mentor, assign):
    mentor = make_mentor(name="Salma Mentor")
    assign(project, mentor)
    return mentor


@pytest.fixture
def logged(project, staffed, log, founder, now):
    return log(project, staffed, summary="Talked pricing.", notes=NOTES,
               items=[ActionItemInput("Call customers", founder.id, now.date() - dt.timedelta(days=1)),
                      ActionItemInput("Send the deck", founder.id, now.date() + dt.timedelta(days=5))])


# --- /mentors and /mentees -----------------------------------------------------------------------


def test_managers_see_mentors_and_projects_waiting(web, manager, project, make_mentor):
    make_mentor(name="Amal Expert", poles=["multimedia"], capacity=2)

    response = web(manager).get("/mentors")

    assert response.status_code == 200
    html = text(response)
    assert "Amal Expert" in html
    assert "0/2" in html
    assert project.name in html
    assert "needs a mentor for Idea" in html  # the stage's label, not its key


def test_the_mentors_page_is_paginated_and_searched_by_name(web, manager, make_mentor, monkeypatch):
    from app.mentoring import views

    monkeypatch.setattr(views, "MENTORS_PER_PAGE", 2)
    for name in ("Amal A", "Badr B", "Chama C"):
        make_mentor(name=name)

    first, second = text(web(manager).get("/mentors")), text(web(manager).get("/mentors?page=2"))
    found = text(web(manager).get("/mentors?q=badr"))
    nobody = text(web(manager).get("/mentors?q=zineb"))

    assert "Amal A" in first and "Badr B" in first and "Chama C" not in first
    assert "Chama C" in second and "Amal A" not in second
    assert "Page 1 of 2 · 3 mentors" in first and "page=2" in first
    assert "Badr B" in found and "Amal A" not in found and "Chama C" not in found
    assert "No mentor's name contains “zineb”." in nobody


def test_the_projects_waiting_for_a_mentor_say_how_many_when_cut(web, manager, make_project, monkeypatch):
    from app.mentoring import views

    monkeypatch.setattr(views, "WAITING_SHOWN", 2)
    for name in ("Alpha", "Beta", "Gamma"):
        make_project(name=name)

    assert "The 2 waiting longest, of 3." in text(web(manager).get("/mentors"))
    monkeypatch.setattr(views, "WAITING_SHOWN", 3)
    assert "waiting longest" not in text(web(manager).get("/mentors"))


def test_a_profile_saved_unchanged_keeps_its_languages(web, manager, make_mentor, session):
    """The form shows "fr, ar" (it showed the list's repr, which saving stored as "['fr'" and "'ar']")."""
    from app.mentoring.models import MentorProfile

    mentor = make_mentor(name="Amal", poles=["multimedia"], capacity=2, languages=["fr", "ar"])
    client = web(manager)
    form = text(client.get(f"/mentors/{mentor.id}/edit"))

    assert 'name="languages" type="text" value="fr, ar"' in form
    response = client.post(f"/mentors/{mentor.id}/edit", data={"poles": ["multimedia"], "capacity": "2",
                                                               "languages": "fr, ar", "bio": ""})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(MentorProfile, mentor.id).languages == ["fr", "ar"]


def test_with_no_mentor_the_page_points_to_the_invitations(web, manager):
    html = text(web(manager).get("/mentors"))

    assert "No mentor yet." in html and 'href="/people/invitations"' in html


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_others_cannot_see_the_mentors_page(web, make_user, role):
    assert web(make_user(role)).get("/mentors").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/mentors")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_mentor_sees_their_mentees_with_open_and_overdue_items(web, staffed, project, logged):
    response = web(staffed).get("/mentees")

    assert response.status_code == 200
    html = text(response)
    assert project.name in html
    assert f"/projects/{project.id}/sessions/new" in html
    assert "1 overdue" in html


def test_a_mentor_without_mentees_is_told_so(web, make_mentor):
    assert "No mentee yet" in text(web(make_mentor()).get("/mentees"))


def test_founders_have_no_mentees_page(web, founder):
    assert web(founder).get("/mentees").status_code == 403


# --- assigning: the project page links to the ranked suggestions -------------------------------------


def test_the_assignment_page_offers_ranked_mentors_to_managers(web, manager, project, make_mentor):
    make_mentor(name="Fit Mentor", poles=["multimedia"], stages=["idea"])
    make_mentor(name="Full Mentor", capacity=0)
    client = web(manager)

    page = text(client.get(f"/projects/{project.id}"))
    html = text(client.get(f"/projects/{project.id}/mentors"))

    assert "Needs a mentor for Idea" in page
    assert f'href="/projects/{project.id}/mentors"' in page  # "Assign a mentor"
    assert "Fit Mentor" not in page  # ranking every mentor is the assignment page's work
    assert "Needs a mentor for Idea" in html
    assert "Assign Fit Mentor" in html
    assert "Expert in Multimedia." in html
    assert html.index("Fit Mentor") < html.index("Full Mentor")
    assert "past capacity" in html


def test_the_assignment_page_of_a_closed_project_suggests_nobody(web, session, manager, project, make_mentor):
    make_mentor(name="Fit Mentor", poles=["multimedia"])
    project.status = "abandoned"
    session.commit()

    html = text(web(manager).get(f"/projects/{project.id}/mentors"))

    assert "Mentors are assigned to active projects only." in html
    assert "Assign Fit Mentor" not in html


def test_only_managers_open_the_assignment_page(web, founder, make_mentor, project):
    assert web(founder).get(f"/projects/{project.id}/mentors").status_code == 403
    assert web(make_mentor()).get(f"/projects/{project.id}/mentors").status_code == 403


def test_founders_do_not_see_suggestions(web, founder, project, make_mentor):
    make_mentor(name="Fit Mentor", poles=["multimedia"])

    html = text(web(founder).get(f"/projects/{project.id}"))

    assert "Needs a mentor for Idea" in html
    assert "Fit Mentor" not in html
    assert f'href="/projects/{project.id}/mentors"' not in html


def test_a_manager_assigns_from_the_project_page(web, session, manager, project, make_mentor):
    mentor = make_mentor(name="Nadia")
    client = web(manager)

    response = client.post(f"/projects/{project.id}/mentors", data={"mentor_id": mentor.id})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/projects/{project.id}#mentoring")
    assert ("success", "Nadia now mentors this project.") in flashes(client)
    assert count(session, MentorAssignment, MentorAssignment.project_id == project.id) == 1
    html = text(client.get(f"/projects/{project.id}"))
    assert "Needs a mentor for" not in html
    assert "Nadia" in html


def test_assigning_at_capacity_flashes_and_creates_nothing(web, session, manager, make_project, make_mentor, assign):
    mentor = make_mentor(name="Nadia", capacity=1)
    assign(make_project(name="Other"), mentor)
    project = make_project(name="Target")
    client = web(manager)

    response = client.post(f"/projects/{project.id}/mentors", data={"mentor_id": mentor.id})

    assert response.status_code == 303
    [(category, message)] = flashes(client)
    assert category == "error"
    assert "Nadia is at capacity (1 of 1 mentees)" in message
    assert count(session, MentorAssignment, MentorAssignment.project_id == project.id) == 0


def test_assigning_past_capacity_with_override(web, session, manager, make_project, make_mentor, assign):
    mentor = make_mentor(capacity=1)
    assign(make_project(name="Other"), mentor)
    project = make_project(name="Target")

    web(manager).post(f"/projects/{project.id}/mentors", data={"mentor_id": mentor.id, "override": "y"})

    [assignment] = session.scalars(select(MentorAssignment).where(MentorAssignment.project_id == project.id)).all()
    assert assignment.is_over_capacity


def test_founders_cannot_assign(web, session, founder, project, make_mentor):
    response = web(founder).post(f"/projects/{project.id}/mentors", data={"mentor_id": make_mentor().id})

    assert response.status_code == 403
    assert count(session, MentorAssignment) == 0


def test_assigning_an_unknown_mentor_is_404(web, session, manager, project):
    response = web(manager).post(f"/projects/{project.id}/mentors", data={"mentor_id": 999999})

    assert response.status_code == 404
    assert count(session, MentorAssignment) == 0


def test_ending_an_assignment_needs_confirmation(web, session, manager, project, staffed):
    assignment_id = session.scalar(select(MentorAssignment.id))
    client = web(manager)
    path = f"/projects/{project.id}/mentors/{assignment_id}/end"

    client.post(path, data={})
    assert flashes(client)[0][0] == "error"
    assert session.get(MentorAssignment, assignment_id).ended_at is None

    client.post(path, data={"confirm": "y"})
    session.expire_all()
    assert session.get(MentorAssignment, assignment_id).end_reason == "removed"
    assert "Needs a mentor for Idea" in text(client.get(f"/projects/{project.id}"))
    assert "Earlier mentors" in text(client.get(f"/projects/{project.id}/sessions"))


# --- logging a session ---------------------------------------------------------------------------


def session_form(held: dt.datetime, **overrides) -> dict:
    return {"held_at": held.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "45", "summary": "Pricing.",
            "notes": NOTES, **overrides}


def test_the_assigned_mentor_logs_a_session_through_the_form(web, session, project, staffed, founder, now):
    client = web(staffed)
    assert client.get(f"/projects/{project.id}/sessions/new").status_code == 200
    local = now.astimezone(ZoneInfo(staffed.timezone)).replace(second=0) - dt.timedelta(hours=1)
    due = now.date() + dt.timedelta(days=3)

    response = client.post(f"/projects/{project.id}/sessions/new", data=session_form(
        local, **{"action_items-0-title": "Call customers", "action_items-0-owner_id": str(founder.id),
                  "action_items-0-due_on": due.isoformat(), "action_items-1-title": "",
                  "action_items-1-owner_id": "0"}))

    assert response.status_code == 303, text(response)
    assert response.headers["Location"].endswith(f"/projects/{project.id}/sessions#sessions")
    assert ("success", "Session logged.") in flashes(client)
    [record] = session.scalars(select(AdviceSession)).all()
    assert (record.mentor_id, record.duration_minutes, record.summary, record.notes) == (staffed.id, 45, "Pricing.",
                                                                                         NOTES)
    assert record.held_at == local.replace(tzinfo=None).replace(tzinfo=ZoneInfo(staffed.timezone))
    assert [(i.title, i.owner_id, i.due_on) for i in record.action_items] == [("Call customers", founder.id, due)]


def test_a_too_long_summary_re_renders_with_errors_and_creates_nothing(web, session, project, staffed, now):
    response = web(staffed).post(f"/projects/{project.id}/sessions/new",
                                 data=session_form(now - dt.timedelta(hours=1), summary="x" * 10_001))

    assert response.status_code == 422
    html = text(response)
    assert 'class="errors"' in html
    assert "x" * 10_001 in html  # the text comes back whole for the mentor to shorten
    assert count(session, AdviceSession) == 0


def test_a_session_in_the_future_re_renders_with_errors(web, session, project, staffed, now):
    response = web(staffed).post(f"/projects/{project.id}/sessions/new",
                                 data=session_form(now + dt.timedelta(days=3)))

    assert response.status_code == 422
    assert "not in advance" in text(response)
    assert count(session, AdviceSession) == 0


def test_only_the_assigned_mentor_opens_the_session_form(web, project, staffed, founder, manager, make_mentor):
    path = f"/projects/{project.id}/sessions/new"

    assert web(founder).get(path).status_code == 403
    assert web(manager).get(path).status_code == 403
    assert web(make_mentor()).get(path).status_code == 404


def test_the_log_button_shows_for_the_assigned_mentor_only(web, project, staffed, founder):
    path = f"/projects/{project.id}/sessions/new"

    assert path in text(web(staffed).get(f"/projects/{project.id}"))
    assert path not in text(web(founder).get(f"/projects/{project.id}"))


# --- sessions on the project's mentoring tab -----------------------------------------------------


def test_the_founder_page_never_shows_private_notes(web, project, logged, staffed, founder, manager):
    founder_html = text(web(founder).get(f"/projects/{project.id}/sessions"))
    assert "Talked pricing." in founder_html
    assert "CTO may leave" not in founder_html
    assert "CTO may leave" not in text(web(manager).get(f"/projects/{project.id}/sessions"))

    mentor_html = text(web(staffed).get(f"/projects/{project.id}/sessions"))
    assert "Your private notes" in mentor_html
    assert "CTO may leave" in mentor_html


def test_overdue_action_items_stand_out(web, project, logged, founder):
    html = text(web(founder).get(f"/projects/{project.id}/sessions"))

    assert html.count('class="badge bad">overdue<') == 1
    assert "open overdue" in html


def test_a_founder_ticks_an_action_item(web, session, project, logged, founder):
    item_id = logged.action_items[0].id
    client = web(founder)

    response = client.post(f"/action-items/{item_id}", data={"done": "y"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/projects/{project.id}/sessions#sessions")
    session.expire_all()
    item = session.get(ActionItem, item_id)
    assert (item.is_done, item.done_by_id) == (True, founder.id)

    client.post(f"/action-items/{item_id}", data={})
    session.expire_all()
    assert not session.get(ActionItem, item_id).is_done


def test_outsiders_cannot_tick_an_action_item(web, session, logged, other_founder, make_mentor):
    item_id = logged.action_items[0].id

    assert web(other_founder).post(f"/action-items/{item_id}", data={"done": "y"}).status_code == 404
    assert web(make_mentor()).post(f"/action-items/{item_id}", data={"done": "y"}).status_code == 404
    assert web(other_founder).post("/action-items/999999", data={"done": "y"}).status_code == 404
    session.expire_all()
    assert not session.get(ActionItem, item_id).is_done


def test_rating_a_session_through_the_form(web, session, project, logged, founder):
    client = web(founder)
    assert f"/sessions/{logged.id}/rate" in text(client.get(f"/projects/{project.id}/sessions"))

    client.post(f"/sessions/{logged.id}/rate", data={"usefulness": "4", "comment": "Helpful"})
    assert flashes(client)[0][0] == "success"
    client.post(f"/sessions/{logged.id}/rate", data={"usefulness": "1"})
    assert flashes(client)[0] == ("error", "You have already rated this session.")

    assert [(r.side, r.usefulness) for r in session.scalars(select(SessionRating))] == [("founder", 4)]
    assert f"/sessions/{logged.id}/rate" not in text(client.get(f"/projects/{project.id}/sessions"))


def test_needs_a_mentor_is_shown_when_no_mentor(web, founder, project):
    assert "Needs a mentor for Idea" in text(web(founder).get(f"/projects/{project.id}"))


def test_needs_a_mentor_is_shown_for_the_new_stage_after_a_stage_change(web, session, manager, project, staffed,
                                                                        now):
    client = web(manager)
    assert "Needs a mentor for" not in text(client.get(f"/projects/{project.id}"))

    project_services.fire_event(session, project, "advance", actor=manager, now=now,
                                version=project.version, comment="test", override=True)
    session.commit()

    assert "Needs a mentor for Project" in text(client.get(f"/projects/{project.id}"))
    html = text(client.get(f"/projects/{project.id}/sessions"))
    assert "Earlier mentors" in html
    assert "Salma Mentor" in html


def test_forms_reject_a_missing_csrf_token(app, web, session, manager, project, make_mentor):
    client = web(manager)
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(f"/projects/{project.id}/mentors", data={"mentor_id": make_mentor().id})

    assert response.status_code == 400
    assert count(session, MentorAssignment) == 0


def test_an_action_item_due_in_the_past_is_named_in_the_error_summary(web, session, project, staffed, now):
    past = now.date() - dt.timedelta(days=2)
    response = web(staffed).post(f"/projects/{project.id}/sessions/new", data=session_form(
        now.astimezone(ZoneInfo(staffed.timezone)).replace(second=0) - dt.timedelta(hours=1),
        **{"action_items-0-title": "", "action_items-1-title": "Send the deck",
           "action_items-1-due_on": past.isoformat()}))

    assert response.status_code == 422
    html = text(response)
    assert 'href="#action_items-1-due_on">Action item 2: The due date is already past.' in html
    assert count(session, AdviceSession) == 0
