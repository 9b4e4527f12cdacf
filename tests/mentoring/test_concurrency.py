"""Two managers racing for a mentor's last free place: exactly one wins, the other gets 409.

Meant for PostgreSQL (the profile row lock), and run on SQLite too (the profile's version).
Each thread has its own test client and manager token, released together by a barrier.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.mentoring.models import MentorAssignment
from app.mentoring.models import MentorProfile
from tests.race import run_together


def post_together(app, calls: list[tuple[str, dict, dict]]) -> list[tuple[int, dict]]:
    """POST every (path, json, headers) from its own thread and client at the same instant."""

    def task(path: str, json: dict, headers: dict):
        def send(go):
            client = app.test_client()
            go()
            response = client.post(path, json=json, headers=headers)
            return response.status_code, response.get_json()
        return send

    return run_together([task(*call) for call in calls])


def active_assignments(session, mentor_id: int) -> list[MentorAssignment]:
    session.expire_all()
    return list(session.scalars(select(MentorAssignment).where(MentorAssignment.mentor_id == mentor_id,
                                                               MentorAssignment.ended_at.is_(None))))


def assert_one_created(results: list[tuple[int, dict]]) -> dict:
    assert sorted(status for status, _ in results) == [201, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["status"] == 409
    assert loser["detail"]
    return next(body for status, body in results if status == 201)


@pytest.fixture
def two_managers(api, make_user) -> list[dict]:
    """The bearer headers of two different managers."""
    return [api(make_user("manager")).headers for _ in range(2)]


@pytest.mark.parametrize("attempt", range(3))
def test_two_managers_cannot_both_take_the_last_free_place(app, session, make_project, make_mentor, two_managers,
                                                           attempt):
    project_a, project_b = make_project(name="A"), make_project(name="B")
    mentor = make_mentor(capacity=1)
    version = session.get(MentorProfile, mentor.id).version
    calls = [(f"/api/v1/projects/{project.id}/mentors", {"mentor_id": mentor.id}, headers)
             for project, headers in zip((project_a, project_b), two_managers, strict=True)]

    results = post_together(app, calls)

    winner = assert_one_created(results)
    [assignment] = active_assignments(session, mentor.id)
    assert assignment.id == winner["assignment_id"]
    assert not assignment.is_over_capacity
    assert session.get(MentorProfile, mentor.id).version == version + 1


def test_two_managers_cannot_assign_one_mentor_twice_to_a_stage(app, session, make_project, make_mentor,
                                                                two_managers):
    project = make_project()
    mentor = make_mentor(capacity=5)
    calls = [(f"/api/v1/projects/{project.id}/mentors", {"mentor_id": mentor.id}, headers) for headers in two_managers]

    results = post_together(app, calls)

    assert_one_created(results)
    assert len(active_assignments(session, mentor.id)) == 1


def test_racing_with_room_for_both_lets_both_through(app, session, make_project, make_mentor, two_managers):
    """The lock serialises, it does not refuse: with two free places, both managers succeed."""
    project_a, project_b = make_project(name="A"), make_project(name="B")
    mentor = make_mentor(capacity=2)
    calls = [(f"/api/v1/projects/{project.id}/mentors", {"mentor_id": mentor.id}, headers)
             for project, headers in zip((project_a, project_b), two_managers, strict=True)]

    results = post_together(app, calls)

    statuses = sorted(status for status, _ in results)
    assert len(active_assignments(session, mentor.id)) == statuses.count(201)
    if session.bind.dialect.name == "postgresql":
        assert statuses == [201, 201], results
    else:  # SQLite's optimistic lock may refuse the slower one; never both past capacity
        assert statuses in ([201, 201], [201, 409]), results
