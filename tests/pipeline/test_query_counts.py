"""No N+1: the pipeline, the project page and the project lists run a fixed number of statements
whatever the amount of data. (`make bench` measures their time on a national portfolio; these
tests keep their shape, so a per-row query cannot creep back in unnoticed.)"""

from __future__ import annotations

import datetime as dt
import itertools
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy import update

from app.checkins import services as checkin_services
from app.checkins.models import CheckIn
from app.cluster.models import Funding
from app.core import changes
from app.mentoring import services as mentoring_services
from app.mentoring.models import MentorProfile
from app.pipeline.queries import Filters
from app.pipeline.queries import pipeline
from app.projects import queries as project_queries
from app.projects import services as project_services

#: What `pipeline()` may run at most (counts, stalled flags, times in stage, stays, funnel, KPI
#: reports, stalled list, board cards with founders and mentors, mentor load, members, funding).
#: Adding a figure may raise it; a number that grows with the data never may.
PIPELINE_STATEMENTS_MAX = 16
STAGES = ("idea", "project", "industrialisation")


@contextmanager
def statements(engine):
    """The SQL statements sent to `engine` inside the block."""
    seen: list[str] = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", hook)


@pytest.fixture
def enrich(session, now, manager):
    """Give a project `n` more of everything its page lists: sessions with action items and
    ratings, hold/resume events with their gate decisions, financing."""

    def add(project, founder, mentor, n: int) -> None:
        for i in range(n):
            record = mentoring_services.log_session(
                session, project, actor=mentor, now=now, held_at=now - dt.timedelta(days=i + 1), duration_minutes=60,
                summary=f"Session {i}", notes="private",
                action_items=[mentoring_services.ActionItemInput("Call two customers", owner_id=founder.id)])
            mentoring_services.rate_session(session, record, actor=founder,
                                            relations=project_queries.relations(session, project, founder),
                                            usefulness=4, comment="", now=now)
            project_services.fire_event(session, project, "hold", actor=founder, now=now, version=project.version,
                                        comment="Paused.")
            project_services.fire_event(session, project, "resume", actor=founder, now=now, version=project.version)
            session.add(Funding(project_id=project.id, source="grant", amount=Decimal("1000.00") * (i + 1),
                                currency="MAD", status="granted", created_by_id=manager.id, created_at=now,
                                updated_at=now))
        session.commit()

    return add


@pytest.fixture
def grow(session, now, make_user, make_project, assign, enrich):
    """Add `n` furnished projects: a founder, a mentor with a profile, an assignment, an open (and,
    for some, overdue) check-in, sessions, events and financing; stages and poles vary."""
    numbers = itertools.count()

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            founder = make_user("founder")
            mentor = make_user("mentor")
            session.add(MentorProfile(user_id=mentor.id, poles=["multimedia"], stages=list(STAGES), capacity=5))
            session.commit()
            project = make_project(owner=founder, stage=STAGES[i % len(STAGES)], name=f"Project {i}",
                                   pole=("multimedia", "mobile_services")[i % 2])
            assign(project, mentor)
            checkin_services.after_assignment_change(session, project, now=now)
            session.commit()
            enrich(project, founder, mentor, 2)
            if i % 2:
                session.execute(update(CheckIn).where(CheckIn.project_id == project.id,
                                                      CheckIn.status == "scheduled").values(status="overdue"))
                changes.note_projects(session, [project.id])  # a set-based write, as the sweep's
                session.commit()

    return add


def test_the_pipeline_runs_a_fixed_number_of_statements(session, engine, grow, now):
    """Whole portfolio or a part of it by workflow, pole, status and cohort: the read model's counters
    and entries; the mentor filter: the projects."""
    grow(1)
    with statements(engine) as small:
        pipeline(session, Filters(), now=now)
    with statements(engine) as small_filtered:
        pipeline(session, Filters(pole="multimedia", status="active"), now=now)
    grow(6)
    with statements(engine) as large:
        figures = pipeline(session, Filters(), now=now)
    with statements(engine) as large_workflow:
        pipeline(session, Filters(workflow="innovation_path"), now=now)
    with statements(engine) as filtered:
        pipeline(session, Filters(pole="multimedia", status="active"), now=now)
    with statements(engine) as by_mentor:
        pipeline(session, Filters(mentor=1), now=now)

    assert figures.total == 7
    assert len(large) == len(small) == len(large_workflow)
    assert len(filtered) == len(small_filtered)
    assert max(len(small), len(filtered), len(by_mentor)) <= PIPELINE_STATEMENTS_MAX
    assert all(any("pipeline_counts" in s for s in run) for run in (large, filtered))
    assert not any("project_events" in s for s in filtered)  # its stays are the read model's passages
    assert not any("pipeline_counts" in s for s in by_mentor)


@pytest.mark.parametrize("path", ["/pipeline", "/api/v1/pipeline", "/pipeline.csv", "/projects.csv", "/projects.xlsx"])
def test_the_pipeline_page_and_api_run_a_fixed_number_of_statements(engine, grow, manager, login_as, api, path):
    client = api(manager) if path.startswith("/api/") else login_as(manager)
    grow(1)
    assert client.get(path).status_code == 200  # warm: the first request loads what is cached afterwards
    with statements(engine) as small:
        assert client.get(path).status_code == 200
    grow(5)
    with statements(engine) as large:
        assert client.get(path).status_code == 200

    assert len(large) == len(small)


#: The project's overview and tabs, and its API answer.
PROJECT_PATHS = ["/projects/{id}", "/projects/{id}/sessions", "/projects/{id}/history", "/projects/{id}/progress",
                 "/projects/{id}/partners", "/api/v1/projects/{id}"]


@pytest.mark.parametrize("viewer", ["manager", "founder", "mentor"])
@pytest.mark.parametrize("path", PROJECT_PATHS)
def test_the_project_page_runs_a_fixed_number_of_statements(engine, make_user, make_project, assign, enrich,
                                                            manager, login_as, api, viewer, path):
    founder, mentor = make_user("founder"), make_user("mentor")
    project = make_project(owner=founder, stage="project")
    assign(project, mentor)
    enrich(project, founder, mentor, 1)
    user = {"manager": manager, "founder": founder, "mentor": mentor}[viewer]
    client = api(user) if path.startswith("/api/") else login_as(user)
    path = path.format(id=project.id)
    assert client.get(path).status_code == 200
    with statements(engine) as small:
        assert client.get(path).status_code == 200
    enrich(project, founder, mentor, 6)
    with statements(engine) as large:
        answer = client.get(path)

    assert answer.status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize("path", ["/projects", "/projects?sort=name&pole=multimedia", "/api/v1/projects?per_page=100",
                                  "/api/v1/checkins"])
def test_the_lists_run_a_fixed_number_of_statements(engine, grow, manager, login_as, api, path):
    client = api(manager) if path.startswith("/api/") else login_as(manager)
    grow(2)
    assert client.get(path).status_code == 200
    with statements(engine) as small:
        assert client.get(path).status_code == 200
    grow(6)
    with statements(engine) as large:
        assert client.get(path).status_code == 200

    assert len(large) == len(small)


@pytest.mark.parametrize("path", ["/api/v1/projects/{id}/history", "/api/v1/projects/{id}/sessions"])
def test_a_project_s_lists_run_a_fixed_number_of_statements(engine, make_user, make_project, assign, enrich, manager,
                                                          api, path):
    founder, mentor = make_user("founder"), make_user("mentor")
    project = make_project(owner=founder)
    assign(project, mentor)
    enrich(project, founder, mentor, 1)
    client = api(manager)
    path = path.replace("{id}", str(project.id))
    assert client.get(path).status_code == 200
    with statements(engine) as small:
        assert client.get(path).status_code == 200
    enrich(project, founder, mentor, 5)
    with statements(engine) as large:
        assert client.get(path).status_code == 200

    assert len(large) == len(small)
