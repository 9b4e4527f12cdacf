"""No silent mentor loss on a stage change: a mentor whose profile covers the new stage (and the
project's pole) carries over as a new assignment; otherwise the project waits for a mentor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.mentoring import queries as mentoring_queries
from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from app.projects import queries
from app.projects import services


@pytest.fixture
def profile(session, mentor):
    """Give the mentor a profile: `profile(stages=[…], poles=[…], capacity=n)`."""

    def make(*, stages: list[str], poles: list[str] | None = None, capacity: int = 5) -> MentorProfile:
        row = MentorProfile(user_id=mentor.id, stages=stages, poles=poles or [], capacity=capacity, languages=[],
                            bio="", dimensions=[])
        session.add(row)
        session.commit()
        return row

    return make


def advance(session, project, manager, now):
    services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                        comment="Committee decision", override=True)
    session.commit()


def assignments(session, project) -> list[MentorAssignment]:
    return list(session.scalars(select(MentorAssignment).where(MentorAssignment.project_id == project.id)
                                .order_by(MentorAssignment.id)))


def needing_mentor(session) -> list[int]:
    return [p.id for p in session.scalars(mentoring_queries.select_projects_needing_mentor())]


@pytest.mark.parametrize("poles", [["multimedia"], []], ids=["same-pole", "any-pole"])
def test_a_mentor_whose_profile_covers_the_next_stage_carries_over(session, make_project, mentor, manager, assign,
                                                                   profile, now, poles):
    profile(stages=["idea", "project"], poles=poles, capacity=1)  # at capacity: carrying over is no new load
    project = make_project(pole="multimedia")
    old = assign(project, mentor)

    advance(session, project, manager, now)

    first, carried = assignments(session, project)
    assert (first.id, first.ended_at, first.end_reason) == (old.id, now, "stage_change")
    assert (carried.mentor_id, carried.stage, carried.ended_at, carried.carried_over_from_id) == (
        mentor.id, "project", None, old.id)
    assert (carried.started_at, carried.is_over_capacity, carried.assigned_by_id) == (now, False, None)
    assert "assigned_mentor" in queries.relations(session, project, mentor)
    assert project.id not in needing_mentor(session)


@pytest.mark.parametrize("stages, poles", [(["idea"], []), (["idea", "project"], ["software_packages"])],
                         ids=["stage-not-covered", "other-pole"])
def test_a_mentor_whose_profile_does_not_cover_it_stops_and_the_project_waits(session, make_project, mentor, manager,
                                                                              assign, profile, now, stages, poles):
    profile(stages=stages, poles=poles)
    project = make_project(pole="multimedia")
    assign(project, mentor)

    advance(session, project, manager, now)

    (only,) = assignments(session, project)
    assert (only.ended_at, only.end_reason) == (now, "stage_change")
    assert "assigned_mentor" not in queries.relations(session, project, mentor)
    assert project.id in needing_mentor(session)


def test_a_mentor_without_a_profile_does_not_carry_over(session, make_project, mentor, manager, assign, now):
    project = make_project()
    assign(project, mentor)

    advance(session, project, manager, now)

    assert [a.ended_at is not None for a in assignments(session, project)] == [True]


def test_a_disabled_mentor_does_not_carry_over(session, make_project, mentor, manager, assign, profile, now):
    profile(stages=["idea", "project"])
    project = make_project()
    assign(project, mentor)
    mentor.is_disabled = True
    session.commit()

    advance(session, project, manager, now)

    assert len(assignments(session, project)) == 1


def test_closing_the_project_ends_everyone_without_carry_over(session, make_project, mentor, manager, assign, profile,
                                                              now):
    profile(stages=["idea", "project"])
    project = make_project()
    assign(project, mentor)

    services.fire_event(session, project, "abandon", actor=manager, now=now, version=project.version, comment="Stop")
    session.commit()

    (only,) = assignments(session, project)
    assert only.end_reason == "project_closed"


def test_the_project_page_says_the_mentor_carried_over(session, client, login_as, make_project, mentor, manager,
                                                       assign, profile, now):
    profile(stages=["idea", "project"])
    project = make_project()
    assign(project, mentor)
    page = login_as(manager).get(f"/projects/{project.id}").get_data(as_text=True)
    assert "carried over" not in page

    advance(session, project, manager, now)

    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"{mentor.name} <small" in page and "carried over" in page
