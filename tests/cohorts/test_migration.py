"""The cohorts migration goes down and up again over data (SQLite's batch mode rebuilds `projects` and
`calls`): projects and calls in a cohort lose the link going down and keep their other columns."""

from __future__ import annotations

import shutil

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade
from flask_migrate import upgrade

from app import create_app
from app.extensions import db as flask_db
from tests.conftest import make_config

REVISION = "f603ce372134"


def test_the_cohorts_migration_goes_down_and_up_over_data(sqlite_template, tmp_path):
    path = tmp_path / "migration.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(make_config(f"sqlite:///{path}"))
    with app.app_context():
        engine = flask_db.engine
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO cohorts (id, name, workflow_key, starts_on, ends_on, created_at) "
                                 "VALUES (1, 'Autumn', 'innovation_path', '2026-09-01', '2026-12-20', "
                                 "'2026-09-01 00:00:00')"))
            conn.execute(sa.text("INSERT INTO projects (name, summary, pole_key, workflow_key, workflow_version, "
                                 "stage, status, version, stage_entered_at, created_at, updated_at, cohort_id) "
                                 "VALUES ('Atlas', '', 'multimedia', 'innovation_path', 1, 'idea', 'active', 1, "
                                 "'2026-09-01', '2026-09-01', '2026-09-01', 1)"))

        config = app.extensions["migrate"].migrate.get_config()
        downgrade(revision=ScriptDirectory.from_config(config).get_revision(REVISION).down_revision)
        assert "cohorts" not in sa.inspect(engine).get_table_names()
        assert "cohort_id" not in {c["name"] for c in sa.inspect(engine).get_columns("projects")}
        upgrade()

        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name, cohort_id FROM projects")).all() == [("Atlas", None)]
        assert {i["name"] for i in sa.inspect(engine).get_indexes("projects")} >= {"ix_projects_cohort_id"}
        engine.dispose()
