"""Concurrency stress: many threads firing events, edits, ticks and assignments on a few projects.

Afterwards: no 5xx, every answer is a success or a clean refusal (409/422), versions only went
up, the history matches each project's final state, and every accepted write is visible.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from app.mentoring import services as mentoring_services
from app.projects.models import Project
from app.projects.queries import list_history

THREADS = 8
ROUNDS = 12
TIMEOUT = 60


def test_many_writers_on_a_few_projects_lose_nothing(app, session, make_user, make_project, manager, mentor, api,
                                                     now, race):
    founders = [make_user("founder") for _ in range(3)]
    projects = [make_project(owner=f, name=f"Stress {i}") for i, f in enumerate(founders)]
    mentoring_services.update_profile(session, mentor, actor=manager, now=now, known_poles=set(), known_stages=set(),
                                      capacity=100)
    session.commit()
    tokens = {f.id: api(f).headers for f in founders}
    manager_headers = api(manager).headers

    def worker(seed: int):
        def task(go) -> list[tuple[str, int]]:
            rng = random.Random(seed)
            client = app.test_client()
            done = []
            go()
            for _ in range(ROUNDS):
                index = rng.randrange(len(projects))
                project, founder = projects[index], founders[index]
                path = f"/api/v1/projects/{project.id}"
                current = client.get(path, headers=tokens[founder.id]).get_json()
                version = current["version"]
                action = rng.choice(["tick", "edit", "approve", "advance", "assign", "hold_resume"])
                if action == "tick":
                    key = rng.choice([d["key"] for d in current["deliverables"]] or ["none"])
                    r = client.put(f"{path}/deliverables/{key}", json={"done": rng.random() < 0.8, "version": version},
                                   headers=tokens[founder.id])
                elif action == "edit":
                    r = client.patch(path, json={"summary": f"edit {seed}", "version": version},
                                     headers=tokens[founder.id])
                elif action == "approve":
                    r = client.post(f"{path}/events", json={"event": "approve_gate", "version": version,
                                                            "comment": "ok", "override": True},
                                    headers=manager_headers)
                elif action == "advance":
                    r = client.post(f"{path}/events", json={"event": "advance", "version": version},
                                    headers=tokens[founder.id])
                elif action == "assign":
                    r = client.post(f"{path}/mentors", json={"mentor_id": mentor.id}, headers=manager_headers)
                else:
                    event = "resume" if current["status"] == "on_hold" else "hold"
                    r = client.post(f"{path}/events", json={"event": event, "version": version, "comment": "pause"},
                                    headers=tokens[founder.id])
                done.append((action, r.status_code))
            return done
        return task

    results = [call for calls in race([worker(seed) for seed in range(THREADS)], timeout=TIMEOUT) for call in calls]

    assert len(results) == THREADS * ROUNDS
    assert all(status < 500 for _, status in results), [r for r in results if r[1] >= 500]
    assert {status for _, status in results} <= {200, 201, 403, 409, 422}
    assert any(status in (200, 201) for _, status in results)
    session.expire_all()
    for project in session.scalars(select(Project).where(Project.id.in_([p.id for p in projects]))):
        history = list_history(session, project)
        assert [h.id for h in history] == sorted(h.id for h in history)
        last_stage_event = history[-1]
        assert (last_stage_event.to_stage, last_stage_event.to_status) == (project.stage, project.status)
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_stage in (None, before.to_stage) or after.event == "migrate_workflow"
            assert after.from_status in (None, before.to_status)
        assert project.version >= 1 + len(history) - 1
