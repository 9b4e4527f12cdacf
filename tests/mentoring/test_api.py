"""The mentoring API: every endpoint with its status codes, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from app.mentoring.services import ActionItemInput

SCRIPT = "<script>alert('x')</script> & more"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.content_type.startswith("application/problem+json")
    body = response.get_json()
    assert body["status"] == status
    return body


def assert_list(body: dict) -> list[dict]:
    assert set(body) == {"items", "total", "page", "per_page"}
    return body["items"]


def session_body(now: dt.datetime, **overrides) -> dict:
    return {"held_at": (now - dt.timedelta(hours=1)).isoformat(), "duration_minutes": 60,
            "summary": "Pricing and first customers.", "notes": "Private: the team is tired.", **overrides}


@pytest.fixture
def project(make_project):
    return make_project()


@pytest.fixture
def staffed(project, make_mentor, assign):
    """The project's assigned mentor (capacity 3, multimedia, idea)."""
    mentor = make_mentor(poles=["multimedia"], stages=["idea"], capacity=3)
    assign(project, mentor)
    return mentor


@pytest.fixture
def logged(project, staffed, log, founder, now):
    """A session logged by the assigned mentor, with an action item owned by the founder and due yesterday."""
    return log(project, staffed, notes="Private: the team is tired.",
               items=[ActionItemInput("Call customers", founder.id, now.date() - dt.timedelta(days=1))])


# --- GET/PATCH /mentors --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "mentor", "admin"])
def test_managers_and_mentors_list_mentors(api, make_user, make_mentor, role):
    mentor = make_mentor(name="Amal", poles=["multimedia"], stages=["idea"], capacity=2, languages=["fr"])

    response = api(make_user(role)).get("/api/v1/mentors")

    assert response.status_code == 200
    items = assert_list(response.get_json())
    mine = next(i for i in items if i["id"] == mentor.id)
    assert mine == {"id": mentor.id, "name": "Amal", "poles": ["multimedia"], "stages": ["idea"], "capacity": 2,
                    "languages": ["fr"], "bio": "", "active_assignments": 0, "average_rating": None}


def test_mentor_list_pages(api, manager, make_mentor):
    for _ in range(3):
        make_mentor()

    body = api(manager).get("/api/v1/mentors?per_page=2&page=2").get_json()

    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 2, 2, 1)


def test_founders_do_not_list_mentors(api, founder):
    assert_problem(api(founder).get("/api/v1/mentors"), 403)


def test_anonymous_gets_401(api):
    assert_problem(api().get("/api/v1/mentors"), 401)


def test_a_mentor_edits_their_own_profile(api, session, make_mentor):
    mentor = make_mentor()

    response = api(mentor).patch(f"/api/v1/mentors/{mentor.id}", json={
        "poles": ["multimedia", "mobile_services"], "stages": ["idea", "project"], "capacity": 2,
        "languages": ["fr", "ar"], "bio": "Twenty years in media."})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["poles"] == ["mobile_services", "multimedia"]
    assert (body["capacity"], body["languages"], body["bio"]) == (2, ["fr", "ar"], "Twenty years in media.")
    stored = session.get(MentorProfile, mentor.id)
    session.refresh(stored)
    assert stored.capacity == 2


def test_a_manager_edits_any_profile(api, manager, make_mentor):
    mentor = make_mentor()

    response = api(manager).patch(f"/api/v1/mentors/{mentor.id}", json={"capacity": 7})

    assert response.status_code == 200
    assert response.get_json()["capacity"] == 7


def test_a_mentor_cannot_edit_another_mentor(api, session, make_mentor):
    mentor, other = make_mentor(capacity=3), make_mentor()

    assert_problem(api(other).patch(f"/api/v1/mentors/{mentor.id}", json={"capacity": 9}), 403)
    session.expire_all()
    assert session.get(MentorProfile, mentor.id).capacity == 3


def test_a_founder_cannot_edit_a_mentor(api, founder, make_mentor):
    mentor = make_mentor()

    assert_problem(api(founder).patch(f"/api/v1/mentors/{mentor.id}", json={"capacity": 9}), 403)


@pytest.mark.parametrize("body, field", [
    ({"poles": ["gardening"]}, "poles"),
    ({"stages": ["someday"]}, "stages"),
    ({"capacity": -1}, "capacity"),
    ({"bio": "b" * 2001}, "bio"),
])
def test_invalid_profile_fields_are_422(api, make_mentor, body, field):
    mentor = make_mentor()

    problem = assert_problem(api(mentor).patch(f"/api/v1/mentors/{mentor.id}", json=body), 422)

    assert field in problem["errors"]


def test_patch_unknown_mentor_is_404(api, manager, founder):
    assert_problem(api(manager).patch("/api/v1/mentors/999999", json={"capacity": 1}), 404)
    assert_problem(api(manager).patch(f"/api/v1/mentors/{founder.id}", json={"capacity": 1}), 404)


# --- /projects/{id}/mentors ----------------------------------------------------------------------


def test_a_manager_assigns_a_mentor(api, session, manager, project, make_mentor):
    mentor = make_mentor(capacity=1)

    response = api(manager).post(f"/api/v1/projects/{project.id}/mentors", json={"mentor_id": mentor.id})

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["mentor"] == {"id": mentor.id, "name": mentor.name}
    assert (body["stage"], body["ended_at"], body["end_reason"], body["over_capacity"]) == ("idea", None, None, False)
    stored = session.get(MentorAssignment, body["assignment_id"])
    assert (stored.project_id, stored.mentor_id, stored.assigned_by_id) == (project.id, mentor.id, manager.id)
    shown = api(manager).get(f"/api/v1/projects/{project.id}").get_json()["mentors"]
    assert [m["mentor"]["id"] for m in shown] == [mentor.id]


def test_assigning_past_capacity_is_409_then_201_with_override(api, session, manager, make_project, make_mentor):
    first, second = make_project(name="First"), make_project(name="Second")
    mentor = make_mentor(capacity=1)
    client = api(manager)
    assert client.post(f"/api/v1/projects/{first.id}/mentors", json={"mentor_id": mentor.id}).status_code == 201

    problem = assert_problem(client.post(f"/api/v1/projects/{second.id}/mentors", json={"mentor_id": mentor.id}),
                             409)
    assert "capacity" in problem["detail"]
    active = select(func.count()).select_from(MentorAssignment).where(MentorAssignment.mentor_id == mentor.id,
                                                                      MentorAssignment.ended_at.is_(None))
    assert session.scalar(active) == 1

    response = client.post(f"/api/v1/projects/{second.id}/mentors", json={"mentor_id": mentor.id, "override": True})
    assert response.status_code == 201
    assert response.get_json()["over_capacity"] is True
    assert session.scalar(active) == 2


def test_assigning_twice_is_409(api, manager, project, staffed):
    assert_problem(api(manager).post(f"/api/v1/projects/{project.id}/mentors", json={"mentor_id": staffed.id}), 409)


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_assign(api, project, make_mentor, founder, staffed, role):
    user = founder if role == "founder" else staffed

    assert_problem(api(user).post(f"/api/v1/projects/{project.id}/mentors", json={"mentor_id": make_mentor().id}),
                   403)


def test_assign_unknowns_are_404_and_a_non_mentor_422(api, manager, project, founder, make_mentor):
    client = api(manager)

    assert_problem(client.post("/api/v1/projects/999999/mentors", json={"mentor_id": make_mentor().id}), 404)
    assert_problem(client.post(f"/api/v1/projects/{project.id}/mentors", json={"mentor_id": 999999}), 404)
    assert_problem(client.post(f"/api/v1/projects/{project.id}/mentors", json={"mentor_id": founder.id}), 404)
    problem = assert_problem(client.post(f"/api/v1/projects/{project.id}/mentors",
                                         json={"mentor_id": make_mentor().id, "stage": "project"}), 422)
    assert "stage" in problem["errors"]


def test_members_list_assignments_outsiders_get_404(api, project, staffed, founder, other_founder, make_mentor):
    body = api(founder).get(f"/api/v1/projects/{project.id}/mentors").get_json()
    assert [a["mentor"]["id"] for a in assert_list(body)] == [staffed.id]

    assert_problem(api(other_founder).get(f"/api/v1/projects/{project.id}/mentors"), 404)
    assert_problem(api(make_mentor()).get(f"/api/v1/projects/{project.id}/mentors"), 404)


def test_ending_an_assignment_keeps_it_in_the_history(api, manager, founder, project, make_mentor):
    client = api(manager)
    mentor = make_mentor()
    assignment_id = client.post(f"/api/v1/projects/{project.id}/mentors",
                                json={"mentor_id": mentor.id}).get_json()["assignment_id"]

    response = client.delete(f"/api/v1/projects/{project.id}/mentors/{assignment_id}")

    assert response.status_code == 204
    [shown] = assert_list(client.get(f"/api/v1/projects/{project.id}/mentors").get_json())
    assert shown["assignment_id"] == assignment_id
    assert shown["ended_at"] is not None
    assert shown["end_reason"] == "removed"
    assert client.get(f"/api/v1/projects/{project.id}").get_json()["mentors"] == []
    assert_problem(client.delete(f"/api/v1/projects/{project.id}/mentors/{assignment_id}"), 409)
    assert_problem(api(mentor).get(f"/api/v1/projects/{project.id}"), 404)


def test_ending_unknown_or_foreign_assignments(api, manager, founder, project, make_project, staffed, session):
    other = make_project(name="Other")
    assignment_id = session.scalar(select(MentorAssignment.id).where(MentorAssignment.project_id == project.id))

    assert_problem(api(manager).delete(f"/api/v1/projects/{project.id}/mentors/999999"), 404)
    assert_problem(api(manager).delete(f"/api/v1/projects/{other.id}/mentors/{assignment_id}"), 404)
    assert_problem(api(founder).delete(f"/api/v1/projects/{project.id}/mentors/{assignment_id}"), 403)


def test_advancing_ends_the_assignments_and_the_project_needs_a_mentor(api, manager, project, staffed):
    client = api(manager)
    version = client.get(f"/api/v1/projects/{project.id}").get_json()["version"]

    response = client.post(f"/api/v1/projects/{project.id}/events",
                           json={"event": "advance", "version": version, "override": True, "comment": "ready"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["mentors"] == []
    [shown] = assert_list(client.get(f"/api/v1/projects/{project.id}/mentors").get_json())
    assert (shown["stage"], shown["end_reason"]) == ("idea", "stage_change")


# --- mentor-suggestions --------------------------------------------------------------------------


def test_managers_get_ranked_suggestions_with_reasons(api, manager, project, staffed, make_mentor):
    fit = make_mentor(name="Fit", poles=["multimedia"], stages=["idea"])
    other = make_mentor(name="Other", poles=["software_packages"])
    full = make_mentor(name="Full", poles=["multimedia"], capacity=0)

    response = api(manager).get(f"/api/v1/projects/{project.id}/mentor-suggestions")

    assert response.status_code == 200
    items = assert_list(response.get_json())
    assert [i["mentor"]["id"] for i in items] == [fit.id, other.id, full.id]
    assert all(i["reasons"] for i in items)
    assert "Expert in Multimedia." in items[0]["reasons"]
    assert (items[-1]["full"], items[-1]["capacity"]) == (True, 0)
    assert any("At capacity" in r for r in items[-1]["reasons"])
    assert items[0]["score"] > items[1]["score"]


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_get_suggestions(api, project, founder, staffed, role):
    assert_problem(api(founder if role == "founder" else staffed)
                   .get(f"/api/v1/projects/{project.id}/mentor-suggestions"), 403)


def test_suggestions_for_an_unknown_project_are_404(api, manager):
    assert_problem(api(manager).get("/api/v1/projects/999999/mentor-suggestions"), 404)


# --- sessions ------------------------------------------------------------------------------------


def test_the_assigned_mentor_logs_a_session(api, session, project, staffed, founder, now):
    due = (now.date() + dt.timedelta(days=7)).isoformat()
    body = session_body(now, action_items=[{"title": "Call customers", "owner_id": founder.id, "due_on": due},
                                           {"title": "Draft pricing"}])

    response = api(staffed).post(f"/api/v1/projects/{project.id}/sessions", json=body)

    assert response.status_code == 201, response.get_json()
    out = response.get_json()
    assert (out["project_id"], out["mentor"]["id"], out["stage"]) == (project.id, staffed.id, "idea")
    assert out["notes"] == "Private: the team is tired."
    assert [(i["title"], i["owner"], i["due_on"], i["done"]) for i in out["action_items"]] == [
        ("Call customers", {"id": founder.id, "name": founder.name}, due, False), ("Draft pricing", None, None, False)]
    assert session.scalar(select(func.count()).select_from(AdviceSession)) == 1


def test_private_notes_are_for_their_author_only(api, project, logged, staffed, founder, manager):
    mine = assert_list(api(staffed).get(f"/api/v1/projects/{project.id}/sessions").get_json())
    assert mine[0]["notes"] == "Private: the team is tired."

    for user in (founder, manager):
        response = api(user).get(f"/api/v1/projects/{project.id}/sessions")
        assert response.status_code == 200
        [item] = assert_list(response.get_json())
        assert item["summary"] == "We talked about the market."
        assert item["notes"] is None
        assert b"the team is tired" not in response.data


def test_overdue_action_items_are_flagged(api, project, logged, founder):
    [item] = assert_list(api(founder).get(f"/api/v1/projects/{project.id}/sessions").get_json())

    assert item["action_items"][0]["overdue"] is True


@pytest.mark.parametrize("who", ["founder", "manager"])
def test_only_assigned_mentors_log_sessions(api, session, project, staffed, founder, manager, who, now):
    user = founder if who == "founder" else manager

    assert_problem(api(user).post(f"/api/v1/projects/{project.id}/sessions", json=session_body(now)), 403)
    assert session.scalar(select(func.count()).select_from(AdviceSession)) == 0


def test_an_unassigned_mentor_does_not_see_the_project_at_all(api, project, staffed, logged, make_mentor, now):
    outsider = api(make_mentor())

    assert_problem(outsider.post(f"/api/v1/projects/{project.id}/sessions", json=session_body(now)), 404)
    assert_problem(outsider.get(f"/api/v1/projects/{project.id}/sessions"), 404)
    assert_problem(outsider.patch(f"/api/v1/action-items/{logged.action_items[0].id}", json={"done": True}), 404)
    assert_problem(outsider.post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 5}), 404)


def test_a_founder_of_another_project_sees_nothing(api, project, logged, other_founder):
    outsider = api(other_founder)

    assert_problem(outsider.get(f"/api/v1/projects/{project.id}/sessions"), 404)
    assert_problem(outsider.patch(f"/api/v1/action-items/{logged.action_items[0].id}", json={"done": True}), 404)
    assert_problem(outsider.post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 5}), 404)


def test_a_too_long_summary_is_422_and_nothing_is_stored(api, session, project, staffed, now):
    response = api(staffed).post(f"/api/v1/projects/{project.id}/sessions",
                                 json=session_body(now, summary="x" * 10_001))

    problem = assert_problem(response, 422)
    assert "summary" in problem["errors"]
    assert session.scalar(select(func.count()).select_from(AdviceSession)) == 0


@pytest.mark.parametrize("overrides, field", [
    ({"held_at": "2099-01-01T10:00:00+00:00"}, "held_at"),
    ({"held_at": "2026-01-01T10:00:00"}, "held_at"),
    ({"action_items": [{"title": "x", "owner_id": 999999}]}, "action_items.0.owner_id"),
    ({"action_items": [{"title": "t" * 301}]}, "action_items.0.title"),
    ({"duration_minutes": 0}, "duration_minutes"),
])
def test_invalid_sessions_are_422_with_the_field(api, project, staffed, now, overrides, field):
    response = api(staffed).post(f"/api/v1/projects/{project.id}/sessions", json=session_body(now, **overrides))

    assert field in assert_problem(response, 422)["errors"]


def test_session_text_is_verbatim_in_json_and_escaped_in_html(api, client, login_as, project, staffed, founder,
                                                              now):
    response = api(staffed).post(f"/api/v1/projects/{project.id}/sessions",
                                 json=session_body(now, summary=SCRIPT, action_items=[{"title": SCRIPT}]))
    assert response.status_code == 201
    assert response.get_json()["summary"] == SCRIPT
    [item] = assert_list(api(founder).get(f"/api/v1/projects/{project.id}/sessions").get_json())
    assert item["summary"] == SCRIPT
    assert item["action_items"][0]["title"] == SCRIPT

    login_as(founder)
    page = client.get(f"/projects/{project.id}/sessions")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html


# --- action items --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["founder", "staffed", "manager"])
def test_the_team_the_mentor_and_managers_tick_action_items(api, request, logged, who):
    item_id = logged.action_items[0].id

    response = api(request.getfixturevalue(who)).patch(f"/api/v1/action-items/{item_id}", json={"done": True})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["done"], body["overdue"]) == (item_id, True, False)


def test_unticking_an_action_item(api, founder, logged):
    client = api(founder)
    item_id = logged.action_items[0].id
    client.patch(f"/api/v1/action-items/{item_id}", json={"done": True})

    body = client.patch(f"/api/v1/action-items/{item_id}", json={"done": False}).get_json()

    assert (body["done"], body["overdue"]) == (False, True)


def test_action_item_errors(api, founder, logged):
    assert_problem(api(founder).patch("/api/v1/action-items/999999", json={"done": True}), 404)
    assert_problem(api(founder).patch(f"/api/v1/action-items/{logged.action_items[0].id}", json={"done": "maybe"}),
                   422)


# --- ratings -------------------------------------------------------------------------------------


def test_rating_a_session_once(api, founder, logged):
    client = api(founder)

    response = client.post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 5, "comment": "Great"})

    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"side": "founder", "rater": {"id": founder.id, "name": founder.name},
                                   "usefulness": 5, "comment": "Great"}
    assert_problem(client.post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 1}), 409)


def test_rating_errors(api, founder, manager, logged):
    assert_problem(api(manager).post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 5}), 403)
    assert_problem(api(founder).post("/api/v1/sessions/999999/ratings", json={"usefulness": 5}), 404)
    problem = assert_problem(api(founder).post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 6}), 422)
    assert "usefulness" in problem["errors"]


def test_ratings_are_revealed_when_both_sides_answered(api, project, founder, staffed, manager, logged):
    founder_client, mentor_client = api(founder), api(staffed)
    founder_client.post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 5})

    def seen_by(client) -> list[str]:
        [item] = assert_list(client.get(f"/api/v1/projects/{project.id}/sessions").get_json())
        return sorted(r["side"] for r in item["ratings"])

    assert seen_by(founder_client) == ["founder"]
    assert seen_by(mentor_client) == []
    assert seen_by(api(manager)) == ["founder"]

    assert mentor_client.post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 3}).status_code == 201

    assert seen_by(founder_client) == ["founder", "mentor"]
    assert seen_by(mentor_client) == ["founder", "mentor"]


def test_managers_see_the_average_rating_per_mentor(api, manager, founder, staffed, logged):
    api(founder).post(f"/api/v1/sessions/{logged.id}/ratings", json={"usefulness": 4})

    items = api(manager).get("/api/v1/mentors").get_json()["items"]

    assert next(i for i in items if i["id"] == staffed.id)["average_rating"] == 4.0
