"""`flask data export` / `data import`: a round trip across databases keeps every record."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as flask_db
from tests.conftest import PG_URL
from tests.conftest import make_config


def loaded_demo(runner) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def export(runner, path) -> str:
    result = runner.invoke(args=["data", "export", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


@pytest.fixture
def fresh_sqlite_app(tmp_path, sqlite_template):
    def make(name: str):
        path = tmp_path / f"{name}.db"
        shutil.copyfile(sqlite_template, path)
        return create_app(make_config(f"sqlite:///{path}"))

    return make


@pytest.fixture
def fresh_postgres_app(request):
    """An app on a second, empty, migrated PostgreSQL database (when PostgreSQL is configured)."""
    if not PG_URL:
        yield None
        return
    url = request.getfixturevalue("postgres_database")
    other = sa.engine.make_url(url).set(database=sa.engine.make_url(url).database + "_rt")
    admin = sa.create_engine(sa.engine.make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{other.database}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{other.database}"'))
    from tests.conftest import migrate

    migrate(other.render_as_string(hide_password=False))
    app = create_app(make_config(other.render_as_string(hide_password=False)))
    yield app
    with app.app_context():
        flask_db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{other.database}" WITH (FORCE)'))
    admin.dispose()


def test_round_trip_through_another_database_gives_identical_data(app, runner, tmp_path, fresh_sqlite_app,
                                                                  fresh_postgres_app):
    loaded_demo(runner)
    first = export(runner, tmp_path / "first.jsonl")
    middle_app = fresh_postgres_app or fresh_sqlite_app("middle")
    middle = middle_app.test_cli_runner()
    result = middle.invoke(args=["data", "import", str(tmp_path / "first.jsonl")])
    assert result.exit_code == 0, result.output
    second = export(middle, tmp_path / "second.jsonl")
    last = fresh_sqlite_app("last").test_cli_runner()
    assert last.invoke(args=["data", "import", str(tmp_path / "second.jsonl")]).exit_code == 0
    third = export(last, tmp_path / "third.jsonl")

    assert '"table": "projects"' in first and '"amount": "150000.00"' in first
    assert first == second == third


def test_import_refuses_a_database_that_is_not_empty_and_writes_nothing(app, runner, tmp_path, session):
    loaded_demo(runner)
    export(runner, tmp_path / "dump.jsonl")
    before = session.scalar(sa.text("SELECT COUNT(*) FROM projects"))

    result = runner.invoke(args=["data", "import", str(tmp_path / "dump.jsonl")])

    assert result.exit_code == 1
    assert "not empty" in result.output and "Traceback" not in result.output
    assert session.scalar(sa.text("SELECT COUNT(*) FROM projects")) == before


def test_import_refuses_a_file_that_is_not_an_export(runner, tmp_path):
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text('{"hello": "world"}\n', encoding="utf-8")

    result = runner.invoke(args=["data", "import", str(bogus)])

    assert result.exit_code == 1 and "not a parcours-export file" in result.output
