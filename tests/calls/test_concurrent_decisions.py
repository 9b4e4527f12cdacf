"""Managers deciding one application at once (issue 16, item 4): exactly one decision goes through,
every other one is a 409 problem, never a 500; one label and one project. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.calls.models import Application
from app.calls.models import Label
from app.projects.models import Project
from tests.api.test_concurrency import Call
from tests.api.test_concurrency import fire_together

RACERS = 20


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("with_version", [True, False], ids=["version", "no-version"])
def test_twenty_racing_decisions_label_once_and_the_losers_get_409(app, api, session, make_call, make_application,
                                                                   manager, make_user, with_version):
    application = make_application(make_call())
    managers = [manager, make_user("manager")]
    headers = [api(m).headers for m in managers]
    body = {"decision": "labelled", "comment": "Welcome"}
    if with_version:
        body["version"] = application.version
    calls = [Call("POST", f"/api/v1/applications/{application.id}/decision", body, headers[i % 2])
             for i in range(RACERS)]

    results = fire_together(app, calls)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (RACERS - 1), results
    for status, problem in results:
        if status == 409:
            assert problem["status"] == 409 and problem["detail"]
    session.expire_all()
    assert count(session, Label, Label.application_id == application.id) == 1
    assert count(session, Project) == 1
    stored = session.get(Application, application.id)
    winner = next(answer for status, answer in results if status == 200)
    assert stored.status == "labelled" and stored.project_id == winner["project_id"]


def test_deciding_an_application_decided_already_is_a_conflict(api, make_call, make_application, manager):
    application = make_application(make_call())
    client = api(manager)
    assert client.post(f"/api/v1/applications/{application.id}/decision",
                       json={"decision": "rejected", "comment": "No"}).status_code == 200

    again = client.post(f"/api/v1/applications/{application.id}/decision",
                        json={"decision": "labelled", "comment": "Yes after all"})

    assert again.status_code == 409
    assert again.get_json()["detail"] == "This application has already been decided."
