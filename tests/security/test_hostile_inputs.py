"""Inputs shaped to crash rather than to be refused: numbers past the database's integers, JSON
nested past the parser's stack, query arguments that `url_for` reads itself. Each is refused with a
4xx (problem+json on the API, the error page on the web), never a 500.

The routes come from the URL map, so a new list or a new `<int:…>` route is covered without
being named here.
"""

from __future__ import annotations

import re

import pytest

from tests.security import matrix

HUGE = "99999999999999999999999"
HUGE_PAGE = "922337203685477580"  # past SQLite's int64 once multiplied by the page size
ROUTES = matrix.routes(matrix.url_map_app())
INT_ROUTES = sorted({(endpoint, rule) for endpoint, rule, method in ROUTES if method == "GET" and "<int:" in rule})
#: Lists: the GET routes without URL arguments (every paginated list is one, or sits under one below).
PLAIN_GETS = sorted({(endpoint, rule) for endpoint, rule, method in ROUTES if method == "GET" and "<" not in rule})


@pytest.fixture(scope="module")
def env(sqlite_template, tmp_path_factory):
    env = matrix.make_env(sqlite_template, tmp_path_factory.mktemp("hostile"))
    yield env
    env.close()


def _as_manager(env, path: str, method: str = "GET", **kwargs):
    client = env.app.test_client()
    headers = {}
    if path.startswith("/api/"):
        headers["Authorization"] = f"Bearer {env.world.tokens['manager']}"
    else:
        with client.session_transaction() as state:
            state["_user_id"] = env.world.users["manager"].get_id()
            state[matrix.SESSION_KEY] = env.world.web_sessions["manager"]
    return client.open(path, method=method, headers=headers, **kwargs)


def _with_huge_ids(rule: str) -> str:
    return re.sub(r"<int:[a-z_]+>", HUGE, re.sub(r"<(?:string:)?([a-z_]+)>", "x", rule))


@pytest.mark.parametrize(("endpoint", "rule"), INT_ROUTES, ids=[rule for _, rule in INT_ROUTES])
def test_an_id_past_the_database_integers_is_not_found(env, endpoint, rule):
    env.reset()
    response = _as_manager(env, _with_huge_ids(rule))

    assert response.status_code == 404


def _list_paths() -> list[str]:
    """Every plain GET, and every list under a project (the lists that page by a project's id)."""
    return [rule for _, rule in PLAIN_GETS] + [
        rule for _, rule, method in ROUTES if method == "GET" and rule.count("<") == 1
        and rule.startswith(("/api/v1/projects/<int:project_id>/", "/api/v1/calls/<int:call_id>/"))]


@pytest.mark.parametrize("rule", _list_paths())
def test_a_page_past_the_database_integers_is_refused_on_every_list(env, rule):
    env.reset()
    path = rule.replace("<int:project_id>", str(env.world.ids["project"])).replace(
        "<int:call_id>", str(env.world.ids["call"]))

    response = _as_manager(env, f"{path}?page={HUGE_PAGE}&per_page=100")

    assert response.status_code < 500, f"{path}: {response.status_code}"
    if response.status_code >= 400 and path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("rule", [rule for _, rule in PLAIN_GETS if not rule.startswith("/api/")])
def test_url_for_arguments_in_the_query_string_are_ignored(env, rule):
    env.reset()

    # page=2: the lists link to the previous page, through url_with (the query string plus a change).
    response = _as_manager(env, f"{rule}?page=2&_method=POST&_external=1&_anchor=x&endpoint=core.home")

    assert response.status_code < 500, f"{rule}: {response.status_code}"


@pytest.mark.parametrize(("path", "signed_in"), [
    ("/api/v1/tokens", False), ("/api/v1/signup", False), ("/api/v1/password-reset", False),
    ("/api/v1/projects", True), ("/signup", False), ("/password-reset", False), ("/login", False),
    ("/projects/new", True)])
def test_json_nested_past_the_parser_stack_is_a_bad_request(env, path, signed_in):
    env.reset()
    body = {"data": "[" * 50_000, "content_type": "application/json"}

    if signed_in:
        response = _as_manager(env, path, method="POST", **body)
    else:
        response = env.app.test_client().post(path, **body)

    assert response.status_code == 400, response.status_code
    if path.startswith("/api/"):
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("name", ["Atlas \ud800", "Atlas \x00", "Atlas \udfff\ud800"])
def test_strings_that_cannot_be_stored_are_refused(env, name):
    env.reset()
    project = env.world.ids["project"]
    current = _as_manager(env, f"/api/v1/projects/{project}").get_json()

    response = _as_manager(env, f"/api/v1/projects/{project}", method="PATCH",
                           json={"name": name, "version": current["version"]})

    assert response.status_code == 400 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("body", [{"mentor_id": 2**70}, {"mentor_id": -(2**70)}, {"mentor_id": 2**31}])
def test_a_body_number_past_the_database_integers_is_invalid(env, body):
    env.reset()

    response = _as_manager(env, f"/api/v1/projects/{env.world.ids['project']}/mentors", method="POST", json=body)

    assert response.status_code == 422 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/v1/pipeline", "/pipeline"])
@pytest.mark.parametrize("query", ["cohort=2147483647", "cohort=-4822180", "mentor=-209643311163718084061221093376",
                                   "mentor=2147483648"])
def test_pipeline_filters_that_match_nothing_answer_an_empty_pipeline(env, path, query):
    env.reset()

    response = _as_manager(env, f"{path}?{query}")

    assert response.status_code in (200, 400), response.status_code
