"""Self-registered accounts are applicants (issue 16, item 3): they apply to calls and follow their
applications, create no project, and become founders of the project their labelled application creates."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth import links
from app.calls import evaluation
from app.core.errors import Forbidden
from app.core.time import utcnow
from app.projects import services as project_services
from app.projects.models import Project
from app.projects.models import ProjectMember


def projects(session) -> int:
    return session.scalar(select(func.count()).select_from(Project))


@pytest.fixture
def applicant(make_user):
    return make_user("applicant")


def test_the_signup_page_makes_an_applicant(client, session):
    from app.auth.models import User

    client.post("/signup", data={"email": "leila@example.org", "name": "Leila", "password": "correct-horse-battery",
                                "consent": "y"})

    assert session.scalar(select(User.role).where(User.email == "leila@example.org")) == "applicant"


def test_sign_up_service_makes_an_applicant(session, now):
    request = links.sign_up(session, email="omar@example.org", name="Omar", password="correct-horse-battery",
                            locale="fr", now=now, secret="s")

    assert request.user.role == "applicant"


def test_an_applicant_cannot_create_a_project_through_the_service(session, applicant, now):
    with pytest.raises(Forbidden):
        project_services.create_project(session, name="Shortcut", summary="", pole="multimedia",
                                        workflow="innovation_path", default_workflow="innovation_path",
                                        actor=applicant, now=now)


def test_an_applicant_gets_403_creating_a_project_through_the_api(api, session, applicant):
    response = api(applicant).post("/api/v1/projects", json={"name": "Shortcut", "summary": "", "pole": "multimedia"})

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert projects(session) == 0


def test_an_applicant_gets_403_on_the_new_project_page_and_sees_no_button(login_as, session, applicant):
    client = login_as(applicant)

    assert client.get("/projects/new").status_code == 403
    assert client.post("/projects/new", data={"name": "Shortcut", "summary": "", "pole": "multimedia",
                                              "workflow": "innovation_path"}).status_code == 403
    assert projects(session) == 0
    page = client.get("/projects").get_data(as_text=True)
    assert 'href="/projects/new"' not in page


def test_an_applicant_lands_on_their_applications(login_as, applicant, founder):
    response = login_as(applicant).get("/")

    assert response.status_code == 302 and response.headers["Location"] == "/applications"


def test_founders_made_by_managers_still_create_projects(api, session, manager, login_as):
    made = api(manager).post("/api/v1/users", json={"email": "staff-founder@example.org", "name": "Staff founder",
                                                   "role": "founder", "password": "correct-horse-battery"})
    assert made.status_code == 201
    from app.auth.models import User

    founder = session.scalar(select(User).where(User.email == "staff-founder@example.org"))
    response = api(founder, "correct-horse-battery").post("/api/v1/projects",
                                                          json={"name": "Direct", "summary": "", "pole": "multimedia"})

    assert response.status_code == 201
    page = login_as(founder, "correct-horse-battery").get("/projects").get_data(as_text=True)
    assert 'href="/projects/new"' in page


def test_an_applicant_applies_and_sees_their_application(api, applicant, make_call):
    call = make_call()
    client = api(applicant)

    created = client.post(f"/api/v1/calls/{call.id}/applications",
                          json={"title": "Atlas Pay", "summary": "Payments.", "pole": "multimedia", "answers": {}})

    assert created.status_code == 201, created.get_json()
    listed = client.get(f"/api/v1/calls/{call.id}/applications").get_json()
    assert [a["title"] for a in listed["items"]] == ["Atlas Pay"]


def test_a_labelled_application_makes_its_applicant_a_founder_member(session, applicant, make_call,
                                                                    make_application, manager, now):
    application = make_application(make_call(), applicant=applicant)

    decision = evaluation.decide(session, application, "labelled", actor=manager, now=now, comment="Welcome")
    session.commit()

    session.expire_all()
    assert applicant.role == "founder"
    assert session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == decision.project.id)
                           ).all() == [applicant.id]


def test_a_rejected_applicant_stays_an_applicant(session, applicant, make_call, make_application, manager):
    application = make_application(make_call(), applicant=applicant)

    evaluation.decide(session, application, "rejected", actor=manager, now=utcnow(), comment="Not this time")
    session.commit()

    session.expire_all()
    assert applicant.role == "applicant"
