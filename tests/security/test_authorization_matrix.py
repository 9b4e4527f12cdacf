"""Every route of the URL map, called as each persona, answers as `tests.security.policy` declares.

The world (see `tests.security.world`) is built once through the services into a template SQLite
database; every case starts from a fresh copy of it, so no case sees another's writes and the
order of the cases does not matter. Authorization does not depend on the database engine, so the
matrix runs on SQLite only.
"""

from __future__ import annotations

import pytest

from tests.security import matrix
from tests.security.policy import POLICY
from tests.security.world import PERSONAS

ROUTES = matrix.routes(matrix.url_map_app())
CASES = [pytest.param(endpoint, rule, method, persona, id=f"{method} {rule} {persona}")
         for endpoint, rule, method in ROUTES if endpoint in POLICY and getattr(POLICY[endpoint], method)
         for persona in PERSONAS]


@pytest.fixture(scope="module")
def env(sqlite_template, tmp_path_factory):
    env = matrix.make_env(sqlite_template, tmp_path_factory.mktemp("matrix"))
    yield env
    env.close()


def test_every_route_has_a_policy_and_every_policy_a_route():
    declared = {(endpoint, method) for endpoint, route in POLICY.items()
                for method in matrix.CHECKED_METHODS if getattr(route, method)}
    routed = {(endpoint, method) for endpoint, _, method in ROUTES}

    missing = sorted(routed - declared)
    stale = sorted(declared - routed)
    assert not missing and not stale, (
        f"routes without a declared policy (add them to tests/security/policy.py): {missing}; "
        f"policy entries for routes that no longer exist: {stale}")


def test_every_policy_lists_one_outcome_per_persona():
    wrong = {(endpoint, method): route.expected(method) for endpoint, route in POLICY.items()
             for method in matrix.CHECKED_METHODS if getattr(route, method)
             if len(route.expected(method)) != len(PERSONAS)
             or not all(o in ("ok", "login") or o.isdigit() for o in route.expected(method))}
    assert not wrong


@pytest.mark.parametrize(("endpoint", "rule", "method", "persona"), CASES)
def test_route_answers_as_declared(env, endpoint, rule, method, persona):
    env.reset()
    response = matrix.call(env, endpoint, rule, method, persona)

    assert response.status_code < 500, f"{method} {rule} as {persona}: {response.status_code}"
    expected = POLICY[endpoint].expected(method)[PERSONAS.index(persona)]
    observed = matrix.outcome(response, method)
    assert matrix.matches(expected, response, method), (
        f"{method} {rule} as {persona}: expected {expected}, got {observed} "
        f"({response.status_code} {response.headers.get('Location', '')})")
