"""The scheduler's sweep: statuses, reminders over real SMTP, escalations, catch-up, retries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from app.checkins.models import CheckIn
from app.mentoring import services as mentoring_services
from app.notifications.services import update_preferences
from app.projects.models import Project
from tests.checkins.reads import checkins_of
from tests.checkins.reads import emails
from tests.checkins.reads import notifications
from tests.checkins.reads import open_checkin
from tests.outbox import settle

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
#: A fixed instant, so the formatted dates can be asserted: a Wednesday, 10:00 in Casablanca (UTC+1).
DUE = dt.datetime(2031, 6, 4, 9, 0, tzinfo=UTC)


def plain(text: str) -> str:
    """CLDR formats use narrow and non-breaking spaces; compare with plain ones."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def move_due(session, checkin: CheckIn, due_at: dt.datetime) -> None:
    session.execute(update(CheckIn).where(CheckIn.id == checkin.id).values(due_at=due_at))
    session.commit()
    session.expire_all()


@pytest.fixture
def team(session, make_project, founder, mentor, plan, add_founder):
    """A project with three founders (en/Casablanca, fr/Casablanca, en/UTC), a mentor, a check-in at DUE."""
    project = make_project(name="Atlas Pay")
    fr = add_founder(project, locale="fr", timezone="Africa/Casablanca")
    utc = add_founder(project, locale="en", timezone="UTC")
    checkin = plan(project, mentor)
    move_due(session, checkin, DUE)
    return {"project": project, "checkin": checkin, "founder": founder, "fr": fr, "utc": utc, "mentor": mentor}


def test_statuses_move_from_scheduled_to_due_to_overdue_after_the_grace(session, mail_app, sweep, team):
    checkin = team["checkin"]
    assert mail_app.config["CHECKIN_GRACE_HOURS"] == 48

    steps = [(DUE - HOUR, "scheduled"), (DUE, "due"), (DUE + 47 * HOUR, "due"), (DUE + 48 * HOUR, "overdue"),
             (DUE + 30 * DAY, "overdue")]
    sequences = []
    for at, status in steps:
        sweep(at)
        assert checkin.status == status, at
        sequences.append(checkin.sequence)

    assert sequences == [0, 1, 1, 2, 2]  # each status change is a new iCalendar SEQUENCE


def test_the_grace_period_is_configurable(session, mail_app, sweep, team):
    mail_app.config["CHECKIN_GRACE_HOURS"] = 2

    sweep(DUE + 2 * HOUR)

    assert team["checkin"].status == "overdue"


def test_the_reminder_reaches_mentor_and_founders_over_smtp_once(session, sweep, smtp_server, team):
    checkin, project = team["checkin"], team["project"]
    people = [team["founder"], team["fr"], team["utc"], team["mentor"]]

    too_early = sweep(DUE - 25 * HOUR)  # the lead is 24 hours
    assert too_early.reminders == 0 and smtp_server.messages == []

    report = sweep(DUE - 23 * HOUR)

    assert (report.reminders, report.emails_sent, report.emails_failed) == (1, 4, 0)
    assert checkin.reminded_at == DUE - 23 * HOUR and checkin.status == "scheduled"
    assert sorted(smtp_server.recipients()) == sorted(p.email for p in people)
    for person in people:
        [received] = smtp_server.received_by(person.email)
        assert received.mail_from == "parcours@test.example"
        assert received.message["To"] == person.email
        assert "Atlas Pay" in received.subject
        assert "Atlas Pay" in received.body
        assert f"/projects/{project.id}" in received.body
    assert {n.user_id for n in notifications(session, kind="checkin_reminder")} == {p.id for p in people}
    assert all(e.status == "sent" and e.attempts == 1 for e in emails(session))

    again = sweep(DUE - 22 * HOUR)

    assert (again.reminders, again.emails_sent) == (0, 0)
    assert len(smtp_server.messages) == 4
    assert len(notifications(session)) == 4


def test_the_reminder_shows_the_time_in_each_recipient_s_zone_and_language(session, sweep, smtp_server, team):
    # June 2026: Casablanca is at UTC+1 in every edition of the zone database (later dates are not).
    due = dt.datetime(2026, 6, 4, 9, 0, tzinfo=UTC)
    move_due(session, team["checkin"], due)
    sweep(due - 23 * HOUR)

    [fr] = smtp_server.received_by(team["fr"].email)
    [utc] = smtp_server.received_by(team["utc"].email)
    fr_subject, fr_body, utc_subject, utc_body = map(plain, (fr.subject, fr.body, utc.subject, utc.body))

    # 09:00 UTC is 10:00 in Casablanca, written in French…
    assert "jeudi 4 juin 2026" in fr_subject and "10:00" in fr_subject
    assert "jeudi 4 juin 2026" in fr_body and "10:00" in fr_body
    assert "AM" not in fr_body and "June" not in fr_body
    # …and 9:00 AM for the English reader who lives in UTC.
    assert "Thursday, June 4, 2026" in utc_subject and "9:00 AM" in utc_subject
    assert "Thursday, June 4, 2026" in utc_body and "9:00 AM" in utc_body and "10:00" not in utc_body


def test_the_email_and_the_page_agree_on_the_local_time(session, client, login_as, sweep, smtp_server, team):
    """Whatever the zone database says about Casablanca in 2031, the email and the app say the same."""
    founder = team["founder"]  # en, Africa/Casablanca
    sweep(DUE - 23 * HOUR)
    [received] = smtp_server.received_by(founder.email)
    login_as(founder)

    page = plain(client.get("/checkins").get_data(as_text=True))

    [email_time] = re.findall(r"\d{1,2}:\d{2}", plain(received.subject))
    assert f"Jun 4, 2031, {email_time}" in page


def test_an_opted_out_user_gets_the_notification_but_no_email(session, sweep, smtp_server, team):
    update_preferences(session, team["utc"], kinds={"checkin_reminder": {"email": False}})
    session.commit()

    report = sweep(DUE - 23 * HOUR)

    assert report.emails_sent == 3
    assert smtp_server.received_by(team["utc"].email) == []
    assert emails(session, to_user_id=team["utc"].id) == []
    assert [n.kind for n in notifications(session, user_id=team["utc"].id)] == ["checkin_reminder"]


def test_managers_get_one_escalation_digest_when_a_checkin_is_overdue(session, sweep, smtp_server, make_user, team,
                                                                      manager):
    other = make_user("manager", locale="fr")
    sweep(DUE - 23 * HOUR)
    smtp_server.messages.clear()

    assert sweep(DUE + 47 * HOUR).escalations == 0
    report = sweep(DUE + 49 * HOUR)

    assert report.escalations == 1
    assert team["checkin"].escalated_at == DUE + 49 * HOUR
    assert sorted(smtp_server.recipients()) == sorted([manager.email, other.email])
    [digest] = smtp_server.received_by(manager.email)
    assert "overdue" in digest.subject
    assert "Atlas Pay" in digest.body and "/checkins" in digest.body
    assert [n.kind for n in notifications(session, user_id=manager.id)] == ["checkin_overdue"]

    later = sweep(DUE + 10 * DAY)

    assert later.escalations == 0
    assert len(smtp_server.messages) == 2


def test_escalations_reach_managers_who_turned_reminder_emails_off(session, sweep, smtp_server, team,
                                                                          manager):
    update_preferences(session, manager, kinds={"checkin_reminder": {"email": False}})
    session.commit()

    sweep(DUE + 3 * DAY)

    assert len(smtp_server.received_by(manager.email)) == 1


def test_after_days_of_downtime_one_sweep_catches_up_once(session, sweep, smtp_server, manager, make_project,
                                                          make_user, mentor, plan, now):
    projects = [make_project(name=f"Catch-up {i}", owner=make_user("founder")) for i in range(3)]
    planned = [plan(p, mentor) for p in projects]
    mentoring_services.log_session(session, projects[0], actor=mentor, now=now + DAY, held_at=now + DAY,
                                   duration_minutes=30, summary="Early session.", checkin_id=planned[0].id)
    settle(session)  # the founders' "session logged" email is not under test here
    done = planned[0]
    open_ones = [open_checkin(session, p) for p in projects]

    report = sweep(now + 30 * DAY)

    assert done.status == "done" and done.reminded_at is None and done.escalated_at is None
    assert all(c.status == "overdue" for c in open_ones)
    assert (report.reminders, report.escalations) == (3, 3)
    for checkin, project in zip(open_ones, projects, strict=True):
        founder = project.members[0].user
        assert len([e for e in emails(session) if e.dedupe_key.startswith(f"checkin:{checkin.id}:")]) == 2
        assert len(smtp_server.received_by(founder.email)) == 1
    assert not [e for e in emails(session) if e.dedupe_key.startswith(f"checkin:{done.id}:")]
    assert len(smtp_server.received_by(mentor.email)) == 3  # one reminder per check-in, coalesced
    [digest] = smtp_server.received_by(manager.email)
    assert all(f"Catch-up {i}" in digest.body for i in range(3))

    assert sweep(now + 30 * DAY + HOUR).emails_sent == 0
    assert len(smtp_server.messages) == 3 + 3 + 1


def test_an_smtp_outage_keeps_emails_pending_and_retries_with_backoff(session, sweep, smtp_server, team):
    at = DUE - 23 * HOUR
    smtp_server.stop()

    report = sweep(at)

    assert (report.reminders, report.emails_sent, report.emails_failed) == (1, 0, 4)
    outbox = emails(session)
    assert len(outbox) == 4
    for email in outbox:
        assert (email.status, email.attempts, email.next_attempt_at) == ("pending", 1, at + dt.timedelta(minutes=1))
        assert "cannot reach" in email.last_error

    second = sweep(at + dt.timedelta(minutes=1))  # still down: the wait doubles
    assert second.emails_failed == 4
    assert {(e.attempts, e.next_attempt_at) for e in emails(session)} == {(2, at + dt.timedelta(minutes=3))}

    smtp_server.start()
    early = sweep(at + dt.timedelta(minutes=2))  # up again, but not yet time to retry
    assert early.emails_sent == 0 and smtp_server.messages == []

    late = sweep(at + dt.timedelta(minutes=3))

    assert late.emails_sent == 4
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in
                                                      (team["founder"], team["fr"], team["utc"], team["mentor"]))
    assert {(e.status, e.attempts) for e in emails(session)} == {("sent", 3)}
    assert sweep(at + HOUR).emails_sent == 0
    assert len(smtp_server.messages) == 4


def test_a_refused_address_fails_alone(session, sweep, smtp_server, team):
    smtp_server.refuse(team["fr"].email)

    report = sweep(DUE - 23 * HOUR)

    assert (report.emails_sent, report.emails_failed) == (3, 1)
    [refused] = emails(session, to_user_id=team["fr"].id)
    assert refused.status == "failed" and refused.attempts == 1
    assert "550" in refused.last_error or team["fr"].email in refused.last_error
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in (team["founder"], team["utc"], team["mentor"]))
    assert {e.status for e in emails(session) if e.id != refused.id} == {"sent"}

    assert sweep(DUE).emails_failed == 0  # a refused address is not retried
    assert refused.attempts == 1


@pytest.mark.parametrize(("assigned", "entered", "closed", "base"), [
    (2, 0, None, 2),   # assigned after the stage began: the assignment counts
    (0, 3, None, 3),   # a stage entered after the assignment (data from before the hooks)
    (1, 0, 5, 5),      # a check-in closed later than both
])
def test_the_sweep_plans_what_the_services_missed(session, sweep, make_project, mentor, assign, now, assigned,
                                                  entered, closed, base):
    project = make_project()
    assignment = assign(project, mentor)  # a raw insert: no check-in planned
    assignment.started_at = now + assigned * DAY
    project.stage_entered_at = now + entered * DAY
    if closed is not None:
        session.add(CheckIn(project_id=project.id, mentor_id=mentor.id, stage="idea", due_at=now, status="done",
                            closed_at=now + closed * DAY, created_at=now, updated_at=now))
    session.commit()
    assert open_checkin(session, project) is None

    report = sweep(now + 6 * DAY)

    assert report.planned == 1
    checkin = open_checkin(session, project)
    assert (checkin.status, checkin.mentor_id, checkin.stage) == ("scheduled", mentor.id, "idea")
    assert checkin.due_at == now + (base + 14) * DAY
    assert sweep(now + 6 * DAY).planned == 0
    assert len([c for c in checkins_of(session, project) if c.is_open]) == 1


def test_the_sweep_plans_nothing_for_paused_or_unmentored_projects(session, sweep, make_project, make_user, mentor,
                                                                   assign, now):
    paused = make_project(name="Paused")
    assign(paused, mentor)
    session.execute(update(Project).where(Project.id == paused.id).values(status="on_hold"))
    alone = make_project(name="Alone", owner=make_user("founder"))
    session.commit()

    report = sweep(now)

    assert report.planned == 0
    assert checkins_of(session, paused) == [] and checkins_of(session, alone) == []


def test_smtp_to_any_other_server_is_forbidden_in_tests(smtp_server):
    import smtplib

    with pytest.raises(AssertionError, match="forbidden"):
        smtplib.SMTP("127.0.0.1", 25, timeout=1)
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp:  # the test server is allowed
        assert smtp.noop()[0] == 250
