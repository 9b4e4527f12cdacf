"""Helpers shared by the API tests."""

from __future__ import annotations

import pytest

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def check_problem(response, status: int) -> dict:
    """Assert the answer is RFC 9457 problem+json with `status`; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["type"].startswith("http")
    return body


@pytest.fixture
def assert_problem():
    """`assert_problem(response, 404)` checks the problem+json shape and returns the body."""
    return check_problem
