"""The catalog belongs to a database, not to the process: usable without Flask, one per app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from app import create_app
from app.auth import services as auth_services
from app.extensions import db
from app.projects import services as project_services
from app.workflow.catalog import SESSION_KEY
from app.workflow.catalog import Catalog
from app.workflow.catalog import attach
from app.workflow.catalog import catalog_of
from config import Config
from tests.conftest import PASSWORD
from tests.conftest import make_config

SHIPPED = Path(Config.WORKFLOWS_DIR)


@pytest.fixture
def plain_engine(sqlite_template, tmp_path):
    """A migrated SQLite database opened with SQLAlchemy alone: no app is built."""
    path = tmp_path / "plain.db"
    shutil.copyfile(sqlite_template, path)
    engine = sa.create_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def test_services_run_a_project_through_a_gate_without_flask(plain_engine, now):
    attach(plain_engine, Catalog.from_directory(SHIPPED))
    with Session(plain_engine) as session:
        manager = auth_services.create_user(session, email="m@example.org", name="M", role="manager",
                                            password=PASSWORD)
        project = project_services.create_project(
            session, name="Sans Flask", summary="s", pole="multimedia", workflow=None,
            default_workflow="innovation_path", actor=manager, now=now)
        project_services.fire_event(session, project, "advance", actor=manager, now=now, version=project.version,
                                    comment="override for the test", override=True)
        session.commit()
        assert project.stage == "project"


def test_a_session_may_carry_its_own_catalog(plain_engine):
    own = Catalog.from_directory(SHIPPED)
    with Session(plain_engine, info={SESSION_KEY: own}) as session:
        assert catalog_of(session) is own


def test_a_database_without_a_catalog_says_so(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}")
    with Session(engine) as session, pytest.raises(LookupError, match="attach"):
        catalog_of(session)
    engine.dispose()


def test_two_apps_in_one_process_keep_their_own_workflows(tmp_path, sqlite_template):
    other_dir = tmp_path / "workflows"
    other_dir.mkdir()
    document = yaml.safe_load((SHIPPED / "innovation_path.yaml").read_text(encoding="utf-8"))
    document["label"] = {"en": "Another incubator's path", "fr": "Le parcours d'un autre incubateur"}
    (other_dir / "innovation_path.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    apps = []
    for name, workflows in (("a", SHIPPED), ("b", other_dir)):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(sqlite_template, path)
        config = type("Config", (make_config(f"sqlite:///{path}"),), {"WORKFLOWS_DIR": str(workflows)})
        apps.append(create_app(config))

    labels = []
    for app in apps:
        with app.app_context():
            labels.append(catalog_of(db.session).latest("innovation_path").label_text["en"])
            db.engine.dispose()
    assert labels == ["Innovation path", "Another incubator's path"]
