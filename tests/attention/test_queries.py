"""The attention list, kind by kind: a project appears when its condition starts and leaves when
it ends; each role sees its own work only."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.attention.queries import CAP
from app.attention.queries import FOUNDER_KINDS
from app.attention.queries import MANAGER_KINDS
from app.attention.queries import MENTOR_KINDS
from app.attention.queries import attention
from app.calls import evaluation
from app.checkins import services as checkin_services
from app.checkins.models import CheckIn
from app.cluster import services as cluster_services
from app.cluster.models import CommissionMember
from app.kpis import services as kpi_services
from app.mentoring import services as mentoring_services
from app.projects import queries as project_queries
from app.projects import services as project_services
from app.projects.models import Project


def kinds_of(session, user, now) -> dict:
    return {k.kind: k for k in attention(session, user, now=now)}


def ids(kind) -> list[int | None]:
    return [item.project_id or item.application_id or item.call_id for item in kind.items]


def test_each_role_gets_its_kinds_in_priority_order(session, manager, mentor, founder, make_user, now):
    assert [k.kind for k in attention(session, manager, now=now)] == list(MANAGER_KINDS)
    assert [k.kind for k in attention(session, make_user("admin"), now=now)] == list(MANAGER_KINDS)
    assert [k.kind for k in attention(session, mentor, now=now)] == list(MENTOR_KINDS)
    assert [k.kind for k in attention(session, founder, now=now)] == list(FOUNDER_KINDS)
    assert attention(session, make_user("applicant"), now=now) == []
    assert MANAGER_KINDS[:3] == ("gate_review_requested", "application_decision", "call_closing")


# Gate reviews ------------------------------------------------------------------------------------


def test_a_review_request_waits_until_the_gate_is_decided(session, make_project, assign, mentor, manager,
                                                          founder, request_review, tick_all, now):
    project = make_project(stage="project")
    assign(project, mentor)
    assert kinds_of(session, manager, now)["gate_review_requested"].count == 0

    request_review(project, founder, at=now - dt.timedelta(hours=3))

    for viewer in (manager, mentor):
        pending = kinds_of(session, viewer, now)["gate_review_requested"]
        assert (pending.count, ids(pending)) == (1, [project.id])
        assert pending.items[0].since == now - dt.timedelta(hours=3)
        assert (pending.items[0].endpoint, pending.items[0].args) == ("projects.detail", {"project_id": project.id})
    tick_all(project, founder)
    project_services.fire_event(session, project, "approve_gate", actor=mentor, now=now, version=project.version)
    session.commit()
    assert kinds_of(session, manager, now)["gate_review_requested"].count == 0
    assert kinds_of(session, mentor, now)["gate_review_requested"].count == 0


@pytest.mark.parametrize("answer", ["send_back", "hold", "abandon"])
def test_sending_back_holding_or_abandoning_answers_the_request(session, make_project, manager, founder,
                                                                 request_review, now, answer):
    project = make_project(stage="project")
    request_review(project, founder)

    project_services.fire_event(session, project, answer, actor=manager, now=now, version=project.version,
                                comment="Not yet.")
    session.commit()

    assert kinds_of(session, manager, now)["gate_review_requested"].count == 0


def test_a_new_request_after_an_answer_waits_again_and_old_stages_do_not_count(session, make_project, manager,
                                                                              founder, request_review, now):
    project = make_project(stage="project")
    request_review(project, founder, at=now - dt.timedelta(days=3))
    project_services.fire_event(session, project, "send_back", actor=manager, now=now - dt.timedelta(days=2),
                                version=project.version, comment="Rework the plan.")
    session.commit()
    assert project.stage == "idea"
    assert kinds_of(session, manager, now)["gate_review_requested"].count == 0  # asked at another stage

    request_review(project, founder, at=now - dt.timedelta(days=1))

    pending = kinds_of(session, manager, now)["gate_review_requested"]
    assert (pending.count, pending.items[0].since) == (1, now - dt.timedelta(days=1))


def test_a_mentor_sees_review_requests_of_their_mentees_only(session, make_project, make_user, assign, mentor,
                                                             founder, request_review, now):
    mine, other = make_project(name="Mine"), make_project(name="Other")
    assign(mine, mentor)
    assign(other, make_user("mentor"))
    request_review(mine, founder)
    request_review(other, founder)

    assert ids(kinds_of(session, mentor, now)["gate_review_requested"]) == [mine.id]
    assert kinds_of(session, make_user("mentor"), now)["gate_review_requested"].count == 0


# Applications and calls --------------------------------------------------------------------------


def test_a_submitted_application_waits_for_a_decision_with_its_missing_reviews(session, make_call, submit, manager,
                                                                              make_user, now):
    call = make_call(closes_in=dt.timedelta(days=30))
    for _ in range(2):
        session.add(CommissionMember(pole_key="multimedia", user_id=make_user("mentor").id))
    session.commit()
    application = submit(call)

    waiting = kinds_of(session, manager, now)["application_decision"]
    assert (waiting.count, ids(waiting)) == (1, [application.id])
    item = waiting.items[0]
    assert (item.call_id, item.detail["missing_reviews"], item.endpoint) == (call.id, 2, "calls.application")

    evaluation.decide(session, application, "rejected", actor=manager, now=now, comment="Out of scope.")
    session.commit()
    assert kinds_of(session, manager, now)["application_decision"].count == 0


def test_an_open_call_shows_within_seven_days_of_closing(session, make_call, manager, now):
    soon = make_call(title="Soon", closes_in=dt.timedelta(days=5))
    make_call(title="Later", closes_in=dt.timedelta(days=20))

    closing = kinds_of(session, manager, now)["call_closing"]

    assert (closing.count, ids(closing)) == (1, [soon.id])
    assert closing.items[0].due == soon.closes_at
    assert kinds_of(session, manager, soon.closes_at + dt.timedelta(minutes=1))["call_closing"].count == 0


def test_an_open_call_whose_pole_commission_is_empty_waits_until_someone_can_review(session, make_call, make_user,
                                                                                    manager, now):
    unstaffed = make_call(title="Nobody reviews", poles=["multimedia", "mobile_services"])
    session.add(CommissionMember(pole_key="multimedia", user_id=make_user("mentor").id))
    session.commit()

    flagged = kinds_of(session, manager, now)["call_without_reviewers"]

    assert (flagged.count, ids(flagged)) == (1, [unstaffed.id])
    assert flagged.items[0].detail == {"poles": ["mobile_services"]}
    assert (flagged.items[0].endpoint, flagged.items[0].args) == ("calls.detail", {"call_id": unstaffed.id})
    session.add(CommissionMember(pole_key="mobile_services", user_id=make_user("mentor").id))
    session.commit()
    assert kinds_of(session, manager, now)["call_without_reviewers"].count == 0


# Mentors, check-ins, reports, stalled, support ----------------------------------------------------


def test_a_project_without_a_mentor_at_its_stage_waits_until_one_is_assigned(session, make_project, mentor, manager,
                                                                           now):
    project = make_project(stage="project")
    needing = kinds_of(session, manager, now)["no_mentor"]
    assert ids(needing) == [project.id]
    assert needing.items[0].endpoint == "mentoring.suggestions"

    mentoring_services.assign_mentor(session, project, mentor, actor=manager, now=now, override=True)
    session.commit()
    assert kinds_of(session, manager, now)["no_mentor"].count == 0


def test_a_stage_change_leaves_the_project_without_a_mentor(session, make_project, assign, mentor, manager, founder,
                                                            tick_all, now):
    project = make_project()
    assign(project, mentor)
    assert kinds_of(session, manager, now)["no_mentor"].count == 0

    project_services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                                comment="Go.", override=True)
    session.commit()

    assert ids(kinds_of(session, manager, now)["no_mentor"]) == [project.id]


@pytest.fixture
def mentored(session, make_project, assign, mentor, now):
    """A project mentored by `mentor`, with its first check-in planned."""
    project = make_project(stage="project")
    assign(project, mentor)
    checkin_services.after_assignment_change(session, project, now=now)
    session.commit()
    return project


def set_checkin(session, project: Project, status: str) -> None:
    session.execute(update(CheckIn).where(CheckIn.project_id == project.id, CheckIn.closed_at.is_(None))
                    .values(status=status))
    session.commit()


def test_an_overdue_check_in_waits_for_the_managers_and_its_mentor(session, mentored, mentor, manager, make_user,
                                                                    now):
    assert kinds_of(session, manager, now)["overdue_checkin"].count == 0

    set_checkin(session, mentored, "overdue")

    assert ids(kinds_of(session, manager, now)["overdue_checkin"]) == [mentored.id]
    assert ids(kinds_of(session, mentor, now)["overdue_checkin"]) == [mentored.id]
    assert kinds_of(session, make_user("mentor"), now)["overdue_checkin"].count == 0
    set_checkin(session, mentored, "scheduled")
    assert kinds_of(session, manager, now)["overdue_checkin"].count == 0


def test_a_due_check_in_is_a_session_to_log_for_its_mentor(session, mentored, mentor, make_user, now):
    assert kinds_of(session, mentor, now)["session_to_log"].count == 0

    set_checkin(session, mentored, "due")

    to_log = kinds_of(session, mentor, now)["session_to_log"]
    assert (ids(to_log), to_log.items[0].endpoint) == ([mentored.id], "mentoring.log_session")
    assert kinds_of(session, make_user("mentor"), now)["session_to_log"].count == 0


def test_a_late_kpi_report_waits_until_submitted(session, make_project, late_report, manager, founder, now):
    project = make_project(stage="commercialisation")
    report = late_report(project)

    late = kinds_of(session, manager, now)["overdue_kpi_report"]
    assert (ids(late), late.items[0].args) == ([project.id], {"report_id": report.id})

    kpi_services.submit_report(session, report, actor=founder, now=now, values={})
    session.commit()
    assert kinds_of(session, manager, now)["overdue_kpi_report"].count == 0


def test_a_project_longer_than_its_stage_expects_is_stalled(session, make_project, manager, now):
    project = make_project(stage="project")  # expected: 180 days
    assert kinds_of(session, manager, now)["stalled"].count == 0

    later = now + dt.timedelta(days=181)

    stalled = kinds_of(session, manager, later)["stalled"]
    assert ids(stalled) == [project.id] and stalled.items[0].detail["days"] == 181
    project_services.fire_event(session, project, "hold", actor=manager, now=now, version=project.version,
                                comment="Paused.")
    session.commit()
    assert kinds_of(session, manager, later)["stalled"].count == 0  # only active projects stall


def test_a_support_request_waits_until_answered(session, make_project, manager, founder, now):
    project = make_project()
    request = cluster_services.create_support_request(session, project, actor=founder, now=now, kind="advice",
                                                      description="Help with IP.")
    session.commit()
    assert ids(kinds_of(session, manager, now)["support_unanswered"]) == [project.id]

    cluster_services.close_support_request(session, request, actor=manager, now=now, answer="Call INPI.")
    session.commit()
    assert kinds_of(session, manager, now)["support_unanswered"].count == 0


def test_action_items_due_this_week_wait_for_the_mentor_of_the_project(session, mentored, mentor, founder, make_user,
                                                                       now):
    record = mentoring_services.log_session(
        session, mentored, actor=mentor, now=now, held_at=now, duration_minutes=30, summary="Plan.",
        action_items=[
            mentoring_services.ActionItemInput("Call customers", founder.id, (now + dt.timedelta(days=3)).date()),
            mentoring_services.ActionItemInput("Hire", founder.id, (now + dt.timedelta(days=30)).date())])
    session.commit()

    due = kinds_of(session, mentor, now)["action_items_due"]
    assert [i.title for i in due.items] == ["Call customers"]
    assert kinds_of(session, make_user("mentor"), now)["action_items_due"].count == 0
    mentoring_services.set_action_item(session, record.action_items[0], done=True, actor=founder, now=now,
                                       relations=project_queries.relations(session, mentored, founder))
    session.commit()
    assert kinds_of(session, mentor, now)["action_items_due"].count == 0


# Founders ----------------------------------------------------------------------------------------


def test_a_founder_s_next_step_follows_the_gate(session, make_project, founder, manager, request_review, tick_all,
                                                other_founder, now):
    project = make_project(stage="project")

    step = kinds_of(session, founder, now)["next_step"]
    assert ids(step) == [project.id]
    assert step.items[0].detail["step"] == "deliverables"
    assert step.items[0].detail["missing"] == ["Business plan", "Working prototype"]
    tick_all(project, founder)
    assert kinds_of(session, founder, now)["next_step"].items[0].detail["step"] in ("gate", "request_review")
    request_review(project, founder)
    assert kinds_of(session, founder, now)["next_step"].items[0].detail["step"] == "review_pending"
    project_services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version)
    session.commit()
    assert kinds_of(session, founder, now)["next_step"].items[0].detail["step"] == "advance"
    assert project.id not in ids(kinds_of(session, other_founder, now)["next_step"])


def test_a_founder_sees_their_next_check_in_and_their_action_items(session, mentored, mentor, founder, other_founder,
                                                                   now):
    mentoring_services.log_session(
        session, mentored, actor=mentor, now=now, held_at=now, duration_minutes=30, summary="Plan.",
        action_items=[mentoring_services.ActionItemInput("Call customers", founder.id, None)])
    session.commit()

    mine = kinds_of(session, founder, now)
    assert ids(mine["next_checkin"]) == [mentored.id]
    assert [i.title for i in mine["action_items_open"].items] == ["Call customers"]
    theirs = kinds_of(session, other_founder, now)
    assert theirs["next_checkin"].count == theirs["action_items_open"].count == 0


def test_items_are_capped_and_the_count_is_exact(session, make_project, manager, now):
    for i in range(CAP + 2):
        make_project(name=f"P{i}")

    needing = kinds_of(session, manager, now)["no_mentor"]

    assert (needing.count, len(needing.items)) == (CAP + 2, CAP)
