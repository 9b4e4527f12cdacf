"""Readiness fixtures: a project with its people on every side, and scores to give."""

from __future__ import annotations

import pytest

from app.auth.models import User
from app.cluster.models import CommissionMember
from app.projects.models import Project
from tests.mentoring.conftest import web  # noqa: F401  (the signed-in browser fixture)

DIMENSIONS = ("technology", "customer", "business_model", "ip", "team", "funding")


def scores(**overrides: int) -> dict[str, int]:
    """A full set of scores on the default scale (5 everywhere unless told)."""
    return {key: overrides.get(key, 5) for key in DIMENSIONS}


@pytest.fixture
def project(make_project) -> Project:
    return make_project(name="Atlas Pay")


@pytest.fixture
def staffed(project, mentor, assign) -> User:
    """The project's assigned mentor."""
    assign(project, mentor)
    return mentor


@pytest.fixture
def commission_member(session, make_user, project) -> User:
    """A mentor on the project's pole commission: reads every project of the pole, scores none."""
    user = make_user("mentor")
    session.add(CommissionMember(pole_key=project.pole_key, user_id=user.id))
    session.commit()
    return user


@pytest.fixture
def other_founder(make_user, make_project) -> User:
    """A founder of another project, with no link to the test project."""
    user = make_user("founder")
    make_project(name="Elsewhere", owner=user)
    return user
