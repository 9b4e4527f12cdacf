"""A founder asks for a gate review, a mentor or a manager decides: the `request_review` event, its
guards and history, the pending request, and who hears of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.errors import EventForbidden
from app.core.errors import TransitionNotAllowed
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail
from app.projects import queries
from app.projects import services
from app.projects.models import ProjectMember
from app.workflow.catalog import catalog_of


@pytest.fixture
def complete(session, tick_all, manager):
    """Tick every deliverable of the project's current stage."""

    def tick(project):
        tick_all(project, manager)
        return project

    return tick


def request_review(session, project, founder, now, comment: str = ""):
    record = services.fire_event(session, project, "request_review", actor=founder, now=now,
                                 version=project.version, comment=comment)
    session.commit()
    return record


def test_the_shipped_path_declares_request_review_as_a_founders_internal_event(session):
    definition = catalog_of(session).latest("innovation_path")
    event = definition.events["request_review"]

    assert event.roles == ("member",)
    assert event.gates == ("all_deliverables_done", "gate_not_approved", "no_pending_review")
    assert event.requests_review is True and event.gate_decision is None
    assert (event.notifies.kind, event.notifies.roles) == ("gate_review_requested", ("assigned_mentor", "manager"))
    assert all(definition.destination("request_review", stage) == stage for stage in definition.stage_names)
    assert definition.events["approve_gate"].notifies.kind == "gate_decided"
    assert definition.events["send_back"].notifies.roles == ("member",)


def test_a_review_needs_every_required_deliverable_done(session, make_project, founder, now):
    project = make_project()
    services.set_deliverable(session, project, "problem_statement", done=True, actor=founder, now=now)

    with pytest.raises(TransitionNotAllowed) as refused:
        request_review(session, project, founder, now)

    assert refused.value.reason_texts() == ["Deliverable “Founding team formed” is not done."]
    session.rollback()
    assert project.review_requested_at is None


def test_a_founder_requests_a_review_recorded_in_history_with_the_comment(session, make_project, founder, now,
                                                                          complete):
    project = complete(make_project())

    record = request_review(session, project, founder, now, comment="  All done, see the evidence.  ")

    assert (record.event, record.from_stage, record.to_stage, record.from_status, record.to_status) == (
        "request_review", "idea", "idea", "active", "active")
    assert (record.actor_id, record.comment) == (founder.id, "All done, see the evidence.")
    assert (project.stage, project.gate_decision) == ("idea", None)
    assert (project.review_requested_at, project.review_request_event_id) == (now, record.id)
    assert queries.list_history(session, project)[-1].id == record.id


@pytest.mark.parametrize("role", ["mentor", "manager"])
def test_only_the_team_requests_a_review(session, make_project, complete, assign, mentor, manager, now, role):
    project = complete(make_project())
    assign(project, mentor)

    with pytest.raises(EventForbidden):
        services.fire_event(session, project, "request_review", actor={"mentor": mentor, "manager": manager}[role],
                            now=now, version=project.version)


def test_a_second_request_is_refused_while_one_is_pending(session, make_project, founder, now, complete):
    project = complete(make_project())
    request_review(session, project, founder, now)

    with pytest.raises(TransitionNotAllowed) as refused:
        request_review(session, project, founder, now)

    assert refused.value.reason_texts() == [
        "A review of the gate of stage “Idea” was already requested; it awaits a decision."]


def test_no_review_is_requested_of_an_approved_gate(session, make_project, founder, manager, now, complete):
    project = complete(make_project())
    services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version)
    options = {o.event.name: o for o in services.event_options(session, project, founder)}

    assert options["request_review"].allowed is False
    assert options["request_review"].reasons == ("The gate of stage “Idea” is already approved.",)
    with pytest.raises(TransitionNotAllowed):
        request_review(session, project, founder, now)


@pytest.mark.parametrize("decision, comment", [("approve_gate", ""), ("send_back", "Rework it"), ("hold", "Pause")])
def test_a_gate_decision_answers_the_pending_request(session, make_project, founder, manager, now, complete, decision,
                                                     comment):
    project = complete(make_project(stage="project"))
    request_review(session, project, founder, now)
    assert [r.project_id for r in queries.pending_review_requests(session)] == [project.id]

    services.fire_event(session, project, decision, actor=manager, now=now, version=project.version, comment=comment)
    session.commit()

    assert project.review_requested_at is None and project.review_request_event_id is None
    assert queries.pending_review_requests(session) == []


def test_a_stage_change_answers_the_pending_request(session, make_project, founder, manager, now, complete):
    project = complete(make_project())
    request_review(session, project, founder, now)

    services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                        comment="Committee decision", override=True)

    assert project.stage == "project" and project.review_requested_at is None


def test_pending_review_requests_lists_who_asked_oldest_first_and_scopes_to_the_viewer(
        session, make_project, make_user, founder, manager, mentor, assign, now, complete):
    first = complete(make_project(name="First"))
    second_founder = make_user("founder")
    second = complete(make_project(name="Second", owner=second_founder))
    request_review(session, first, founder, now, comment="Please look")
    request_review(session, second, second_founder, now.replace(year=now.year + 1))
    assign(second, mentor)

    everything = queries.pending_review_requests(session)
    assert [(r.project_id, r.project_name, r.stage, r.requested_by.id) for r in everything] == [
        (first.id, "First", "idea", founder.id), (second.id, "Second", "idea", second_founder.id)]
    assert (everything[0].comment, everything[0].workflow) == ("Please look", "innovation_path")
    assert everything[0].event_id == first.review_request_event_id
    assert [r.project_id for r in queries.pending_review_requests(session, viewer=manager)] == [first.id, second.id]
    assert [r.project_id for r in queries.pending_review_requests(session, viewer=mentor)] == [second.id]
    assert [r.project_id for r in queries.pending_review_requests(session, viewer=founder)] == [first.id]
    assert [r.project_id for r in queries.pending_review_requests(session, project_ids=[second.id])] == [second.id]
    assert len(queries.pending_review_requests(session, limit=1)) == 1


# Through the API: the project's JSON, the notifications ---------------------------------------


def emails_to(session, user) -> list[OutgoingEmail]:
    return list(session.scalars(select(OutgoingEmail).where(OutgoingEmail.to_user_id == user.id)))


def test_request_through_the_api_notifies_the_stages_mentors_and_the_managers_in_their_language(
        api, session, make_project, make_user, founder, manager, mentor, assign, complete):
    french_manager = make_user("manager", locale="fr", name="Nadia")
    project = complete(make_project(name="Atlas"))
    assign(project, mentor)

    response = api(founder).post(f"/api/v1/projects/{project.id}/events",
                                 json={"event": "request_review", "comment": "Ready", "version": project.version})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["review_requested_at"] is not None
    assert body["review_requested_by"] == {"id": founder.id, "name": founder.name}
    assert body["review_request_comment"] == "Ready"
    notified = session.scalars(select(Notification).where(Notification.kind == "gate_review_requested")).all()
    assert {n.user_id for n in notified} == {mentor.id, manager.id, french_manager.id}
    assert {n.link for n in notified} == {f"/projects/{project.id}#gate-review"}
    assert len({n.dedupe_key for n in notified}) == 3
    assert emails_to(session, founder) == []  # who asked is not told
    (english,) = emails_to(session, mentor)
    assert english.subject == "Atlas asks for a gate review"
    assert f"/projects/{project.id}#gate-review" in english.body and "“Idea”" in english.body
    assert "Ready" in english.body
    (french,) = emails_to(session, french_manager)
    assert french.subject == "Atlas demande la revue d'un jalon"
    assert "Idée" in french.body


def test_a_stale_request_is_refused_and_notifies_nobody(api, session, make_project, founder, complete):
    project = complete(make_project())

    response = api(founder).post(f"/api/v1/projects/{project.id}/events",
                                 json={"event": "request_review", "version": project.version - 1})

    assert response.status_code == 409
    assert session.scalars(select(Notification)).all() == []


def test_the_founders_hear_of_the_gate_decision(api, session, make_project, make_user, founder, manager, mentor,
                                                assign, complete):
    cofounder = make_user("founder", locale="fr")
    project = complete(make_project(name="Atlas"))
    project.members.append(ProjectMember(user_id=cofounder.id))
    session.commit()
    assign(project, mentor)

    approved = api(mentor).post(f"/api/v1/projects/{project.id}/events",
                                json={"event": "approve_gate", "comment": "Convincing", "version": project.version})

    assert approved.status_code == 200
    notified = session.scalars(select(Notification).where(Notification.kind == "gate_decided")).all()
    assert {n.user_id for n in notified} == {founder.id, cofounder.id}
    assert emails_to(session, founder)[0].subject == "The gate of Atlas is approved"
    assert emails_to(session, cofounder)[0].subject == "Le jalon de Atlas est validé"
    assert "Convincing" in emails_to(session, founder)[0].body


def test_approving_an_approved_gate_answers_409(api, session, make_project, manager, complete):
    project = complete(make_project())
    manager_api = api(manager)
    first = manager_api.post(f"/api/v1/projects/{project.id}/events",
                             json={"event": "approve_gate", "version": project.version})

    again = manager_api.post(f"/api/v1/projects/{project.id}/events",
                             json={"event": "approve_gate", "version": first.get_json()["version"]})

    assert again.status_code == 409
    assert again.get_json()["code"] == "gate_already_approved"


def test_the_project_page_shows_the_request_to_the_mentor_and_the_action_to_the_founder(
        client, login_as, session, make_project, founder, mentor, assign, complete, now):
    project = complete(make_project())
    assign(project, mentor)
    page = login_as(founder).get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'name="event" value="request_review"' in page
    assert "data-review-requested" not in page

    response = client.post(f"/projects/{project.id}/events",
                           data={"event": "request_review", "comment": "Have a look", "version": project.version})
    assert response.status_code == 302
    client.post("/logout")

    page = login_as(mentor).get(f"/projects/{project.id}").get_data(as_text=True)
    assert "data-review-requested" in page and "Have a look" in page
    assert f"by {founder.name}" in page
    assert 'name="event" value="approve_gate"' in page
    notifications = client.get("/notifications").get_data(as_text=True)
    assert f'href="/projects/{project.id}#gate-review">{founder.name} asks for a review of the gate of Atlas.' \
        in notifications

    session.refresh(project)
    response = client.post(f"/projects/{project.id}/events", data={"event": "approve_gate", "version": project.version})
    assert response.status_code == 302
    client.post("/logout")
    notifications = login_as(founder).get("/notifications").get_data(as_text=True)
    assert f'href="/projects/{project.id}/history#gates-title">The gate of Atlas is approved.' in notifications
