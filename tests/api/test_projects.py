"""`/projects`, its events, history and deliverables, `/poles`, `/workflows` and `openapi.json`.

Every status code the contract lists for these resources, with the database checked after
each write.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.mentoring.models import MentorAssignment
from app.projects import services as project_services
from app.projects.models import DeliverableState
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember

IDEA_BLOCKERS = [
    "Deliverable “Problem statement” is not done.",
    "Deliverable “Founding team formed” is not done.",
    "The gate of stage “Idea” has not been approved.",
]
PROJECT_KEYS = {"id", "name", "summary", "pole", "workflow", "stage", "status", "version", "stage_entered_at",
                "created_at", "founders", "mentors", "deliverables", "events"}
HISTORY_KEYS = {"event", "from_stage", "to_stage", "from_status", "to_status", "actor", "comment", "at"}


def new_project(**changes) -> dict:
    return {"name": "Atlas", "summary": "Mobile payments for souks.", "pole": "mobile_services", **changes}


def count(session, model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return session.scalar(stmt)


def reload(session, project: Project) -> Project:
    session.expire_all()
    return session.get(Project, project.id)


def events_by_name(body: dict) -> dict[str, dict]:
    return {e["event"]: e for e in body["events"]}


@pytest.fixture
def ready(session, manager, tick_all, now):
    """Tick the current stage's deliverables and approve its gate: `advance` passes."""

    def make(project: Project) -> Project:
        tick_all(project, manager)
        project_services.fire_event(session, project, "approve_gate", actor=manager, now=now,
                                    version=project.version)
        session.commit()
        return project

    return make


@pytest.fixture
def other_founder(make_user):
    return make_user("founder", name="Other Founder")


# Create ------------------------------------------------------------------------------------


def test_founder_creates_a_project_at_the_first_stage_and_joins_its_team(api, session, founder):
    response = api(founder).post("/api/v1/projects", json=new_project())

    assert response.status_code == 201
    body = response.get_json()
    assert PROJECT_KEYS <= set(body)
    assert (body["name"], body["pole"], body["workflow"]) == ("Atlas", "mobile_services", "innovation_path")
    assert (body["stage"], body["status"], body["version"]) == ("idea", "active", 1)
    assert body["founders"] == [{"id": founder.id, "name": founder.name}]
    assert body["mentors"] == []
    assert [d["key"] for d in body["deliverables"]] == ["problem_statement", "team_formed", "market_sketch"]
    assert not any(d["done"] for d in body["deliverables"])
    assert body["created_at"].endswith("Z") and body["stage_entered_at"].endswith("Z")
    project = session.get(Project, body["id"])
    assert (project.stage, project.status, project.created_by_id) == ("idea", "active", founder.id)
    assert session.get(ProjectMember, (project.id, founder.id)) is not None
    assert count(session, ProjectEvent, project_id=project.id, event="create") == 1


def test_manager_creates_a_project_without_joining_its_team(api, session, manager):
    response = api(manager).post("/api/v1/projects", json=new_project())

    assert response.status_code == 201
    assert response.get_json()["founders"] == []
    assert count(session, ProjectMember) == 0


def test_project_can_start_on_another_workflow(api, founder):
    response = api(founder).post("/api/v1/projects", json=new_project(workflow="accelerator_sprint"))

    assert response.status_code == 201
    assert (response.get_json()["workflow"], response.get_json()["stage"]) == ("accelerator_sprint", "discovery")


def test_mentor_may_not_create_a_project(api, session, mentor, assert_problem):
    assert_problem(api(mentor).post("/api/v1/projects", json=new_project()), 403)

    assert count(session, Project) == 0


def test_creating_a_project_needs_a_token(api, session, assert_problem):
    assert_problem(api(None).post("/api/v1/projects", json=new_project()), 401)

    assert count(session, Project) == 0


@pytest.mark.parametrize("changes, field", [
    ({"pole": "astrology"}, "pole"),
    ({"name": ""}, "name"),
    ({"name": "    "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"workflow": "no_such_path"}, "workflow"),
    ({"colour": "blue"}, "colour"),
    ({"version": 3}, "version"),
])
def test_creating_a_project_with_invalid_fields_is_422_naming_them(api, session, founder, changes, field,
                                                                   assert_problem):
    body = assert_problem(api(founder).post("/api/v1/projects", json=new_project(**changes)), 422)

    assert field in body["errors"], body
    assert count(session, Project) == 0


def test_creating_a_project_without_a_pole_is_422(api, session, founder, assert_problem):
    payload = new_project()
    del payload["pole"]

    body = assert_problem(api(founder).post("/api/v1/projects", json=payload), 422)

    assert "pole" in body["errors"]


@pytest.mark.parametrize("lang, words", [
    ("en", {"name": "At most 200 characters.", "pole": "This field is required.",
            "colour": "This field is not expected here."}),
    ("fr", {"name": "200 caractères au maximum.", "pole": "Ce champ est obligatoire.",
            "colour": "Ce champ n'est pas attendu ici."}),
])
def test_the_fields_at_fault_are_told_in_the_reader_s_language(api, session, founder, lang, words, assert_problem):
    founder.has_chosen_locale = False  # the client's Accept-Language decides
    session.commit()
    payload = new_project(name="x" * 201, colour="blue")
    del payload["pole"]

    response = api(founder).post("/api/v1/projects", json=payload, headers={"Accept-Language": lang})

    body = assert_problem(response, 422)
    assert {field: body["errors"][field] for field in words} == {field: [text] for field, text in words.items()}


def test_creating_a_project_with_an_unreadable_body_is_400(api, session, founder, assert_problem):
    response = api(founder).post("/api/v1/projects", data="{name: Atlas", headers={"Content-Type": "application/json"})

    assert_problem(response, 400)
    assert count(session, Project) == 0


def test_body_over_the_size_limit_is_413(app, api, session, founder, assert_problem):
    app.config["MAX_CONTENT_LENGTH"] = 512
    founder_api = api(founder)

    response = founder_api.post("/api/v1/projects", json=new_project(summary="x" * 2000))

    assert_problem(response, 413)
    assert count(session, Project) == 0


def test_patch_over_the_size_limit_is_413_and_changes_nothing(app, api, session, make_project, founder,
                                                              assert_problem):
    project = make_project()
    founder_api = api(founder)
    app.config["MAX_CONTENT_LENGTH"] = 512

    response = founder_api.patch(f"/api/v1/projects/{project.id}", json={"summary": "x" * 2000, "version": 1})

    assert_problem(response, 413)
    assert reload(session, project).summary == "A test project."


# Read and visibility -----------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [
    ("owner", 200),
    ("other_founder", 404),
    ("assigned_mentor", 200),
    ("unassigned_mentor", 404),
    ("manager", 200),
    ("admin", 200),
])
def test_project_is_visible_to_members_assigned_mentors_and_managers(api, make_project, make_user, assign, founder,
                                                                     manager, who, status, assert_problem):
    project = make_project()
    mentor = make_user("mentor")
    assign(project, mentor)
    user = {"owner": founder, "other_founder": make_user("founder"), "assigned_mentor": mentor,
            "unassigned_mentor": make_user("mentor"), "manager": manager, "admin": make_user("admin")}[who]

    response = api(user).get(f"/api/v1/projects/{project.id}")

    if status == 404:
        body = assert_problem(response, 404)
        assert body["detail"] == "No such project."
    else:
        assert response.status_code == 200
        assert response.get_json()["id"] == project.id


def test_mentor_loses_sight_of_a_project_when_the_assignment_ends(api, session, make_project, mentor, assign,
                                                                  now, assert_problem):
    project = make_project()
    assignment = assign(project, mentor)
    mentor_api = api(mentor)
    assert mentor_api.get(f"/api/v1/projects/{project.id}").status_code == 200
    assignment.ended_at, assignment.end_reason = now, "removed"
    session.commit()

    assert_problem(mentor_api.get(f"/api/v1/projects/{project.id}"), 404)


def test_unknown_project_is_404(api, manager, assert_problem):
    assert_problem(api(manager).get("/api/v1/projects/999999"), 404)


@pytest.mark.parametrize("method, path, payload", [
    ("GET", "", None),
    ("PATCH", "", {"name": "Mine now", "version": 1}),
    ("POST", "/events", {"event": "hold", "comment": "mine", "version": 1}),
    ("GET", "/history", None),
    ("PUT", "/deliverables/problem_statement", {"done": True}),
])
def test_another_founders_project_is_404_everywhere(api, session, make_project, other_founder, method, path,
                                                    payload, assert_problem):
    project = make_project()

    response = api(other_founder).request(method, f"/api/v1/projects/{project.id}{path}", json=payload)

    assert_problem(response, 404)
    stored = reload(session, project)
    assert (stored.name, stored.status, stored.version) == ("Atlas", "active", 1)
    assert count(session, DeliverableState) == 0


def test_project_shows_its_team_mentors_and_deliverables(api, session, make_project, founder, mentor, assign,
                                                         manager, now):
    project = make_project()
    assignment = assign(project, mentor)
    project_services.set_deliverable(session, project, "team_formed", done=True, note="Three of us", actor=founder,
                                     now=now)
    session.commit()

    body = api(founder).get(f"/api/v1/projects/{project.id}").get_json()

    assert body["founders"] == [{"id": founder.id, "name": founder.name}]
    assert body["mentors"] == [{"assignment_id": assignment.id, "mentor": {"id": mentor.id, "name": mentor.name},
                                "stage": "idea"}]
    deliverables = {d["key"]: d for d in body["deliverables"]}
    assert deliverables["team_formed"] == {"key": "team_formed", "title": "Founding team formed",
                                           "required": True, "done": True, "note": "Three of us",
                                           "evidence": []}
    assert deliverables["market_sketch"]["required"] is False
    assert deliverables["problem_statement"]["done"] is False


# Events the current user may fire -----------------------------------------------------------


@pytest.mark.parametrize("who, expected", [
    ("founder", {"request_review": False, "advance": False, "hold": True, "abandon": True}),
    ("assigned_mentor", {"approve_gate": False, "advance": False}),
    ("manager", {"approve_gate": False, "advance": False, "hold": True, "abandon": True}),
])
def test_events_list_what_the_current_user_may_fire_with_reasons(api, make_project, founder, mentor, manager,
                                                                 assign, who, expected):
    project = make_project()
    assign(project, mentor)
    user = {"founder": founder, "assigned_mentor": mentor, "manager": manager}[who]

    events = events_by_name(api(user).get(f"/api/v1/projects/{project.id}").get_json())

    assert {name: e["allowed"] for name, e in events.items()} == expected
    assert events["advance"]["reasons"] == IDEA_BLOCKERS
    assert events["advance"]["overridable"] is (who == "manager")
    for event in events.values():
        assert event["allowed"] is (event["reasons"] == [])
        assert event["label"]
    if "approve_gate" in events:
        assert events["approve_gate"]["reasons"] == IDEA_BLOCKERS[:2]
    if "hold" in events:
        assert events["hold"]["comment_required"] is True


def test_events_become_allowed_once_the_gate_is_met(api, make_project, founder, ready):
    project = ready(make_project())

    events = events_by_name(api(founder).get(f"/api/v1/projects/{project.id}").get_json())

    assert events["advance"] == events["advance"] | {"allowed": True, "reasons": []}


def test_events_follow_the_status(api, session, make_project, founder, now):
    project = make_project()
    project_services.fire_event(session, project, "hold", actor=founder, now=now, version=project.version,
                                comment="Summer break")
    session.commit()

    events = events_by_name(api(founder).get(f"/api/v1/projects/{project.id}").get_json())

    assert set(events) == {"resume", "abandon"}
    assert events["resume"]["allowed"] is True


def test_events_of_a_closed_project_are_empty(api, session, make_project, founder, manager, now):
    project = make_project()
    project_services.fire_event(session, project, "abandon", actor=founder, now=now, version=project.version,
                                comment="We stop")
    session.commit()

    for user in (founder, manager):
        assert api(user).get(f"/api/v1/projects/{project.id}").get_json()["events"] == []


# Firing events -----------------------------------------------------------------------------


def test_advance_refused_by_the_gates_is_422_with_readable_reasons(api, session, make_project, founder,
                                                                   assert_problem):
    project = make_project()

    response = api(founder).post(f"/api/v1/projects/{project.id}/events",
                                 json={"event": "advance", "version": project.version})

    body = assert_problem(response, 422)
    assert body["reasons"] == IDEA_BLOCKERS
    assert body["errors"]["event"] == IDEA_BLOCKERS
    stored = reload(session, project)
    assert (stored.stage, stored.version) == ("idea", 1)
    assert count(session, ProjectEvent, event="advance") == 0


def test_reasons_use_the_users_language_for_labels(api, make_project, make_user, assert_problem):
    owner = make_user("founder", locale="fr")
    project = make_project(owner=owner)

    response = api(owner).post(f"/api/v1/projects/{project.id}/events", json={"event": "advance", "version": 1})

    body = assert_problem(response, 422)
    assert "Énoncé du problème" in body["reasons"][0]


def test_gate_then_advance_moves_to_the_next_stage(api, session, make_project, founder, manager):
    project = make_project()
    founder_api = api(founder)
    for key in ("problem_statement", "team_formed"):
        response = founder_api.put(f"/api/v1/projects/{project.id}/deliverables/{key}", json={"done": True})
        assert response.status_code == 200
    version = founder_api.get(f"/api/v1/projects/{project.id}").get_json()["version"]

    approved = api(manager).post(f"/api/v1/projects/{project.id}/events",
                                 json={"event": "approve_gate", "comment": "Solid", "version": version})

    assert approved.status_code == 200
    assert (approved.get_json()["stage"], approved.get_json()["gate_decision"]) == ("idea", "go")
    assert approved.get_json()["version"] == version + 1

    advanced = founder_api.post(f"/api/v1/projects/{project.id}/events",
                                json={"event": "advance", "version": approved.get_json()["version"]})

    assert advanced.status_code == 200
    body = advanced.get_json()
    assert (body["stage"], body["status"], body["gate_decision"]) == ("project", "active", None)
    assert [d["key"] for d in body["deliverables"]] == ["business_plan", "prototype", "partners_identified"]
    stored = reload(session, project)
    assert (stored.stage, stored.version) == ("project", version + 2)
    decision = session.scalars(select(GateDecision).where(GateDecision.project_id == project.id)).one()
    assert (decision.stage, decision.decision, decision.decider_id, decision.rationale) == (
        "idea", "go", manager.id, "Solid")
    assert decision.deliverables == {"problem_statement": True, "team_formed": True, "market_sketch": False}


def test_manager_overrides_the_gates_with_a_comment(api, session, make_project, manager):
    project = make_project()

    response = api(manager).post(f"/api/v1/projects/{project.id}/events", json={
        "event": "advance", "version": 1, "override": True, "comment": "Board decision of 12 May"})

    assert response.status_code == 200
    assert response.get_json()["stage"] == "project"
    record = session.scalars(select(ProjectEvent).where(ProjectEvent.event == "advance")).one()
    assert (record.is_override, record.comment, record.actor_id) == (True, "Board decision of 12 May", manager.id)


@pytest.mark.parametrize("who, comment, reason", [
    ("manager", "", "An override needs a comment."),
    ("founder", "Please", "Your role cannot override the gates of “Move to the next stage”."),
])
def test_override_refused_without_comment_or_right(api, session, make_project, founder, manager, who, comment,
                                                   reason, assert_problem):
    project = make_project()
    user = {"founder": founder, "manager": manager}[who]

    response = api(user).post(f"/api/v1/projects/{project.id}/events",
                              json={"event": "advance", "version": 1, "override": True, "comment": comment})

    assert reason in assert_problem(response, 422)["reasons"]
    assert reload(session, project).stage == "idea"


def test_event_with_a_stale_version_is_409_and_changes_nothing(api, session, make_project, founder, now,
                                                               assert_problem):
    project = make_project()
    project_services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)
    session.commit()
    assert project.version == 2

    response = api(founder).post(f"/api/v1/projects/{project.id}/events",
                                 json={"event": "hold", "comment": "Pause", "version": 1})

    body = assert_problem(response, 409)
    assert "changed by someone else" in body["detail"]
    stored = reload(session, project)
    assert (stored.status, stored.version) == ("active", 2)
    assert count(session, ProjectEvent, event="hold") == 0


@pytest.mark.parametrize("payload, field", [
    ({"event": "advance"}, "version"),
    ({"version": 1}, "event"),
    ({"event": "advance", "version": 1, "force": True}, "force"),
    ({"event": "advance", "version": "one"}, "version"),
])
def test_event_with_invalid_fields_is_422(api, make_project, founder, payload, field, assert_problem):
    project = make_project()

    body = assert_problem(api(founder).post(f"/api/v1/projects/{project.id}/events", json=payload), 422)

    assert field in body["errors"]


@pytest.mark.parametrize("event, comment, status, reason", [
    ("hold", "", 422, "A comment is required."),
    ("teleport", "", 422, "This workflow has no event “teleport”."),
    ("approve_gate", "", 403, "Your role does not allow “Approve the gate”."),
    ("resume", "", 422, "Not possible while the project is active."),
    ("send_back", "Again", 403, "Your role does not allow “Send back to the previous stage”."),
])
def test_event_refused_for_the_founder_names_the_reason(api, session, make_project, founder, event, comment,
                                                        status, reason, assert_problem):
    """A guard or rule that blocks is 422; a role the workflow does not list is 403 (not allowed)."""
    project = make_project()

    response = api(founder).post(f"/api/v1/projects/{project.id}/events",
                                 json={"event": event, "comment": comment, "version": 1})

    assert reason in assert_problem(response, status)["reasons"]
    stored = reload(session, project)
    assert (stored.stage, stored.status, stored.version) == ("idea", "active", 1)


def test_hold_and_resume_change_the_status(api, session, make_project, founder):
    project = make_project()
    founder_api = api(founder)

    held = founder_api.post(f"/api/v1/projects/{project.id}/events",
                            json={"event": "hold", "comment": "Exams", "version": 1})
    resumed = founder_api.post(f"/api/v1/projects/{project.id}/events",
                               json={"event": "resume", "version": held.get_json()["version"]})

    assert (held.status_code, held.get_json()["status"]) == (200, "on_hold")
    assert (resumed.status_code, resumed.get_json()["status"]) == (200, "active")
    assert reload(session, project).status == "active"


def test_mentor_sends_a_project_back_with_a_comment(api, session, make_project, mentor, assign):
    project = make_project(stage="project")
    assign(project, mentor)

    response = api(mentor).post(f"/api/v1/projects/{project.id}/events",
                                json={"event": "send_back", "comment": "The market is unclear",
                                      "version": project.version})

    assert response.status_code == 200
    assert response.get_json()["stage"] == "idea"
    stored = reload(session, project)
    assert stored.stage == "idea"
    assert session.scalars(select(GateDecision.decision)).all() == ["recycle"]
    # A stage change ends the stage's mentor assignments.
    assert session.scalars(select(MentorAssignment.end_reason)).all() == ["stage_change"]


# PATCH -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["founder", "manager"])
def test_members_and_managers_edit_a_project(api, session, make_project, founder, manager, who):
    project = make_project()
    user = {"founder": founder, "manager": manager}[who]

    response = api(user).patch(f"/api/v1/projects/{project.id}",
                               json={"name": "Atlas Pay", "pole": "software_packages", "version": 1})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["pole"], body["summary"], body["version"]) == (
        "Atlas Pay", "software_packages", "A test project.", 2)
    stored = reload(session, project)
    assert (stored.name, stored.pole_key, stored.version) == ("Atlas Pay", "software_packages", 2)


def test_assigned_mentor_may_not_edit_a_project(api, session, make_project, mentor, assign, assert_problem):
    project = make_project()
    assign(project, mentor)

    assert_problem(api(mentor).patch(f"/api/v1/projects/{project.id}", json={"name": "Mine", "version": 1}), 403)

    assert reload(session, project).name == "Atlas"


def test_patch_with_a_stale_version_is_409_and_changes_nothing(api, session, make_project, founder,
                                                               assert_problem):
    project = make_project()
    founder_api = api(founder)
    assert founder_api.patch(f"/api/v1/projects/{project.id}", json={"name": "First", "version": 1}).status_code == 200

    response = founder_api.patch(f"/api/v1/projects/{project.id}", json={"name": "Second", "version": 1})

    assert_problem(response, 409)
    stored = reload(session, project)
    assert (stored.name, stored.version) == ("First", 2)


@pytest.mark.parametrize("payload, field", [
    ({"pole": "astrology", "version": 1}, "pole"),
    ({"name": "", "version": 1}, "name"),
    ({"name": "Atlas Pay"}, "version"),
    ({"stage": "commercialisation", "version": 1}, "stage"),
])
def test_patch_with_invalid_fields_is_422(api, session, make_project, founder, payload, field, assert_problem):
    project = make_project()

    body = assert_problem(api(founder).patch(f"/api/v1/projects/{project.id}", json=payload), 422)

    assert field in body["errors"]
    stored = reload(session, project)
    assert (stored.name, stored.pole_key, stored.stage, stored.version) == ("Atlas", "multimedia", "idea", 1)


# Deliverables ------------------------------------------------------------------------------


def test_member_ticks_and_unticks_a_deliverable(api, session, make_project, founder):
    project = make_project()
    founder_api = api(founder)
    path = f"/api/v1/projects/{project.id}/deliverables/problem_statement"

    ticked = founder_api.put(path, json={"done": True, "note": "  Draft v2 ", "version": 1})

    assert ticked.status_code == 200
    assert ticked.get_json() == {"key": "problem_statement", "title": "Problem statement", "required": True,
                                 "done": True, "note": "Draft v2", "evidence": []}
    row = session.scalars(select(DeliverableState)).one()
    assert (row.stage, row.key, row.is_done, row.note, row.updated_by_id) == (
        "idea", "problem_statement", True, "Draft v2", founder.id)
    assert reload(session, project).version == 2

    unticked = founder_api.put(path, json={"done": False})

    assert unticked.get_json()["done"] is False
    assert unticked.get_json()["note"] == "Draft v2"
    session.expire_all()
    assert session.scalars(select(DeliverableState.is_done)).all() == [False]


def test_unknown_deliverable_is_404(api, session, make_project, founder, assert_problem):
    project = make_project()

    body = assert_problem(api(founder).put(f"/api/v1/projects/{project.id}/deliverables/business_plan",
                                           json={"done": True}), 404)

    assert "business_plan" in body["detail"]
    assert count(session, DeliverableState) == 0


def test_deliverable_with_a_stale_version_is_409(api, session, make_project, founder, assert_problem):
    project = make_project()
    founder_api = api(founder)
    founder_api.patch(f"/api/v1/projects/{project.id}", json={"name": "Renamed", "version": 1})

    response = founder_api.put(f"/api/v1/projects/{project.id}/deliverables/problem_statement",
                               json={"done": True, "version": 1})

    assert_problem(response, 409)
    assert count(session, DeliverableState) == 0


def test_assigned_mentor_may_not_tick_a_deliverable(api, session, make_project, mentor, assign, assert_problem):
    project = make_project()
    assign(project, mentor)

    response = api(mentor).put(f"/api/v1/projects/{project.id}/deliverables/problem_statement", json={"done": True})

    assert_problem(response, 403)
    assert count(session, DeliverableState) == 0


@pytest.mark.parametrize("payload, field", [
    ({}, "done"),
    ({"done": True, "note": "x" * 2001}, "note"),
    ({"done": True, "owner": 3}, "owner"),
])
def test_deliverable_with_invalid_fields_is_422(api, session, make_project, founder, payload, field,
                                                assert_problem):
    project = make_project()

    response = api(founder).put(f"/api/v1/projects/{project.id}/deliverables/problem_statement", json=payload)

    assert field in assert_problem(response, 422)["errors"]
    assert count(session, DeliverableState) == 0


def test_deliverable_of_a_closed_project_is_422(api, session, make_project, founder, now, assert_problem):
    project = make_project()
    project_services.fire_event(session, project, "abandon", actor=founder, now=now, version=1, comment="Stop")
    session.commit()

    response = api(founder).put(f"/api/v1/projects/{project.id}/deliverables/problem_statement", json={"done": True})

    assert_problem(response, 422)
    assert count(session, DeliverableState) == 0


# History -----------------------------------------------------------------------------------


def test_history_lists_every_event_oldest_first(api, session, make_project, founder, manager, ready):
    project = ready(make_project())
    api(manager).post(f"/api/v1/projects/{project.id}/events",
                      json={"event": "advance", "comment": "Well done", "version": project.version})

    response = api(founder).get(f"/api/v1/projects/{project.id}/history")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == 6
    for entry in body["items"]:
        assert HISTORY_KEYS <= set(entry)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", entry["at"])
    create, *ticks, approve, advance = body["items"]
    # Ticking is history too: one line per deliverable, naming it, at the stage, status unchanged.
    assert [(t["event"], t["subject"], t["from_stage"], t["to_stage"], t["to_status"]) for t in ticks] == [
        ("deliverable_done", key, "idea", "idea", "active") for key in ("problem_statement", "team_formed",
                                                                         "market_sketch")]
    assert create | {"at": None} == create | {
        "event": "create", "from_stage": None, "to_stage": "idea", "from_status": None, "to_status": "active",
        "actor": {"id": founder.id, "name": founder.name}, "comment": "", "override": False, "at": None}
    assert (approve["event"], approve["from_stage"], approve["to_stage"]) == ("approve_gate", "idea", "idea")
    assert advance | {"at": None} == advance | {
        "event": "advance", "from_stage": "idea", "to_stage": "project", "from_status": "active",
        "to_status": "active", "actor": {"id": manager.id, "name": manager.name}, "comment": "Well done",
        "override": False, "at": None}


def test_history_pages(api, make_project, founder, session, now):
    project = make_project()
    for i in range(3):
        event = "hold" if i % 2 == 0 else "resume"
        project_services.fire_event(session, project, event, actor=founder, now=now, version=project.version,
                                    comment=f"step {i}")
    session.commit()

    body = api(founder).get(f"/api/v1/projects/{project.id}/history?per_page=2&page=2").get_json()

    assert (body["total"], body["page"], body["per_page"]) == (4, 2, 2)
    assert [e["comment"] for e in body["items"]] == ["step 1", "step 2"]


# Lists, filters, scoping -------------------------------------------------------------------


@pytest.fixture
def portfolio(session, make_project, make_user, founder, manager, assign, now):
    """Four projects of two founders; a mentor assigned to one of each founder's."""
    other = make_user("founder")
    mentor = make_user("mentor")
    atlas = make_project(name="Atlas", pole="mobile_services")
    beacon = make_project(name="Beacon", pole="multimedia", stage="project")
    comet = make_project(name="Comet", pole="multimedia", owner=other)
    dune = make_project(name="Dune Shield", pole="security_payment_digital_rights", owner=other,
                        workflow="accelerator_sprint")
    project_services.fire_event(session, comet, "hold", actor=other, now=now, version=comet.version,
                                comment="Funding")
    comet.summary = "Satellite ATLAS imagery"
    session.commit()
    assign(atlas, mentor)
    assign(comet, mentor)
    return {"founder": founder, "other": other, "mentor": mentor, "manager": manager,
            "projects": {p.name: p for p in (atlas, beacon, comet, dune)}}


def names(response) -> set[str]:
    assert response.status_code == 200, response.get_json()
    return {p["name"] for p in response.get_json()["items"]}


@pytest.mark.parametrize("who, expected", [
    ("founder", {"Atlas", "Beacon"}),
    ("other", {"Comet", "Dune Shield"}),
    ("mentor", {"Atlas", "Comet"}),
    ("manager", {"Atlas", "Beacon", "Comet", "Dune Shield"}),
])
def test_project_list_is_scoped_to_the_user(api, portfolio, who, expected):
    response = api(portfolio[who]).get("/api/v1/projects")

    assert names(response) == expected
    assert response.get_json()["total"] == len(expected)


@pytest.mark.parametrize("query, expected", [
    ("stage=project", {"Beacon"}),
    ("stage=idea", {"Atlas", "Comet"}),
    ("pole=multimedia", {"Beacon", "Comet"}),
    ("status=on_hold", {"Comet"}),
    ("status=active", {"Atlas", "Beacon", "Dune Shield"}),
    ("q=atlas", {"Atlas", "Comet"}),
    ("q=SHIELD", {"Dune Shield"}),
    ("workflow=accelerator_sprint", {"Dune Shield"}),
    ("pole=multimedia&status=active", {"Beacon"}),
    ("stage=nowhere", set()),
])
def test_project_list_filters(api, portfolio, query, expected):
    assert names(api(portfolio["manager"]).get(f"/api/v1/projects?{query}")) == expected


def test_project_list_filters_stay_within_the_users_scope(api, portfolio):
    assert names(api(portfolio["mentor"]).get("/api/v1/projects?pole=multimedia")) == {"Comet"}


def test_project_list_has_the_list_shape_and_caps_per_page(api, portfolio):
    manager_api = api(portfolio["manager"])

    body = manager_api.get("/api/v1/projects?per_page=500").get_json()
    page = manager_api.get("/api/v1/projects?per_page=3&page=2&sort=name").get_json()

    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["total"], body["page"], body["per_page"]) == (4, 1, 100)
    assert {"id", "name", "pole", "workflow", "stage", "status", "version"} <= set(body["items"][0])
    assert [p["name"] for p in page["items"]] == ["Dune Shield"]


# Reference data ----------------------------------------------------------------------------


def test_poles_list_keys_and_names(api, founder):
    response = api(founder).get("/api/v1/poles")

    assert response.status_code == 200
    assert [p["key"] for p in response.get_json()] == [
        "mobile_services", "security_payment_digital_rights", "multimedia", "software_packages"]
    assert all(set(p) == {"key", "name"} and p["name"] for p in response.get_json())


def test_workflows_list_every_definition(api, founder):
    response = api(founder).get("/api/v1/workflows")

    assert response.status_code == 200
    assert {w["key"] for w in response.get_json()} >= {"innovation_path", "accelerator_sprint"}


def test_workflow_describes_stages_events_deliverables_and_cadence(api, founder):
    response = api(founder).get("/api/v1/workflows/innovation_path")

    assert response.status_code == 200
    body = response.get_json()
    assert body["initial"] == "idea"
    assert [s["name"] for s in body["stages"]] == [
        "idea", "project", "industrialisation", "commercialisation", "internationalisation"]
    idea = body["stages"][0]
    assert idea["checkin_every_days"] == 14
    assert {"key": "problem_statement", "title": "Problem statement", "required": True} in idea["deliverables"]
    events = {e["name"]: e for e in body["events"]}
    assert set(events) == {"request_review", "approve_gate", "advance", "send_back", "hold", "resume", "abandon",
                           "graduate"}
    assert events["advance"]["gates"] == ["all_deliverables_done", "gate_approved"]
    assert events["advance"]["override_roles"] == ["manager"]
    assert events["abandon"]["to_status"] == "abandoned"


@pytest.mark.parametrize("path", ["/api/v1/poles", "/api/v1/workflows", "/api/v1/workflows/innovation_path"])
def test_reference_data_needs_a_token(api, path, assert_problem):
    assert_problem(api(None).get(path), 401)


def test_unknown_workflow_is_404(api, founder, assert_problem):
    assert_problem(api(founder).get("/api/v1/workflows/no_such_path"), 404)


# Errors are problem+json -------------------------------------------------------------------


@pytest.mark.parametrize("method, path, payload, status", [
    ("POST", "/api/v1/projects", "not json", 400),
    ("GET", "/api/v1/projects?page=zero", None, 400),
    ("GET", "/api/v1/projects/{id}", None, 401),
    ("POST", "/api/v1/users", {}, 403),
    ("GET", "/api/v1/projects/999999", None, 404),
    ("GET", "/api/v1/no-such-resource", None, 404),
    ("DELETE", "/api/v1/projects/{id}", None, 405),
    ("PATCH", "/api/v1/projects/{id}", {"name": "B", "version": 99}, 409),
    ("POST", "/api/v1/projects/{id}/events", {"event": "advance", "version": 1}, 422),
    ("POST", "/api/v1/projects", {"name": "", "pole": "multimedia"}, 422),
])
def test_every_error_is_problem_json(api, make_project, founder, method, path, payload, status, assert_problem):
    project = make_project()
    client = api(None) if status == 401 else api(founder)
    kwargs = {"data": payload, "headers": {"Content-Type": "application/json"}} if isinstance(payload, str) \
        else {"json": payload}

    response = client.request(method, path.format(id=project.id), **kwargs)

    body = assert_problem(response, status)
    if status == 422:
        assert body["errors"]


# A second workflow, end to end -------------------------------------------------------------


def test_accelerator_sprint_runs_end_to_end(api, session, founder, manager, make_user, assign,
                                            assert_problem):
    founder_api, manager_api = api(founder), api(manager)
    created = founder_api.post("/api/v1/projects", json=new_project(workflow="accelerator_sprint"))
    assert created.status_code == 201
    pid = created.get_json()["id"]
    project = session.get(Project, pid)
    assert set(events_by_name(created.get_json())) == {"withdraw"}  # only managers advance on this path

    def tick(key: str) -> None:
        assert founder_api.put(f"/api/v1/projects/{pid}/deliverables/{key}", json={"done": True}).status_code == 200

    def version() -> int:
        return manager_api.get(f"/api/v1/projects/{pid}").get_json()["version"]

    def fire(event: str, user_api=manager_api, **extra):
        return user_api.post(f"/api/v1/projects/{pid}/events", json={"event": event, "version": version(), **extra})

    tick("customer_interviews")
    refused = fire("advance")
    assert assert_problem(refused, 422)["reasons"] == ["No mentor is assigned for stage “Discovery”."]

    mentor = make_user("mentor")
    assign(reload(session, project), mentor)
    assert fire("advance").get_json()["stage"] == "build"

    tick("mvp")
    assign(reload(session, project), mentor)
    pivoted = fire("pivot", api(mentor), comment="Wrong segment")
    assert pivoted.status_code == 200 and pivoted.get_json()["stage"] == "discovery"

    assign(reload(session, project), mentor)
    assert fire("advance").get_json()["stage"] == "build"
    assign(reload(session, project), mentor)
    assert fire("advance").get_json()["stage"] == "demo_day"
    assert "Deliverable “Pitch deck” is not done." in assert_problem(fire("graduate"), 422)["reasons"]

    tick("pitch_deck")
    graduated = fire("graduate")
    assert graduated.status_code == 200
    assert (graduated.get_json()["stage"], graduated.get_json()["status"]) == ("demo_day", "graduated")
    assert graduated.get_json()["events"] == []
    reason = assert_problem(fire("withdraw", founder_api, comment="Too late"), 422)["reasons"][0]
    assert "graduated" in reason

    history = founder_api.get(f"/api/v1/projects/{pid}/history").get_json()["items"]
    assert [(h["event"], h["to_stage"]) for h in history if h["subject"] is None] == [
        ("create", "discovery"), ("advance", "build"), ("pivot", "discovery"), ("advance", "build"),
        ("advance", "demo_day"), ("graduate", "demo_day")]
    stored = reload(session, project)
    assert (stored.workflow_key, stored.stage, stored.status) == ("accelerator_sprint", "demo_day", "graduated")


# openapi.json ------------------------------------------------------------------------------


def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def documented(document: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, operations in document["paths"].items() for method in operations}


def test_openapi_document_is_public_and_openapi_3(api):
    response = api(None).get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_openapi_lists_every_api_route_and_nothing_else(app, api):
    document = api(None).get("/api/v1/openapi.json").get_json()

    assert api_routes(app), "no API route found"
    assert documented(document) == api_routes(app)


def test_openapi_documents_the_errors_routes_answer(app, api):
    document = api(None).get("/api/v1/openapi.json").get_json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = set(operation["responses"])
            if operation.get("security"):
                assert "401" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= responses, (method, path)
            if "{project_id}" in path:
                assert "404" in responses, (method, path)
    assert "401" in document["paths"]["/api/v1/tokens"]["post"]["responses"]
    assert {"409", "422"} <= set(document["paths"]["/api/v1/projects/{project_id}/events"]["post"]["responses"])


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_every_documented_secured_route_answers_401_without_a_token(app, api, method, assert_problem):
    anonymous = api(None)
    document = anonymous.get("/api/v1/openapi.json").get_json()

    for path, operations in document["paths"].items():
        operation = operations.get(method)
        if operation is None or not operation.get("security"):
            continue
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        assert_problem(anonymous.request(method.upper(), url, json={}), 401)
