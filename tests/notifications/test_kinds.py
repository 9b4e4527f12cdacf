"""Each kind emitted once, to the right people, in their language, linking to the exact page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.calls import evaluation
from app.calls import services as calls
from app.extensions import db as flask_db
from app.mentoring import services as mentoring
from app.mentoring.models import ActionItem
from app.mentoring.services import ActionItemInput
from app.notifications import kinds
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail
from app.notifications.templating import TEXTS
from app.projects.models import ProjectMember
from app.scheduling.jobs import run_sweep
from tests.calls.conftest import ANSWERS

TEMPLATES = Path(__file__).parents[2] / "templates" / "emails"
#: Registered here, emitted (with their templates) by the gate reviews and the invitations.
EMITTED_ELSEWHERE = {"gate_review_requested", "gate_decided", "invitation"}


def outbox(session, kind: str) -> dict[int, OutgoingEmail]:
    """recipient id → the email of that kind (one each, or the test fails)."""
    rows = list(session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == kind)))
    found = {row.to_user_id: row for row in rows}
    assert len(found) == len(rows), [r.dedupe_key for r in rows]
    return found


def notes(session, kind: str) -> dict[int, Notification]:
    rows = list(session.scalars(select(Notification).where(Notification.kind == kind)))
    return {row.user_id: row for row in rows}


@pytest.fixture
def base(app) -> str:
    return app.config["BASE_URL"].rstrip("/")


@pytest.fixture
def team(session, make_project, founder, make_user):
    """A project with an English founder and a French one."""
    project = make_project(name="Atlas Pay")
    french = make_user("founder", locale="fr")
    session.add(ProjectMember(project_id=project.id, user_id=french.id, joined_at=project.created_at))
    session.commit()
    session.refresh(project)
    return project, founder, french


def test_every_switchable_kind_emitted_here_has_an_email_template_and_an_in_app_sentence():
    for kind in kinds.switchable():
        if kind.key not in EMITTED_ELSEWHERE:
            assert (TEMPLATES / f"{kind.key}.txt").exists(), kind.key
            assert kind.key in TEXTS, kind.key


def test_assigning_and_ending_a_mentor_tells_the_founders_and_the_mentor_once(session, team, mentor, manager, now,
                                                                             base, deliver, smtp_server):
    project, founder, french = team

    assignment = mentoring.assign_mentor(session, project, mentor, actor=manager, now=now)
    session.commit()

    assigned = outbox(session, "mentor_assigned")
    assert set(assigned) == {founder.id, french.id, mentor.id}
    assert assigned[french.id].subject == f"{mentor.name} accompagne Atlas Pay"
    assert assigned[founder.id].subject == f"{mentor.name} mentors Atlas Pay"
    assert "You now mentor Atlas Pay" in assigned[mentor.id].body
    assert f"{base}/projects/{project.id}\n" in assigned[founder.id].body
    assert set(notes(session, "mentor_assigned")) == {founder.id, french.id, mentor.id}
    assert deliver() == (3, 0)
    [received] = smtp_server.received_by(french.email)
    assert received.subject == f"{mentor.name} accompagne Atlas Pay"

    mentoring.end_assignment(session, assignment, actor=manager, now=now)
    session.commit()

    ended = outbox(session, "mentor_ended")
    assert set(ended) == {founder.id, french.id, mentor.id}
    assert ended[french.id].subject == f"{mentor.name} n'accompagne plus Atlas Pay"


def test_a_logged_session_tells_the_founders_with_its_action_items(session, team, mentor, assign, now, base):
    project, founder, french = team
    assign(project, mentor)
    due = now.date() + dt.timedelta(days=5)

    record = mentoring.log_session(session, project, actor=mentor, now=now, held_at=now - dt.timedelta(hours=1),
                                   duration_minutes=45, summary="Pricing.", notes="Private notes.",
                                   action_items=[ActionItemInput("Call three customers", founder.id, due)])
    session.commit()

    logged = outbox(session, "session_logged")
    assert set(logged) == {founder.id, french.id}  # not the mentor who logged it
    body = logged[founder.id].body
    assert "Call three customers" in body and founder.name in body and "Pricing." in body
    assert "Private notes." not in body
    assert f"{base}/projects/{project.id}/sessions" in body
    assert logged[french.id].subject == f"Séance avec {mentor.name} consignée pour Atlas Pay"
    assert notes(session, "session_logged")[founder.id].link == f"/projects/{project.id}/sessions"
    assert record.action_items[0].title == "Call three customers"


def test_an_action_item_due_tomorrow_in_the_owners_zone_is_told_once(session, mail_app, team, mentor, assign,
                                                                     now, base):
    project, founder, french = team
    assign(project, mentor)
    at = dt.datetime(2031, 3, 4, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 5th in Casablanca, still the 4th in UTC
    founder.timezone = "Africa/Casablanca"
    mentoring.log_session(session, project, actor=mentor, now=at, held_at=at, duration_minutes=30, summary="Go.",
                          action_items=[ActionItemInput("Owned", founder.id, dt.date(2031, 3, 6)),
                                        ActionItemInput("Nobody's", None, dt.date(2031, 3, 5))])
    session.commit()

    with mail_app.app_context():
        first = run_sweep(at)
        second = run_sweep(at + dt.timedelta(minutes=5))
        flask_db.session.remove()

    assert (first.action_items_due, second.action_items_due) == (1, 0)  # "Nobody's" is today for the founders
    [email] = outbox(session, "action_item_due").values()
    assert email.to_user_id == founder.id and email.subject == "Due tomorrow for Atlas Pay: Owned"
    assert f"{base}/projects/{project.id}/sessions" in email.body

    session.execute(ActionItem.__table__.update().where(ActionItem.title == "Owned").values(is_done=True))
    session.commit()
    with mail_app.app_context():
        later = run_sweep(dt.datetime(2031, 3, 4, 8, 0, tzinfo=dt.UTC))  # the 4th everywhere: the 5th is tomorrow
        flask_db.session.remove()
    assert later.action_items_due == 2  # the unowned one, to each founder
    unowned = session.scalar(select(ActionItem.id).where(ActionItem.title == "Nobody's"))
    keys = session.scalars(select(OutgoingEmail.dedupe_key).where(OutgoingEmail.kind == "action_item_due"))
    assert sorted(keys) == sorted([email.dedupe_key, f"action_item:{unowned}:due:{founder.id}",
                                   f"action_item:{unowned}:due:{french.id}"])


def test_submitting_sends_a_receipt_and_asks_the_commission_to_review(session, make_call, attach, make_user,
                                                                      make_reviewer, manager, now, base):
    call = make_call(title="Call 2026")
    applicant = make_user("founder", locale="fr")
    member = make_reviewer("multimedia")
    elsewhere = make_reviewer("mobile_services")
    application = calls.create_application(session, call, actor=applicant, now=now, title="Atlas Pay",
                                           summary="Fast payments.", pole="multimedia", answers=ANSWERS)
    attach(application, applicant)
    session.commit()

    calls.submit_application(session, application, actor=applicant, now=now)
    session.commit()

    [receipt] = outbox(session, "application_received").values()
    assert receipt.to_user_id == applicant.id and receipt.subject == "Candidature reçue\u00a0: Atlas Pay"
    assert f"{base}/applications/{application.id}\n" in receipt.body
    requested = outbox(session, "review_requested")
    assert set(requested) == {member.id}  # the pole's commission, not the other pole's
    assert f"{base}/applications/{application.id}/review" in requested[member.id].body
    assert elsewhere.id not in notes(session, "review_requested")

    extra = make_user("mentor")
    evaluation.assign_reviewer(session, application, extra, actor=manager, now=now)
    session.commit()
    assert set(outbox(session, "review_requested")) == {member.id, extra.id}


def test_a_call_closing_soon_reminds_drafts_once(session, mail_app, make_call, make_user, now, base):
    soon = make_call(title="Soon", closes_in=dt.timedelta(days=2))
    later = make_call(title="Later", closes_in=dt.timedelta(days=20))
    writer, submitted_one, patient = (make_user("founder") for _ in range(3))
    draft = calls.create_application(session, soon, actor=writer, now=now, title="Atlas Pay", pole="multimedia",
                                     answers=ANSWERS)
    done = calls.create_application(session, soon, actor=submitted_one, now=now, title="Done", pole="multimedia",
                                    answers=ANSWERS)
    done.status, done.submitted_at = "submitted", now
    calls.create_application(session, later, actor=patient, now=now, title="Early", pole="multimedia",
                             answers=ANSWERS)
    session.commit()

    with mail_app.app_context():
        first, second = run_sweep(now), run_sweep(now + dt.timedelta(hours=1))
        flask_db.session.remove()

    assert (first.calls_closing, second.calls_closing) == (1, 0)
    [email] = outbox(session, "call_closing").values()
    assert email.to_user_id == writer.id and email.subject.startswith("The call “Soon” closes on ")
    assert f"{base}/applications/{draft.id}" in email.body


def test_the_notifications_page_says_each_new_kind_in_the_readers_language(session, client, login_as, make_user,
                                                                          now):
    reader = make_user("founder", locale="fr")
    params = {"project": "Atlas Pay", "mentor": "Salma", "title": "Atlas Pay", "call": "Appel 2026",
              "closes_on": "2031-03-06", "actions": [{"title": "x"}]}
    for i, kind in enumerate(("mentor_assigned", "mentor_ended", "session_logged", "action_item_due",
                              "application_received", "review_requested", "call_closing", "invitation")):
        session.add(Notification(user_id=reader.id, kind=kind, params=params, link=f"/projects/{i}",
                                 dedupe_key=f"page:{i}", created_at=now))
    session.commit()
    login_as(reader)

    page = client.get("/notifications").get_data(as_text=True)

    for sentence in ("Salma accompagne désormais Atlas Pay.", "Salma n'accompagne plus Atlas Pay.",
                     "Salma a consigné une séance avec Atlas Pay (1 action à mener).",
                     "Pour demain, sur Atlas Pay\u00a0: Atlas Pay.", "Votre candidature Atlas Pay a bien été reçue.",
                     "Vous êtes invité à évaluer la candidature Atlas Pay.",
                     "L'appel Appel 2026 se clôt le 6 mars 2031\u00a0: votre candidature Atlas Pay est encore un "
                     "brouillon.",
                     "Invitation dans une équipe"):  # a kind without its own sentence: its label
        assert sentence.replace("'", "&#39;") in page, sentence
    assert 'href="/projects/3"' in page
