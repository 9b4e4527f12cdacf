"""Readiness fixtures: a project with its people on every side, and scores to give."""

from __future__ import annotations

import pytest

from app.auth.models import User
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


