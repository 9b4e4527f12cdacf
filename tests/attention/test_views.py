"""The cockpit page, the attention blocks of the mentees and projects pages, `GET /api/v1/attention`,
and the fixed number of statements they run whatever the portfolio's size."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import update

from app.attention.queries import MANAGER_KINDS
from app.attention.queries import attention
from app.checkins import services as checkin_services
from app.checkins.models import CheckIn
from app.cluster import services as cluster_services
from app.cluster.models import CommissionMember
from app.core import changes
from tests.officehours.conftest import publish
from tests.pipeline.test_query_counts import statements

#: What a manager's attention list may run at most: one statement per kind.
ATTENTION_STATEMENTS_MAX = len(MANAGER_KINDS)


def test_a_manager_lands_on_the_cockpit(login_as, manager):
    client = login_as(manager)

    response = client.get("/")

    assert response.status_code == 302 and response.headers["Location"].endswith("/cockpit")


def test_the_cockpit_shows_what_waits_above_the_board(session, login_as, manager, founder, make_project,
                                                      request_review):
    asked = make_project(name="Asked", stage="project")
    request_review(asked, founder)

    page = login_as(manager).get("/cockpit").get_data(as_text=True)

    assert page.index('data-attention-kind="gate_review_requested"') < page.index("data-board")
    assert 'data-attention-kind="no_mentor"' in page  # Asked has no mentor either
    assert 'data-attention-kind="support_unanswered"' not in page  # empty kinds collapse
    assert f'href="/projects/{asked.id}"' in page
    assert f'href="/projects/{asked.id}/mentors"' in page  # where a mentor is assigned
    assert 'data-board="innovation_path"' in page and 'data-stage="internationalisation"' in page


def test_the_default_path_s_board_comes_first(login_as, manager, make_project):
    make_project(name="Sprint", workflow="accelerator_sprint")
    make_project(name="Path")

    page = login_as(manager).get("/cockpit").get_data(as_text=True)

    assert page.index('data-board="innovation_path"') < page.index('data-board="accelerator_sprint"')


def test_the_cockpit_says_when_nothing_waits(login_as, manager):
    page = login_as(manager).get("/cockpit").get_data(as_text=True)

    assert "data-attention-empty" in page and "data-attention-kind" not in page
    assert "Nothing waits for you today" in page


def test_the_cockpit_speaks_french(login_as, make_user):
    client = login_as(make_user("manager", locale="fr"))

    page = client.get("/cockpit").get_data(as_text=True)

    assert "Rien ne vous attend aujourd’hui" in page or "Rien ne vous attend aujourd'hui" in page


@pytest.mark.parametrize("role", ["founder", "mentor", "applicant"])
def test_the_cockpit_is_for_managers(login_as, make_user, role):
    assert login_as(make_user(role)).get("/cockpit").status_code == 403


def test_a_mentor_s_mentees_page_starts_with_their_attention_list(session, login_as, mentor, founder, make_project,
                                                                  assign, request_review):
    project = make_project(stage="project")
    assign(project, mentor)
    request_review(project, founder)

    page = login_as(mentor).get("/mentees").get_data(as_text=True)

    assert page.index('data-attention-kind="gate_review_requested"') < page.index("<table")


def test_a_founder_s_projects_page_starts_with_their_next_step(login_as, founder, make_project):
    make_project(stage="project")

    page = login_as(founder).get("/projects").get_data(as_text=True)

    assert 'data-attention-kind="next_step"' in page
    assert "Complete the required deliverables: Business plan, Working prototype" in page
    assert page.index("data-attention-kind") < page.index('class="filters"')


def test_the_api_answers_the_contract_shape(api, manager, founder, make_project, request_review, now):
    project = make_project(stage="project")
    request_review(project, founder, at=now)

    response = api(manager).get("/api/v1/attention")

    assert response.status_code == 200
    kinds = response.get_json()["kinds"]
    assert [k["kind"] for k in kinds] == list(MANAGER_KINDS)
    review = kinds[0]
    assert review["count"] == 1
    item = review["items"][0]
    assert {"project_id", "application_id", "call_id", "title", "since", "link"} <= set(item)
    assert (item["project_id"], item["title"], item["link"]) == (project.id, "Atlas", f"/projects/{project.id}")
    assert dt.datetime.fromisoformat(item["since"]) == now


def test_the_api_answers_each_role_its_own_kinds(api, founder, mentor, make_user):
    assert [k["kind"] for k in api(founder).get("/api/v1/attention").get_json()["kinds"]] == [
        "next_step", "next_checkin", "action_items_open"]
    assert [k["kind"] for k in api(mentor).get("/api/v1/attention").get_json()["kinds"]] == [
        "gate_review_requested", "session_to_log", "booking_to_log", "overdue_checkin", "action_items_due"]
    assert api(make_user("applicant")).get("/api/v1/attention").get_json() == {"kinds": []}
    assert api(None).get("/api/v1/attention").status_code == 401


def test_the_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()

    operation = document["paths"]["/api/v1/attention"]["get"]
    assert "200" in operation["responses"] and "401" in operation["responses"]


# Statements --------------------------------------------------------------------------------------


@pytest.fixture
def busy(session, now, make_user, make_project, assign, request_review, make_call, submit, late_report):
    """Add `n` projects with something of every kind waiting: a review request, an overdue check-in,
    a late KPI report, a support request, a project without a mentor, a stalled one, an application, a
    project whose mentor publishes office hours it never booked; and a call nobody can review."""
    numbers = itertools.count()
    call = make_call()
    make_call(title="Unstaffed", poles=("mobile_services",))
    session.add(CommissionMember(pole_key="multimedia", user_id=make_user("mentor").id))
    session.commit()

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            founder, mentor = make_user("founder"), make_user("mentor")
            project = make_project(owner=founder, stage="commercialisation", name=f"Busy {i}")
            assign(project, mentor)
            checkin_services.after_assignment_change(session, project, now=now)
            request_review(project, founder)
            late_report(project)
            cluster_services.create_support_request(session, project, actor=founder, now=now, kind="advice",
                                                    description="Help.")
            orphan = make_project(owner=founder, name=f"Orphan {i}")
            unbooked, host = make_project(owner=founder, name=f"Unbooked {i}"), make_user("mentor")
            assign(unbooked, host)
            publish(session, host, now)  # office hours nobody booked yet
            session.execute(update(CheckIn).where(CheckIn.project_id == project.id).values(status="overdue"))
            session.execute(update(type(orphan)).where(type(orphan).id == orphan.id)
                            .values(stage_entered_at=now - dt.timedelta(days=400)))
            # Set-based writes past the services: note their projects, as the services do.
            changes.note_projects(session, {project.id, orphan.id})
            session.commit()
            submit(call, title=f"Application {i}")

    return add


def test_a_manager_s_attention_list_runs_a_fixed_number_of_statements(session, engine, busy, manager, now):
    busy(1)
    attention(session, manager, now=now)  # warm: the workflow catalog is read once
    with statements(engine) as small:
        few = attention(session, manager, now=now)
    busy(4)
    with statements(engine) as large:
        many = attention(session, manager, now=now)

    assert all(k.count > 0 for k in few), {k.kind: k.count for k in few}
    assert {k.kind: k.count for k in many}["gate_review_requested"] == 5
    assert all(k.count > 0 for k in many)
    assert len(large) == len(small) <= ATTENTION_STATEMENTS_MAX


@pytest.mark.parametrize("path", ["/cockpit", "/api/v1/attention"])
def test_the_cockpit_and_the_api_run_a_fixed_number_of_statements(engine, busy, manager, login_as, api, path):
    client = api(manager) if path.startswith("/api/") else login_as(manager)
    busy(1)
    assert client.get(path).status_code == 200
    with statements(engine) as small:
        assert client.get(path).status_code == 200
    busy(3)
    with statements(engine) as large:
        assert client.get(path).status_code == 200

    assert len(large) == len(small)


def test_a_founder_without_projects_sees_only_the_page_s_own_empty_state(login_as, make_user):
    page = login_as(make_user("founder")).get("/projects").get_data(as_text=True)

    assert "data-attention" not in page
