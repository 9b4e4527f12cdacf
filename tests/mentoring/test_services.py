"""Mentoring services and queries on a session, no client: capacity, stage changes, sessions, ratings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.problems import http_status
from app.mentoring import queries
from app.mentoring import services
from app.mentoring.models import ActionItem
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorAssignment
from app.mentoring.models import SessionRating
from app.mentoring.services import ActionItemInput
from app.projects import queries as project_queries
from app.projects import services as project_services
from app.projects.models import Project
from app.projects.models import ProjectMember


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def active_assignments(session, mentor) -> int:
    return count(session, MentorAssignment, MentorAssignment.mentor_id == mentor.id,
                 MentorAssignment.ended_at.is_(None))


# --- assignments ---------------------------------------------------------------------------------


def test_assign_within_capacity(session, make_project, make_mentor, manager, now):
    project = make_project()
    mentor = make_mentor(capacity=2)

    assignment = services.assign_mentor(session, project, mentor, actor=manager, now=now)
    session.commit()

    assert assignment.stage == "idea"
    assert assignment.assigned_by_id == manager.id
    assert assignment.started_at == now
    assert assignment.ended_at is None
    assert not assignment.is_over_capacity
    assert [a.mentor_id for a in queries.list_active_assignments(session, project)] == [mentor.id]


def test_a_mentor_without_a_profile_gets_the_default_capacity(session, make_project, mentor, manager, now):
    project = make_project()

    services.assign_mentor(session, project, mentor, actor=manager, now=now)
    session.commit()

    assert services.ensure_profile(session, mentor).capacity == queries.DEFAULT_CAPACITY


def test_assign_at_capacity_is_a_conflict(session, make_project, make_mentor, manager, now):
    first, second = make_project(name="First"), make_project(name="Second")
    mentor = make_mentor(capacity=1)
    services.assign_mentor(session, first, mentor, actor=manager, now=now)
    session.commit()

    with pytest.raises(Conflict) as caught:
        services.assign_mentor(session, second, mentor, actor=manager, now=now)
    session.rollback()

    assert caught.value.code == "conflict" and http_status(caught.value) == 409
    assert "at capacity" in caught.value.message
    assert "mentor_id" in caught.value.errors
    assert active_assignments(session, mentor) == 1


def test_override_assigns_past_capacity_and_says_so(session, make_project, make_mentor, manager, now):
    first, second = make_project(name="First"), make_project(name="Second")
    mentor = make_mentor(capacity=1)
    services.assign_mentor(session, first, mentor, actor=manager, now=now)

    assignment = services.assign_mentor(session, second, mentor, actor=manager, now=now, override=True)
    session.commit()

    assert assignment.is_over_capacity
    assert active_assignments(session, mentor) == 2


def test_override_within_capacity_is_not_flagged(session, make_project, make_mentor, manager, now):
    assignment = services.assign_mentor(session, make_project(), make_mentor(capacity=1), actor=manager, now=now,
                                        override=True)

    assert not assignment.is_over_capacity


@pytest.mark.parametrize("role", ["founder", "mentor"])
def test_only_managers_assign(session, make_project, make_mentor, make_user, role, now):
    project = make_project()
    mentor = make_mentor()

    with pytest.raises(Forbidden):
        services.assign_mentor(session, project, mentor, actor=make_user(role), now=now)
    session.rollback()

    assert active_assignments(session, mentor) == 0


@pytest.mark.parametrize("role", ["founder", "manager"])
def test_a_non_mentor_cannot_be_assigned(session, make_project, make_user, manager, role, now):
    person = make_user(role)

    with pytest.raises(ValidationFailed) as caught:
        services.assign_mentor(session, make_project(), person, actor=manager, now=now)

    assert "mentor_id" in caught.value.errors


def test_a_mentor_is_assigned_once_per_stage(session, make_project, make_mentor, manager, now):
    project = make_project()
    mentor = make_mentor()
    services.assign_mentor(session, project, mentor, actor=manager, now=now)
    session.commit()

    with pytest.raises(Conflict):
        services.assign_mentor(session, project, mentor, actor=manager, now=now, override=True)
    session.rollback()

    assert active_assignments(session, mentor) == 1


def test_only_the_current_stage_is_staffed(session, make_project, make_mentor, manager, now):
    with pytest.raises(ValidationFailed) as caught:
        services.assign_mentor(session, make_project(), make_mentor(), actor=manager, now=now, stage="project")

    assert "stage" in caught.value.errors


def test_end_assignment_keeps_it_in_the_history(session, make_project, make_mentor, manager, now):
    project = make_project()
    assignment = services.assign_mentor(session, project, make_mentor(), actor=manager, now=now)
    session.commit()

    services.end_assignment(session, assignment, actor=manager, now=now)
    session.commit()

    assert assignment.end_reason == "removed"
    assert queries.list_active_assignments(session, project) == []
    assert queries.list_assignment_history(session, project) == [assignment]
    with pytest.raises(Conflict):
        services.end_assignment(session, assignment, actor=manager, now=now)


def test_stage_change_ends_assignments_and_keeps_the_history(session, make_project, make_mentor, founder, manager,
                                                            tick_all, now):
    project = make_project()
    mentor = make_mentor()
    assignment = services.assign_mentor(session, project, mentor, actor=manager, now=now)
    session.commit()
    tick_all(project, founder)
    later = now + dt.timedelta(hours=1)
    project_services.fire_event(session, project, "approve_gate", actor=mentor, now=later, version=project.version)
    project_services.fire_event(session, project, "advance", actor=founder, now=later, version=project.version)
    session.commit()
    session.expire_all()

    assert project.stage == "project"
    ended = session.get(MentorAssignment, assignment.id)
    assert ended.ended_at == later
    assert ended.end_reason == "stage_change"
    assert queries.list_active_assignments(session, project) == []
    assert [a.id for a in queries.list_assignment_history(session, project)] == [assignment.id]
    assert queries.past_mentor_ids(session, project) == {mentor.id}
    assert project in session.scalars(queries.select_projects_needing_mentor()).all()
    assert "assigned_mentor" not in project_queries.relations(session, project, mentor)


def test_the_former_mentor_can_be_assigned_again_for_the_new_stage(session, make_project, make_mentor, manager, now):
    project = make_project()
    mentor = make_mentor(capacity=1)
    services.assign_mentor(session, project, mentor, actor=manager, now=now)
    project_services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                                comment="test", override=True)
    session.commit()

    again = services.assign_mentor(session, project, mentor, actor=manager, now=now)
    session.commit()

    assert again.stage == "project"
    assert not again.is_over_capacity
    assert len(queries.list_assignment_history(session, project)) == 2


# --- sessions ------------------------------------------------------------------------------------


def test_an_assigned_mentor_logs_a_session_with_action_items(session, make_project, make_mentor, assign, founder,
                                                             now):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)
    due = now.date() + dt.timedelta(days=7)

    record = services.log_session(
        session, project, actor=mentor, now=now, held_at=now - dt.timedelta(hours=2), duration_minutes=45,
        summary="  Pricing and first customers.  ", notes="Team is tired.",
        action_items=[ActionItemInput("Call three customers", founder.id, due), ActionItemInput("Send the deck")])
    session.commit()

    stored = session.get(AdviceSession, record.id)
    assert (stored.mentor_id, stored.stage, stored.duration_minutes) == (mentor.id, "idea", 45)
    assert stored.summary == "Pricing and first customers."
    assert stored.notes == "Team is tired."
    assert [(i.title, i.owner_id, i.due_on) for i in stored.action_items] == [
        ("Call three customers", founder.id, due), ("Send the deck", None, None)]
    assert all(i.project_id == project.id for i in stored.action_items)


@pytest.mark.parametrize("who", ["unassigned_mentor", "founder", "manager"])
def test_only_an_assigned_mentor_logs_sessions(session, make_project, make_mentor, assign, founder, manager, who,
                                               now):
    project = make_project()
    assign(project, make_mentor())
    actor = {"unassigned_mentor": make_mentor(), "founder": founder, "manager": manager}[who]

    with pytest.raises(Forbidden):
        services.log_session(session, project, actor=actor, now=now, held_at=now, duration_minutes=30,
                             summary="Hello")
    session.rollback()

    assert count(session, AdviceSession) == 0


def test_a_mentor_of_an_earlier_stage_no_longer_logs_sessions(session, make_project, make_mentor, assign, manager,
                                                              now):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)
    project_services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                                comment="test", override=True)
    session.commit()

    with pytest.raises(Forbidden):
        services.log_session(session, project, actor=mentor, now=now, held_at=now, duration_minutes=30,
                             summary="Hello")


def test_a_too_long_summary_is_refused_not_truncated(session, make_project, make_mentor, assign, now):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)

    with pytest.raises(ValidationFailed) as caught:
        services.log_session(session, project, actor=mentor, now=now, held_at=now, duration_minutes=30,
                             summary="x" * (services.SUMMARY_MAX + 1))
    session.rollback()

    assert list(caught.value.errors) == ["summary"]
    assert "nothing was cut" in caught.value.errors["summary"][0]
    assert count(session, AdviceSession) == 0


def test_a_summary_at_the_limit_is_kept_whole(session, make_project, make_mentor, assign, log):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)

    record = log(project, mentor, summary="x" * services.SUMMARY_MAX)

    assert len(session.get(AdviceSession, record.id).summary) == services.SUMMARY_MAX


@pytest.mark.parametrize("field, kwargs", [
    ("notes", {"notes": "n" * (services.NOTES_MAX + 1)}),
    ("duration_minutes", {"duration_minutes": 0}),
    ("summary", {"summary": "   "}),
    ("action_items.0.title", {"action_items": [ActionItemInput("t" * (services.TITLE_MAX + 1))]}),
])
def test_invalid_session_fields_are_refused_with_the_field(session, make_project, make_mentor, assign, now, field,
                                                           kwargs):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)
    values = {"held_at": now, "duration_minutes": 30, "summary": "Hello", **kwargs}

    with pytest.raises(ValidationFailed) as caught:
        services.log_session(session, project, actor=mentor, now=now, **values)

    assert field in caught.value.errors


def test_an_action_item_owner_must_be_on_the_team(session, make_project, make_mentor, assign, other_founder, now):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)

    with pytest.raises(ValidationFailed) as caught:
        services.log_session(session, project, actor=mentor, now=now, held_at=now, duration_minutes=30,
                             summary="Hello", action_items=[ActionItemInput("Do it", other_founder.id)])
    session.rollback()

    assert "action_items.0.owner_id" in caught.value.errors
    assert count(session, ActionItem) == 0


def test_the_mentor_may_own_an_action_item(session, make_project, make_mentor, assign, log):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)

    record = log(project, mentor, items=[ActionItemInput("Introduce an investor", mentor.id)])

    assert record.action_items[0].owner_id == mentor.id


@pytest.mark.parametrize("held_at", [
    pytest.param(lambda now: now + dt.timedelta(days=2), id="future"),
    pytest.param(lambda now: now.replace(tzinfo=None), id="naive"),
])
def test_held_at_must_be_past_and_zoned(session, make_project, make_mentor, assign, now, held_at):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)

    with pytest.raises(ValidationFailed) as caught:
        services.log_session(session, project, actor=mentor, now=now, held_at=held_at(now), duration_minutes=30,
                             summary="Hello")

    assert "held_at" in caught.value.errors


# --- action items --------------------------------------------------------------------------------


@pytest.fixture
def item(make_project, make_mentor, assign, log, founder, now):
    """An open action item owned by the founder, from a session of an assigned mentor."""
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)
    record = log(project, mentor, items=[ActionItemInput("Call customers", founder.id, now.date())])
    return record.action_items[0]


def relations_on(session, item, user) -> frozenset[str]:
    return project_queries.relations(session, session.get(Project, item.project_id), user)


def test_a_founder_member_ticks_an_action_item(session, item, founder, now):
    relations = relations_on(session, item, founder)

    services.set_action_item(session, item, done=True, actor=founder, relations=relations, now=now)
    session.commit()

    stored = session.get(ActionItem, item.id)
    assert (stored.is_done, stored.done_at, stored.done_by_id) == (True, now, founder.id)

    services.set_action_item(session, item, done=False, actor=founder, relations=relations, now=now)
    session.commit()

    assert (stored.is_done, stored.done_at, stored.done_by_id) == (False, None, None)


@pytest.mark.parametrize("who", ["other_founder", "unassigned_mentor"])
def test_outsiders_cannot_tick_an_action_item(session, item, other_founder, make_mentor, who, now):
    actor = other_founder if who == "other_founder" else make_mentor()
    relations = relations_on(session, item, actor)
    assert relations == frozenset()

    with pytest.raises(Forbidden):
        services.set_action_item(session, item, done=True, actor=actor, relations=relations, now=now)
    session.rollback()

    assert not session.get(ActionItem, item.id).is_done


def test_overdue_is_an_open_item_past_its_due_date(item, now):
    today = now.date()

    assert not item.is_overdue(today)
    assert item.is_overdue(today + dt.timedelta(days=1))
    item.is_done = True
    assert not item.is_overdue(today + dt.timedelta(days=1))


# --- ratings -------------------------------------------------------------------------------------


@pytest.fixture
def rated_session(make_project, make_mentor, assign, log):
    """A session of an assigned mentor on the founder's project, not rated yet."""
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)
    return log(project, mentor)


def rate(session, record, user, usefulness=4, *, now):
    relations = project_queries.relations(session, session.get(Project, record.project_id), user)
    rating = services.rate_session(session, record, actor=user, relations=relations, usefulness=usefulness,
                                   comment="", now=now)
    session.commit()
    return rating


def test_founder_and_mentor_rate_from_their_side(session, rated_session, founder, now):
    mentor = rated_session.mentor

    assert rate(session, rated_session, founder, 5, now=now).side == "founder"
    assert rate(session, rated_session, mentor, 3, now=now).side == "mentor"
    assert count(session, SessionRating) == 2


def test_a_person_rates_a_session_once(session, rated_session, founder, now):
    rate(session, rated_session, founder, 5, now=now)

    with pytest.raises(Conflict):
        rate(session, rated_session, founder, 1, now=now)
    session.rollback()

    ratings = session.scalars(select(SessionRating)).all()
    assert [(r.rater_id, r.usefulness) for r in ratings] == [(founder.id, 5)]


@pytest.mark.parametrize("who", ["other_founder", "manager"])
def test_outsiders_do_not_rate(session, rated_session, other_founder, manager, who, now):
    with pytest.raises(Forbidden):
        rate(session, rated_session, other_founder if who == "other_founder" else manager, now=now)


@pytest.mark.parametrize("usefulness", [0, 6])
def test_usefulness_is_from_one_to_five(session, rated_session, founder, usefulness, now):
    with pytest.raises(ValidationFailed) as caught:
        rate(session, rated_session, founder, usefulness, now=now)

    assert "usefulness" in caught.value.errors


def test_a_too_long_rating_comment_is_refused(session, rated_session, founder, now):
    relations = project_queries.relations(session, session.get(Project, rated_session.project_id), founder)

    with pytest.raises(ValidationFailed) as caught:
        services.rate_session(session, rated_session, actor=founder, relations=relations, usefulness=4,
                              comment="c" * (services.RATING_COMMENT_MAX + 1), now=now)

    assert "comment" in caught.value.errors


def sides(ratings) -> list[str]:
    return sorted(r.side for r in ratings)


def test_the_other_side_is_hidden_until_both_answered(session, rated_session, founder, now):
    rate(session, rated_session, founder, 5, now=now)
    session.refresh(rated_session)

    assert sides(queries.visible_ratings(rated_session, "founder", now=now)) == ["founder"]
    assert sides(queries.visible_ratings(rated_session, "mentor", now=now)) == []
    assert sides(queries.visible_ratings(rated_session, None, now=now)) == []
    assert sides(queries.visible_ratings(rated_session, None, now=now, is_manager=True)) == ["founder"]

    rate(session, rated_session, rated_session.mentor, 2, now=now)
    session.refresh(rated_session)

    assert sides(queries.visible_ratings(rated_session, "founder", now=now)) == ["founder", "mentor"]
    assert sides(queries.visible_ratings(rated_session, "mentor", now=now)) == ["founder", "mentor"]


def test_the_other_side_is_revealed_fourteen_days_after_the_session(session, rated_session, founder, now):
    rate(session, rated_session, founder, 5, now=now)
    session.refresh(rated_session)
    reveal = rated_session.held_at + queries.RATING_REVEAL_AFTER

    assert sides(queries.visible_ratings(rated_session, "mentor", now=reveal - dt.timedelta(seconds=1))) == []
    assert sides(queries.visible_ratings(rated_session, "mentor", now=reveal)) == ["founder"]


def test_managers_see_average_ratings_per_mentor_and_project(session, rated_session, founder, make_user, now):
    second_founder = make_user("founder")
    project = session.get(Project, rated_session.project_id)
    project.members.append(ProjectMember(user_id=second_founder.id, joined_at=now))
    session.commit()
    rate(session, rated_session, founder, 5, now=now)
    rate(session, rated_session, second_founder, 2, now=now)
    rate(session, rated_session, rated_session.mentor, 4, now=now)

    load = queries.list_mentors(session, [rated_session.mentor_id])[0]
    assert (load.average_rating, load.ratings) == (3.5, 2)
    assert queries.project_ratings(session, project) == {"founder": (3.5, 2), "mentor": (4.0, 1)}


# --- queries -------------------------------------------------------------------------------------


def test_list_mentees_counts_open_and_overdue_items(session, make_project, make_mentor, assign, log, founder,
                                                    manager, now):
    mentor = make_mentor()
    beta, alpha, former = make_project(name="Beta"), make_project(name="Alpha"), make_project(name="Former")
    for project in (beta, alpha, former):
        assign(project, mentor)
    yesterday, tomorrow = now.date() - dt.timedelta(days=1), now.date() + dt.timedelta(days=1)
    record = log(beta, mentor, items=[ActionItemInput("Late", founder.id, yesterday),
                                      ActionItemInput("Soon", founder.id, tomorrow),
                                      ActionItemInput("Whenever"), ActionItemInput("Done late", None, yesterday)])
    record.action_items[3].is_done = True
    project_services.fire_event(session, former, "advance", actor=manager, now=now, version=former.version,
                                comment="test", override=True)
    session.commit()

    mentees = queries.list_mentees(session, mentor, today=now.date())

    assert [m.project.name for m in mentees] == ["Alpha", "Beta"]
    assert [(m.open_items, m.overdue_items) for m in mentees] == [(0, 0), (3, 1)]
    assert all(m.assignment.mentor_id == mentor.id for m in mentees)
    assert queries.list_mentees(session, make_mentor(), today=now.date()) == []


def test_select_projects_needing_mentor(session, make_project, make_mentor, assign, founder, manager, now):
    staffed, waiting, held = make_project(name="Staffed"), make_project(name="Waiting"), make_project(name="Held")
    assign(staffed, make_mentor())
    project_services.fire_event(session, held, "hold", actor=founder, now=now, version=held.version,
                                comment="Pausing")
    session.commit()

    needing = session.scalars(queries.select_projects_needing_mentor()).all()

    assert [p.id for p in needing] == [waiting.id]


def test_update_profile_checks_fields_and_who(session, make_mentor, manager, now):
    mentor, other = make_mentor(), make_mentor()
    known = {"known_poles": {"multimedia"}, "known_stages": {"idea"}}

    profile = services.update_profile(session, mentor, actor=mentor, now=now, poles=["multimedia"], stages=["idea"],
                                      capacity=2, languages=[" fr ", "en"], bio="Bio", **known)
    session.commit()
    assert (profile.poles, profile.stages, profile.capacity, profile.languages) == (["multimedia"], ["idea"], 2,
                                                                                     ["fr", "en"])
    with pytest.raises(Forbidden):
        services.update_profile(session, mentor, actor=other, now=now, capacity=3, **known)
    with pytest.raises(ValidationFailed) as caught:
        services.update_profile(session, mentor, actor=manager, now=now, poles=["nope"], stages=["later"],
                                capacity=101, bio="b" * (services.BIO_MAX + 1), **known)
    assert set(caught.value.errors) == {"poles", "stages", "capacity", "bio"}


def test_dates_that_make_no_sense_are_refused_with_a_reason(session, make_project, make_mentor, assign, now):
    project = make_project()
    mentor = make_mentor()
    assign(project, mentor)
    items = [services.ActionItemInput("Call customers", None, now.date() + dt.timedelta(days=7)),
             services.ActionItemInput("Send the deck", None, now.date() - dt.timedelta(days=1))]

    with pytest.raises(ValidationFailed) as caught:
        services.log_session(session, project, actor=mentor, now=now, held_at=now + dt.timedelta(hours=2),
                             duration_minutes=30, summary="Hello", action_items=items)
    session.rollback()

    errors = caught.value.field_errors()
    assert "in the future" in errors["held_at"][0]
    assert errors["action_items.1.due_on"] == ["The due date is already past."]
    assert "action_items.0.due_on" not in errors
