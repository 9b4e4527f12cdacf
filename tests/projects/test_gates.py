"""A gate is approved once per stage visit (issue 16, item 2): the service, the API and the page refuse
a second approval, and the funders' report counts one gate per project and visit."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.core.errors import GateAlreadyApproved
from app.core.problems import http_status
from app.projects import services as project_services
from app.projects.models import GateDecision
from tests.projects.test_views import section
from tests.projects.test_views import text


def gate_rows(session, project) -> int:
    return session.scalar(select(func.count()).select_from(GateDecision).where(GateDecision.project_id == project.id))


@pytest.fixture
def approved(session, make_project, founder, manager, tick_all, now):
    """A project at `idea` whose gate is approved."""
    project = make_project()
    tick_all(project, founder)
    project_services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version,
                                comment="Go")
    session.commit()
    return project


def test_the_service_refuses_a_second_approval_in_the_same_stage_visit(session, approved, manager, now):
    with pytest.raises(GateAlreadyApproved) as refused:
        project_services.fire_event(session, approved, "approve_gate", actor=manager, now=now,
                                    version=approved.version, comment="Go again")

    assert refused.value.code == "gate_already_approved" and http_status(refused.value) == 409
    assert refused.value.reasons == ["The gate of stage “Idea” was already approved; it is approved once per stay "
                                     "in the stage."]
    session.rollback()
    assert gate_rows(session, approved) == 1


def test_an_override_does_not_approve_twice_either(session, approved, manager, now):
    with pytest.raises(GateAlreadyApproved):
        project_services.fire_event(session, approved, "approve_gate", actor=manager, now=now,
                                    version=approved.version, comment="Override", override=True)


def test_the_gate_can_be_approved_again_in_a_later_visit_of_the_stage(session, approved, manager, founder,
                                                                      tick_all, now):
    for event in ("advance", "send_back"):
        project_services.fire_event(session, approved, event, actor=manager, now=now, version=approved.version,
                                    comment="Back to the drawing board")
    tick_all(approved, founder)

    project_services.fire_event(session, approved, "approve_gate", actor=manager, now=now, version=approved.version)
    session.commit()

    assert approved.stage == "idea" and approved.gate_decision == "go"
    assert session.scalars(select(GateDecision.decision).where(GateDecision.project_id == approved.id)
                           .order_by(GateDecision.id)).all() == ["go", "recycle", "go"]


def test_the_api_answers_409_with_a_clear_problem(api, session, approved, manager):
    response = api(manager).post(f"/api/v1/projects/{approved.id}/events",
                                 json={"event": "approve_gate", "comment": "Again", "version": approved.version})

    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert (body["title"], body["detail"]) == ("Conflict", "The gate is already approved.")
    assert body["reasons"] == ["The gate of stage “Idea” was already approved; it is approved once per stay in "
                               "the stage."]
    assert gate_rows(session, approved) == 1


def test_the_api_no_longer_lists_the_approval_among_the_events(api, approved, manager):
    events = {e["event"] for e in api(manager).get(f"/api/v1/projects/{approved.id}").get_json()["events"]}

    assert "approve_gate" not in events and "advance" in events


def test_the_page_no_longer_offers_the_approve_form_and_a_resubmission_is_refused(login_as, session, approved,
                                                                                  manager):
    client = login_as(manager)

    events = section(text(client.get(f"/projects/{approved.id}")), "events-title")

    assert "Approve the gate" not in events and 'value="approve_gate"' not in events
    assert "Move to the next stage" in events
    response = client.post(f"/projects/{approved.id}/events",
                           data={"event": "approve_gate", "comment": "Again", "version": approved.version},
                           follow_redirects=True)
    assert "The gate is already approved." in text(response)
    assert gate_rows(session, approved) == 1
