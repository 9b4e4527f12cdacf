"""`flask data export` / `data import`: a round trip across databases keeps every record."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

from app import create_app
from app.core import portable
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

    assert '{"columns":' in first and '"table":"projects"}' in first and '"150000.00"' in first
    assert first == second == third
    assert checksums(app) == checksums(middle_app) == checksums(last.app)


def checksums(app) -> dict:
    with app.app_context(), flask_db.engine.connect() as connection:
        return portable.checksums(connection, flask_db.metadata)


def test_export_streams_a_line_per_row_with_each_table_counted(app, runner, tmp_path):
    loaded_demo(runner)
    lines = export(runner, tmp_path / "dump.jsonl").splitlines()
    sums = checksums(app)

    assert json.loads(lines[0]) == {"format": "parcours-export", "version": 2}
    opened = [json.loads(line) for line in lines if line.startswith('{"columns"')]
    ended = {json.loads(line)["end"]: json.loads(line)["rows"] for line in lines if line.startswith('{"end"')}
    assert [t["table"] for t in opened] == list(ended) == list(sums)
    assert ended == {name: s["rows"] for name, s in sums.items()}
    assert sum(line.startswith("[") for line in lines) == sum(ended.values()) > 100


def test_a_version_1_file_still_imports(app, runner, tmp_path, fresh_sqlite_app, fresh_postgres_app):
    """Files written before rows got a line each: one line per table, its rows as objects."""
    loaded_demo(runner)
    with app.app_context(), flask_db.engine.connect() as connection:
        old = tmp_path / "v1.jsonl"
        with old.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"format": "parcours-export", "version": 1}) + "\n")
            for table in portable.tables(flask_db.metadata):
                rows = [dict(zip([c.name for c in portable.exported_columns(table)], json.loads(line), strict=True))
                        for line in portable._encoded_rows(connection, table)]
                out.write(json.dumps({"table": table.name, "rows": rows}, sort_keys=True) + "\n")
    target = fresh_postgres_app or fresh_sqlite_app("target")

    result = target.test_cli_runner().invoke(args=["data", "import", str(old)])

    assert result.exit_code == 0, result.output
    assert checksums(target) == checksums(app)


def test_a_truncated_file_is_refused_and_nothing_is_written(runner, tmp_path, fresh_sqlite_app):
    loaded_demo(runner)
    lines = export(runner, tmp_path / "dump.jsonl").splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if line.startswith('{"end":"projects"')) - 1
    (tmp_path / "cut.jsonl").write_text("".join(lines[:cut]), encoding="utf-8")
    target = fresh_sqlite_app("target")

    result = target.test_cli_runner().invoke(args=["data", "import", str(tmp_path / "cut.jsonl")])

    assert result.exit_code == 1 and "incomplete" in result.output, result.output
    assert all(s["rows"] == 0 for name, s in checksums(target).items() if name != "poles")


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


@pytest.mark.parametrize("content", ["garbage\n", '{"format":"parcours-export","version":2}\nnot json\n',
                                     '{"format":"parcours-export","version":2}\n{"table":"cohorts","colu'])
def test_import_refuses_a_file_that_is_not_json_lines_without_a_traceback(runner, tmp_path, fresh_sqlite_app,
                                                                          content):
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text(content, encoding="utf-8")

    result = fresh_sqlite_app("target").test_cli_runner().invoke(args=["data", "import", str(bogus)])

    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "a line is not JSON text" in result.output


def test_import_refusals_speak_the_terminal_s_language(runner, tmp_path):
    bogus = tmp_path / "bogus.jsonl"
    bogus.write_text('{"hello": "world"}\n', encoding="utf-8")

    result = runner.invoke(args=["data", "import", str(bogus)], env={"LANG": "fr_FR.UTF-8", "LC_ALL": None})

    assert result.exit_code == 1
    assert "Import refusé, rien n'a été écrit\u00a0: ce n'est pas un fichier parcours-export" in result.output
