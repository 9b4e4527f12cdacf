"""Decisions: labelled (a project on the path at the call's stage, with its team, partners and a
label), rejected, more information (once); the applicant told by email and in the app; the
certificate."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.calls import evaluation
from app.calls import services
from app.calls.models import Label
from app.cluster.models import ProjectPartner
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.notifications.models import Notification
from app.projects.models import Project
from app.projects.models import ProjectEvent


@pytest.fixture
def labelled(session, make_call, make_application, make_organisation, manager, now):
    """A call whose labelled projects enter at `industrialisation`, and an application it labelled."""
    lead, lab = make_organisation("Atlas SARL"), make_organisation("INPT")
    call = make_call(title="Industrial call", stage="industrialisation")
    application = make_application(call, title="Atlas Pay", partners=[
        services.PartnerInput(lead.id, "lead"), services.PartnerInput(lab.id, "research_partner")])
    decision = evaluation.decide(session, application, "labelled", actor=manager, now=now, comment="Congratulations")
    session.commit()
    return decision


def test_a_labelled_application_becomes_a_project_at_the_calls_stage(session, labelled, now):
    project = session.get(Project, labelled.project.id)
    application = labelled.application

    assert application.status == "labelled" and application.project_id == project.id
    assert (project.name, project.pole_key, project.workflow_key, project.stage, project.status) == (
        "Atlas Pay", "multimedia", "innovation_path", "industrialisation", "active")
    assert [m.user_id for m in project.members] == [application.applicant_id]
    partners = session.scalars(select(ProjectPartner).where(ProjectPartner.project_id == project.id)).all()
    assert sorted((p.organisation.name, p.role) for p in partners) == [("Atlas SARL", "lead"),
                                                                      ("INPT", "research_partner")]
    history = session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id)
                              .order_by(ProjectEvent.id)).all()
    assert [(h.event, h.from_stage, h.to_stage) for h in history] == [("create", None, "idea"),
                                                                      ("label", "idea", "industrialisation")]


def test_a_call_entering_at_the_first_stage_writes_only_the_creation(session, make_call, make_application, manager,
                                                                     now):
    decision = evaluation.decide(session, make_application(make_call(stage="idea")), "labelled", actor=manager,
                                 now=now)

    events = session.scalars(select(ProjectEvent.event).where(ProjectEvent.project_id == decision.project.id)).all()
    assert decision.project.stage == "idea" and events == ["create"]


def test_labels_are_numbered_per_year_without_gaps(session, make_call, make_application, manager, now):
    call = make_call()
    numbers = [evaluation.decide(session, make_application(call, title=f"P{i}"), "labelled", actor=manager,
                                 now=now).label.number for i in range(3)]

    year = now.year
    assert numbers == [f"PC-{year}-0001", f"PC-{year}-0002", f"PC-{year}-0003"]
    label = session.scalar(select(Label).where(Label.number == numbers[0]))
    assert (label.labelled_on, label.call_id) == (now.date(), call.id)


def test_a_rejection_closes_the_application_without_a_project(session, make_call, make_application, manager, now):
    decision = evaluation.decide(session, make_application(make_call()), "rejected", actor=manager, now=now,
                                 comment="Too early.")

    assert decision.application.status == "rejected" and decision.project is None
    assert decision.application.decided_at == now
    assert session.scalar(select(Project.id)) is None


def test_more_information_reopens_the_application_once_even_after_the_deadline(session, make_call, make_application,
                                                                               manager, now):
    call = make_call(closes_in=dt.timedelta(days=1))
    application = make_application(call)
    applicant = application.applicant
    after_deadline = call.closes_at + dt.timedelta(days=3)

    evaluation.decide(session, application, "more_info", actor=manager, now=now, comment="Add your revenue.")
    services.update_application(session, application, actor=applicant, now=after_deadline, version=None,
                                answers={"q2": "Merchants, 2 MAD per payment."})
    services.submit_application(session, application, actor=applicant, now=after_deadline)

    assert application.status == "submitted" and application.more_info_requested_at == now
    with pytest.raises(ValidationFailed) as refused:
        evaluation.decide(session, application, "more_info", actor=manager, now=after_deadline, comment="More?")
    assert "decision" in refused.value.errors
    evaluation.decide(session, application, "labelled", actor=manager, now=after_deadline)
    assert application.status == "labelled"


def test_asking_for_more_information_says_what_is_missing(session, make_call, make_application, manager, now):
    with pytest.raises(ValidationFailed) as refused:
        evaluation.decide(session, make_application(make_call()), "more_info", actor=manager, now=now)

    assert "comment" in refused.value.errors


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_decide(session, make_call, make_application, make_reviewer, make_user, now, role):
    application = make_application(make_call())
    deciders = [make_user(role), make_reviewer("multimedia"), application.applicant]

    for person in deciders:
        with pytest.raises(Forbidden):
            evaluation.decide(session, application, "labelled", actor=person, now=now)


@pytest.mark.parametrize(("status_maker", "refusal"), [("draft", ValidationFailed), ("labelled", Conflict),
                                                        ("rejected", Conflict)])
def test_only_a_submitted_application_is_decided(session, make_call, make_application, manager, now, status_maker,
                                                 refusal):
    """A draft is not ready (422); a decided application conflicts with its decision (409, as a lost race)."""
    call = make_call()
    application = make_application(call, submitted=status_maker != "draft")
    if status_maker != "draft":
        evaluation.decide(session, application, status_maker, actor=manager, now=now)

    with pytest.raises(refusal):
        evaluation.decide(session, application, "labelled", actor=manager, now=now)


# Through the API and the pages, with real email ------------------------------------------------


def test_the_api_decision_labels_and_the_applicant_is_told_by_email_and_in_the_app(
        api, session, make_call, make_application, manager, smtp_server, deliver):
    application = make_application(make_call(title="Spring call"), title="Atlas Pay")

    response = api(manager).post(f"/api/v1/applications/{application.id}/decision",
                                 json={"decision": "labelled", "comment": "Welcome aboard."})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["label"].startswith("PC-") and isinstance(body["project_id"], int)
    assert body["status"] == "labelled"
    deliver()
    (email,) = smtp_server.received_by(application.applicant.email)
    assert email.subject == "Your project Atlas Pay is labelled"
    assert body["label"] in email.body and "Welcome aboard." in email.body
    assert f"/projects/{body['project_id']}" in email.body
    session.expire_all()
    notice = session.scalar(select(Notification).where(Notification.user_id == application.applicant_id))
    assert notice.kind == "application_outcome" and notice.params["label"] == body["label"]


@pytest.mark.parametrize("decision, subject", [
    ("rejected", "Your application Atlas Pay was not selected"),
    ("more_info", "More information is needed on your application Atlas Pay"),
])
def test_other_outcomes_are_emailed_too(api, make_call, make_application, manager, smtp_server, deliver, decision,
                                        subject):
    application = make_application(make_call(), title="Atlas Pay")

    response = api(manager).post(f"/api/v1/applications/{application.id}/decision",
                                 json={"decision": decision, "comment": "Send your financial plan."})

    assert response.status_code == 200
    assert response.get_json()["project_id"] is None
    deliver()
    (email,) = smtp_server.received_by(application.applicant.email)
    assert email.subject == subject and "Send your financial plan." in email.body


def test_a_title_with_a_carriage_return_gives_a_one_line_subject_and_email_keeps_flowing(
        api, session, make_call, make_application, make_user, manager, smtp_server, deliver):
    call = make_call()
    poisoned = make_application(call, title="Poison\rBcc: x@evil.example")
    other = make_application(call, applicant=make_user("founder"), title="Atlas Pay")

    for application in (poisoned, other):
        response = api(manager).post(f"/api/v1/applications/{application.id}/decision",
                                     json={"decision": "rejected", "comment": "Not this time."})
        assert response.status_code == 200

    assert deliver() == (2, 0)
    (email,) = smtp_server.received_by(poisoned.applicant.email)
    assert email.subject == "Your application Poison Bcc: x@evil.example was not selected"
    assert email.message["Bcc"] is None and "x@evil.example" not in smtp_server.recipients()
    assert len(smtp_server.received_by(other.applicant.email)) == 1


def test_the_project_page_and_api_show_the_label(api, login_as, labelled):
    owner = labelled.application.applicant
    number = labelled.label.number

    page = login_as(owner).get(f"/projects/{labelled.project.id}", headers={"Accept-Language": "en"})
    answer = api(owner).get(f"/api/v1/projects/{labelled.project.id}").get_json()

    assert number in page.get_data(as_text=True)
    assert answer["label"]["number"] == number
    assert answer["label"]["call_title"] == "Industrial call"
    assert answer["label"]["certificate_url"] == f"/labels/{number}.pdf"


def test_projects_without_a_label_say_so_in_the_api(api, make_project, founder):
    project = make_project()

    assert api(founder).get(f"/api/v1/projects/{project.id}").get_json()["label"] is None


def test_the_certificate_is_a_pdf_naming_the_project_call_and_number(login_as, labelled):
    client = login_as(labelled.application.applicant)

    response = client.get(f"/labels/{labelled.label.number}.pdf", headers={"Accept-Language": "en"})

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert len(reader.pages) == 1
    for expected in ("Certificate of label", "Atlas Pay", "Industrial call", labelled.label.number):
        assert expected in text, (expected, text)


def test_the_certificate_is_only_for_those_who_see_the_project(client, login_as, make_user, labelled):
    assert client.get(f"/labels/{labelled.label.number}.pdf").status_code == 302  # to the login page
    stranger = login_as(make_user("founder"))
    assert stranger.get(f"/labels/{labelled.label.number}.pdf").status_code == 404
    assert stranger.get("/labels/PC-1999-0001.pdf").status_code == 404
