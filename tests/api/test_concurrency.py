"""Writes racing on one project: the optimistic lock lets exactly one through, the rest get 409.

Each thread builds its own test client and fires at the same instant (a barrier), with the
version every thread read before the race. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import User
from app.projects import services as project_services
from app.projects.models import Project
from app.projects.models import ProjectEvent
from tests.conftest import PASSWORD
from tests.race import run_together

THREADS = 4


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: dict | None = None
    headers: dict = field(default_factory=dict)
    #: Web calls: a form body, sent by a client signed in (through /login) as `web_user`.
    data: dict | None = None
    web_user: User | None = None


def fire_together(app, calls: list[Call]) -> list[tuple[int, dict]]:
    """Send every call from its own thread and client, released together; return (status, body) in order."""

    def task(call: Call):
        def send(go):
            client = app.test_client()
            if call.web_user is not None:
                signed_in = client.post("/login", data={"email": call.web_user.email, "password": PASSWORD})
                assert signed_in.status_code == 302
            go()
            response = client.open(call.path, method=call.method, json=call.json, data=call.data,
                                   headers=call.headers)
            return response.status_code, response.get_json(silent=True)
        return send

    return run_together([task(call) for call in calls])


def statuses(results: list[tuple[int, dict]]) -> list[int]:
    return sorted(status for status, _ in results)


def assert_one_winner(results: list[tuple[int, dict]]) -> None:
    assert statuses(results) == [200] + [409] * (len(results) - 1), results
    for status, body in results:
        if status == 409:
            assert body["status"] == 409
            assert body["title"] == "Conflict"
            assert body["detail"]


@pytest.fixture
def ready_project(session, make_project, manager, founder, tick_all, now):
    """A project at `idea` whose gate is approved: `advance` passes for anyone allowed."""
    project = make_project()
    tick_all(project, founder)
    project_services.fire_event(session, project, "approve_gate", actor=manager, now=now, version=project.version)
    session.commit()
    return project


def count_events(session, project_id: int, event: str) -> int:
    return session.scalar(
        select(func.count()).select_from(ProjectEvent)
        .where(ProjectEvent.project_id == project_id, ProjectEvent.event == event)
    )


@pytest.mark.parametrize("actor", ["founder", "manager"])
def test_concurrent_advances_with_one_version_let_exactly_one_through(app, api, session, ready_project, actor,
                                                                      request):
    user = request.getfixturevalue(actor)
    version = ready_project.version
    headers = api(user).headers
    call = Call("POST", f"/api/v1/projects/{ready_project.id}/events", {"event": "advance", "version": version},
                headers)

    results = fire_together(app, [call] * THREADS)

    assert_one_winner(results)
    winner = next(body for status, body in results if status == 200)
    assert winner["stage"] == "project"
    assert winner["version"] == version + 1
    session.expire_all()
    project = session.get(Project, ready_project.id)
    assert project.stage == "project"
    assert project.version == version + 1
    assert count_events(session, project.id, "advance") == 1


def test_concurrent_edits_with_one_version_keep_only_the_winner(app, api, session, make_project, founder, manager):
    project = make_project()
    version = project.version
    calls = [
        Call("PATCH", f"/api/v1/projects/{project.id}", {"name": f"Name {i}", "version": version},
             api(founder if i % 2 else manager).headers)
        for i in range(THREADS)
    ]

    results = fire_together(app, calls)

    assert_one_winner(results)
    winner = next(body for status, body in results if status == 200)
    session.expire_all()
    stored = session.get(Project, project.id)
    assert stored.name == winner["name"]
    assert stored.version == version + 1


def test_concurrent_ticks_of_one_deliverable_store_a_single_row(app, api, session, make_project, founder):
    project = make_project()
    version = project.version
    headers = api(founder).headers
    call = Call("PUT", f"/api/v1/projects/{project.id}/deliverables/problem_statement",
                {"done": True, "version": version}, headers)

    results = fire_together(app, [call] * THREADS)

    assert_one_winner(results)
    session.expire_all()
    stored = session.get(Project, project.id)
    assert stored.version == version + 1
    rows = project_services.queries.done_deliverables(session, stored, "idea")
    assert list(rows) == ["problem_statement"]
    assert rows["problem_statement"].is_done


def test_a_tick_racing_an_advance_cannot_both_win(app, api, session, ready_project, founder, manager):
    """Unticking a deliverable and advancing on the same read: the gates must not be judged on stale data."""
    version = ready_project.version
    calls = [
        Call("PUT", f"/api/v1/projects/{ready_project.id}/deliverables/problem_statement",
             {"done": False, "version": version}, api(founder).headers),
        Call("POST", f"/api/v1/projects/{ready_project.id}/events", {"event": "advance", "version": version},
             api(manager).headers),
    ]

    results = fire_together(app, calls)

    # The loser is refused either for its stale version (409) or, when it read the winner's
    # untick, by the gate (422): never are both applied.
    assert sorted(status for status, _ in results)[0] == 200
    assert [status for status, _ in results].count(200) == 1, results
    assert {status for status, _ in results} - {200} <= {409, 422}, results
    tick_won = results[0][0] == 200
    session.expire_all()
    stored = session.get(Project, ready_project.id)
    assert stored.version == version + 1
    assert count_events(session, stored.id, "advance") == (0 if tick_won else 1)
    assert stored.stage == ("idea" if tick_won else "project")
    done = project_services.queries.done_deliverables(session, stored, "idea")["problem_statement"].is_done
    assert done is not tick_won


def test_concurrent_advances_through_the_web_form_let_exactly_one_through(app, session, ready_project, founder,
                                                                          manager):
    """The page's form takes the same lock: the losers are sent back to the page (303), nothing crashes."""
    version = ready_project.version
    calls = [Call("POST", f"/projects/{ready_project.id}/events", data={"event": "advance", "version": version},
                  web_user=founder if i % 2 else manager) for i in range(THREADS)]

    results = fire_together(app, calls)

    assert sorted(status for status, _ in results) == [302] + [303] * (THREADS - 1), results
    session.expire_all()
    project = session.get(Project, ready_project.id)
    assert (project.stage, project.version) == ("project", version + 1)
    assert count_events(session, project.id, "advance") == 1
