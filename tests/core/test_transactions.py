"""A rolled-back request leaves nothing behind, savepoints included (SQLite's pysqlite
would otherwise commit a savepoint opened before the transaction's first write)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import User


def test_rollback_undoes_a_savepoint_opened_before_any_write(session):
    before = session.scalar(select(func.count(User.id)))
    session.execute(select(1))  # a read first: no transaction yet on pysqlite
    auth_services.create_user(session, email="late@example.org", name="Late", role="founder",
                              password="long-enough-password")
    session.rollback()
    assert session.scalar(select(func.count(User.id))) == before


def test_a_failed_api_write_keeps_nothing_from_its_savepoints(api, manager, session, monkeypatch):
    # Creating a project records the workflow version in a savepoint, then the project itself;
    # a crash after that must leave neither behind.
    from app.projects import services

    def explode(*args, **kwargs):
        raise RuntimeError("crash mid-request")

    monkeypatch.setattr(services, "ProjectEvent", explode)
    from app.workflow.models import WorkflowVersion

    before = session.scalar(select(func.count(WorkflowVersion.id)))
    client = api(manager)
    response = client.post("/api/v1/projects", json={"name": "Boom", "pole": "multimedia"})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    session.expire_all()
    assert session.scalar(select(func.count(WorkflowVersion.id))) == before
