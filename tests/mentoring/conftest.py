"""Mentoring fixtures: mentors with profiles, logged sessions, crafted mentor loads."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.models import User
from app.mentoring import services
from app.mentoring.models import AdviceSession
from app.mentoring.models import MentorProfile
from app.mentoring.queries import MentorLoad
from app.projects.models import Project
from tests.conftest import PASSWORD


@pytest.fixture
def make_mentor(session, make_user):
    """Create and commit a mentor with a profile: `make_mentor(poles=["multimedia"], capacity=1)`."""

    def make(*, name: str | None = None, poles: list[str] | None = None, stages: list[str] | None = None,
             capacity: int = 5, languages: list[str] | None = None, bio: str = "") -> User:
        mentor = make_user("mentor", name=name)
        session.add(MentorProfile(user_id=mentor.id, poles=poles or [], stages=stages or [], capacity=capacity,
                                  languages=languages or [], bio=bio))
        session.commit()
        return mentor

    return make


@pytest.fixture
def other_founder(make_user) -> User:
    """A founder with no link to the test project."""
    return make_user("founder")


@pytest.fixture
def log(session, now):
    """Log and commit a session through the service: `log(project, mentor, notes="…", items=[…])`."""

    def make(project: Project, mentor: User, *, summary: str = "We talked about the market.", notes: str = "",
             items: list[services.ActionItemInput] | None = None,
             held_at: dt.datetime | None = None) -> AdviceSession:
        # Items already overdue were set when the session was logged, before they fell due.
        past = [i.due_on for i in items or [] if i.due_on is not None and i.due_on < now.date()]
        then = now - dt.timedelta(days=(now.date() - min(past)).days + 1) if past else now
        record = services.log_session(session, project, actor=mentor, now=then, held_at=held_at or then,
                                      duration_minutes=60, summary=summary, notes=notes, action_items=items)
        session.commit()
        return record

    return make


@pytest.fixture
def make_load():
    """A crafted `MentorLoad` for ranking tests, no database: `make_load(1, "Amal", poles=[…], active=2)`."""

    def make(mentor_id: int, name: str, *, poles: list[str] | None = None, stages: list[str] | None = None,
             capacity: int = 4, active: int = 0) -> MentorLoad:
        mentor = User(id=mentor_id, name=name, email=f"m{mentor_id}@example.org", role="mentor")
        return MentorLoad(mentor=mentor, poles=poles or [], stages=stages or [], capacity=capacity, languages=[],
                          bio="", active=active, average_rating=None, ratings=0)

    return make


@pytest.fixture
def web(app):
    """`web(user)` gives a fresh browser-like client signed in as `user` through the login form."""

    def sign_in(user: User, password: str = PASSWORD):
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data
        with client.session_transaction() as state:
            state.pop("_flashes", None)  # the welcome message: each test reads only its own flashes
        return client

    return sign_in
