"""Planning check-ins as projects move: the services, tested with a session and no client."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.checkins import services
from app.checkins.models import CheckIn
from app.checkins.sweep import advance_statuses
from app.core.errors import ValidationFailed
from app.mentoring import services as mentoring_services
from app.mentoring.models import MentorAssignment
from app.projects import services as project_services
from tests.checkins.reads import checkins_of
from tests.checkins.reads import open_checkin

DAY = dt.timedelta(days=1)


def fire(session, project, event, actor, at, comment="test"):
    project_services.fire_event(session, project, event, actor=actor, now=at, version=project.version,
                                comment=comment, override=True)
    session.commit()


def test_assigning_a_mentor_plans_a_checkin_one_cadence_later(session, make_project, mentor, plan, now):
    project = make_project()

    checkin = plan(project, mentor)

    assert checkin is not None
    assert (checkin.status, checkin.stage, checkin.mentor_id) == ("scheduled", "idea", mentor.id)
    assert checkin.due_at == now + 14 * DAY  # innovation_path: idea every 14 days
    assert checkin.due_at.tzinfo is not None
    assert checkin.closed_at is None and checkin.reminded_at is None


def test_a_project_without_mentor_has_no_checkin(session, make_project):
    project = make_project()

    assert checkins_of(session, project) == []


@pytest.mark.parametrize(("stage", "days"), [("idea", 14), ("project", 14), ("industrialisation", 21),
                                             ("commercialisation", 30), ("internationalisation", 30)])
def test_the_cadence_is_the_stage_s(session, make_project, mentor, plan, now, stage, days):
    project = make_project(stage=stage)

    checkin = plan(project, mentor)

    assert checkin.due_at == now + days * DAY
    assert checkin.stage == stage


def test_only_one_checkin_is_open_per_project(session, make_project, make_user, mentor, plan, now):
    project = make_project()
    first = plan(project, mentor)

    assert services.plan_next(session, project, base=now + 3 * DAY, now=now) is None
    plan(project, make_user("mentor"))  # a second mentor on the same stage plans nothing more
    session.commit()

    assert [c.id for c in checkins_of(session, project)] == [first.id]


def test_the_database_refuses_a_second_open_checkin(session, make_project, mentor, plan, now):
    project = make_project()
    plan(project, mentor)

    session.add(CheckIn(project_id=project.id, mentor_id=mentor.id, stage="idea", due_at=now + DAY,
                        status="due", created_at=now, updated_at=now))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()

    # A closed one beside the open one is fine: the index only covers open statuses.
    session.add(CheckIn(project_id=project.id, mentor_id=mentor.id, stage="idea", due_at=now - DAY,
                        status="done", closed_at=now, created_at=now, updated_at=now))
    session.commit()
    assert len(checkins_of(session, project)) == 2


def test_advancing_cancels_and_assigning_in_the_new_stage_plans_with_its_cadence(
        session, make_project, make_user, manager, mentor, plan, now):
    project = make_project(stage="project")
    first = plan(project, mentor)

    fire(session, project, "advance", manager, now + DAY)
    session.expire_all()

    assert (first.status, first.cancel_reason, first.closed_at) == ("cancelled", "stage_change", now + DAY)
    assert first.sequence == 1
    assert open_checkin(session, project) is None  # the stage's mentors left with it

    second = plan(project, make_user("mentor"), at=now + 2 * DAY)
    assert (second.stage, second.due_at) == ("industrialisation", now + 2 * DAY + 21 * DAY)


def test_sending_back_replans_nothing_until_a_mentor_is_assigned(session, make_project, manager, mentor, plan,
                                                                 now):
    project = make_project(stage="project")
    first = plan(project, mentor)

    fire(session, project, "send_back", manager, now + DAY, comment="not ready")
    session.expire_all()

    assert (first.status, first.cancel_reason) == ("cancelled", "stage_change")
    assert open_checkin(session, project) is None
    assert plan(project, mentor, at=now + 2 * DAY).due_at == now + 16 * DAY


def test_hold_cancels_and_resume_replans_from_the_resume_time(session, make_project, founder, mentor, plan, now):
    project = make_project()
    first = plan(project, mentor)

    fire(session, project, "hold", founder, now + 3 * DAY, comment="fundraising")
    session.expire_all()
    assert (first.status, first.cancel_reason) == ("cancelled", "hold")
    assert open_checkin(session, project) is None

    fire(session, project, "resume", founder, now + 40 * DAY)
    resumed = open_checkin(session, project)

    assert resumed.id != first.id
    assert (resumed.status, resumed.due_at, resumed.mentor_id) == ("scheduled", now + 54 * DAY, mentor.id)


@pytest.mark.parametrize("event", ["abandon", "graduate"])
def test_closing_a_project_cancels_its_checkin(session, make_project, manager, mentor, plan, now, event):
    project = make_project(stage="internationalisation")
    first = plan(project, mentor)
    if event == "graduate":
        fire(session, project, "approve_gate", manager, now + DAY, comment="ready")  # graduating needs it

    fire(session, project, event, manager, now + DAY, comment="the end")
    session.expire_all()

    assert (first.status, first.cancel_reason) == ("cancelled", "closed")
    assert open_checkin(session, project) is None
    assert services.plan_next(session, project, base=now, now=now + 2 * DAY) is None


def test_removing_the_last_mentor_cancels_but_another_mentor_keeps_it(session, make_project, make_user, manager,
                                                                      mentor, plan, now):
    project = make_project()
    first = plan(project, mentor)
    other = make_user("mentor")
    plan(project, other)
    assignments = {a.mentor_id: a for a in session.scalars(
        select(MentorAssignment).where(MentorAssignment.project_id == project.id))}

    mentoring_services.end_assignment(session, assignments[mentor.id], actor=manager, now=now + DAY)
    session.commit()
    session.expire_all()
    assert first.status == "scheduled"

    mentoring_services.end_assignment(session, assignments[other.id], actor=manager, now=now + 2 * DAY)
    session.commit()
    session.expire_all()
    assert (first.status, first.cancel_reason) == ("cancelled", "mentor_removed")


def log(session, project, mentor, *, held_at, now, checkin_id=None):
    record = mentoring_services.log_session(session, project, actor=mentor, now=now, held_at=held_at,
                                            duration_minutes=45, summary="Market sizing.", checkin_id=checkin_id)
    session.commit()
    return record


def test_a_session_naming_the_checkin_completes_it_and_plans_the_next(session, make_project, mentor, plan, now):
    project = make_project()
    first = plan(project, mentor)
    held_at = now + 10 * DAY

    record = log(session, project, mentor, held_at=held_at, now=held_at + dt.timedelta(hours=2),
                 checkin_id=first.id)
    session.expire_all()

    assert record.checkin_id == first.id
    assert (first.status, first.closed_at, first.sequence) == ("done", held_at + dt.timedelta(hours=2), 1)
    following = open_checkin(session, project)
    assert (following.status, following.due_at) == ("scheduled", held_at + 14 * DAY)


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Ce point d'étape est déjà effectué."),
    ("en", "This check-in is already done."),
])
def test_a_session_naming_a_closed_checkin_is_refused_with_its_status_in_words(app, session, make_project, mentor,
                                                                              plan, now, language, message):
    project = make_project()
    first = plan(project, mentor)
    held_at = now + 10 * DAY
    log(session, project, mentor, held_at=held_at, now=held_at, checkin_id=first.id)

    with pytest.raises(ValidationFailed) as refused:
        log(session, project, mentor, held_at=held_at, now=held_at, checkin_id=first.id)
    session.rollback()

    # Put into words by the boundary, in the reader's language: the status too, never its code.
    with app.test_request_context(headers={"Accept-Language": language}):
        assert refused.value.text == message


@pytest.mark.parametrize(("late", "status"), [(dt.timedelta(hours=1), "due"), (dt.timedelta(days=3), "overdue")])
def test_a_session_attaches_itself_to_the_due_or_overdue_checkin(session, make_project, mentor, plan, now, late,
                                                                 status):
    project = make_project()
    first = plan(project, mentor)
    at = first.due_at + late
    advance_statuses(session, now=at, grace=dt.timedelta(hours=48))
    session.commit()
    session.expire_all()
    assert first.status == status

    record = log(session, project, mentor, held_at=at, now=at)
    session.expire_all()

    assert record.checkin_id == first.id
    assert first.status == "done"
    assert open_checkin(session, project).due_at == at + 14 * DAY


def test_a_session_leaves_a_future_checkin_scheduled(session, make_project, mentor, plan, now):
    project = make_project()
    first = plan(project, mentor)

    record = log(session, project, mentor, held_at=now + DAY, now=now + DAY)
    session.expire_all()

    assert record.checkin_id is None
    assert first.status == "scheduled"
    assert [c.id for c in checkins_of(session, project)] == [first.id]


def test_a_session_cannot_complete_another_project_s_or_a_closed_checkin(session, make_project, make_user, mentor,
                                                                         plan, now):
    project = make_project()
    other = make_project(name="Other", owner=make_user("founder"))
    first = plan(project, mentor)
    theirs = plan(other, make_user("mentor"))

    with pytest.raises(ValidationFailed):
        log(session, project, mentor, held_at=now, now=now, checkin_id=theirs.id)
    session.rollback()
    log(session, project, mentor, held_at=now, now=now, checkin_id=first.id)
    with pytest.raises(ValidationFailed):
        log(session, project, mentor, held_at=now, now=now, checkin_id=first.id)
    session.rollback()
