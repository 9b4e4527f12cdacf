"""Check-in fixtures: a real local SMTP server, a guard against any other SMTP, sweeps and
mentored projects planned through the services."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest

from app.auth.models import User
from app.checkins.models import CheckIn
from app.extensions import db as flask_db
from app.mentoring import services as mentoring_services
from app.projects.models import Project
from app.projects.models import ProjectMember
from app.scheduling.jobs import SweepReport
from app.scheduling.jobs import run_sweep
from tests.checkins.reads import open_checkin
from tests.checkins.smtp import SmtpServer
from tests.outbox import settle

_RealSMTP = smtplib.SMTP


@pytest.fixture(autouse=True)
def smtp_allowed(monkeypatch) -> set[tuple[str, int]]:
    """Forbid SMTP to anything but the test server (STYLE 7): connecting elsewhere fails the test."""
    allowed: set[tuple[str, int]] = set()

    class GuardedSMTP(_RealSMTP):
        def connect(self, host="localhost", port=0, source_address=None):
            assert (host, int(port)) in allowed, f"SMTP to {host}:{port} is forbidden in tests (allowed: {allowed})"
            return super().connect(host, port, source_address)

    monkeypatch.setattr(smtplib, "SMTP", GuardedSMTP)
    return allowed


@pytest.fixture
def smtp_server(smtp_allowed):
    """A real SMTP server on 127.0.0.1 (free port) keeping what it receives."""
    server = SmtpServer().start()
    smtp_allowed.add((server.host, server.port))
    yield server
    server.stop()


@pytest.fixture
def mail_app(app, smtp_server):
    """The app, sending its email to the test SMTP server."""
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, MAIL_FROM="parcours@test.example")
    return app


@pytest.fixture
def sweep(mail_app, session):
    """`sweep(at)`: one scheduler sweep at that instant, in its own app context; the test session is refreshed."""

    def run(at: dt.datetime) -> SweepReport:
        session.commit()  # nothing of the test's own left uncommitted (SQLite would lock the sweep out)
        with mail_app.app_context():
            report = run_sweep(at)
            flask_db.session.remove()
        session.expire_all()
        return report

    return run


@pytest.fixture
def plan(session, manager, now):
    """Assign `mentor` through the service (which plans the first check-in); return that check-in."""

    def make(project: Project, mentor: User, *, at: dt.datetime | None = None) -> CheckIn | None:
        mentoring_services.assign_mentor(session, project, mentor, actor=manager, now=at or now, override=True)
        settle(session)  # the "mentor assigned" emails are not the check-ins' business
        return open_checkin(session, project)

    return make


@pytest.fixture
def add_founder(session, make_user):
    """Add another founder to a project's team: `add_founder(project, locale="fr", timezone="UTC")`."""

    def make(project: Project, *, locale: str = "en", timezone: str = "Africa/Casablanca",
             email: str | None = None) -> User:
        user = make_user("founder", email=email, locale=locale)
        user.timezone = timezone
        session.add(ProjectMember(project_id=project.id, user_id=user.id, joined_at=project.created_at))
        session.commit()
        return user

    return make


@pytest.fixture
def mentored(make_project, make_user, plan):
    """`mentored(n)`: n projects at `idea`, each with its own founder and a mentor, planned by the service."""

    def make(n: int, *, mentor: User | None = None) -> list[Project]:
        mentor = mentor or make_user("mentor")
        projects = []
        for i in range(n):
            project = make_project(name=f"Project {i:02d}", owner=make_user("founder"))
            plan(project, mentor)
            projects.append(project)
        return projects

    return make

