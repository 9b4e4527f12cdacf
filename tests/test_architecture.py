"""Structural rules: domain code stays free of Flask, and the migrations match the models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column
from sqlalchemy import Integer
from sqlalchemy import MetaData

import app.all_models  # noqa: F401  (every table in the metadata)
from app.core.models import Base

APP_DIR = Path(__file__).resolve().parent.parent / "app"
DOMAIN_FILE_NAMES = ("services.py", "queries.py", "permissions.py", "overview.py")
#: Web frameworks and the bound extensions belong to the boundaries (views, API, CLI, jobs).
#: Translations are allowed through `app.core.i18n` only, so `flask_babel` itself is refused too.
FORBIDDEN = ("flask", "flask_login", "flask_sqlalchemy", "flask_wtf", "flask_babel", "app.extensions")


def domain_modules() -> list[Path]:
    files = {p for name in DOMAIN_FILE_NAMES for p in APP_DIR.rglob(name)}
    files |= set((APP_DIR / "workflow").glob("*.py"))
    return sorted(files)


def module_name(path: Path) -> str:
    """`app/projects/services.py` -> `app.projects.services` (`__init__` kept, so its package is right)."""
    return ".".join(path.relative_to(APP_DIR.parent).with_suffix("").parts)


def imports_in(source: str, module: str) -> list[tuple[int, str]]:
    """Every module `source` imports, anywhere (inside functions too), as absolute names with line numbers."""
    package = module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: `from ..extensions import db` in app.projects.services
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                imported = ".".join(filter(None, (base, node.module)))
            else:
                imported = node.module or ""
            found.append((node.lineno, imported))
            # `from app import extensions` imports app.extensions.
            found += [(node.lineno, f"{imported}.{alias.name}") for alias in node.names]
    return found


def is_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def test_domain_modules_are_found():
    names = {module_name(p) for p in domain_modules()}

    assert {"app.projects.services", "app.projects.queries", "app.projects.permissions", "app.projects.overview",
            "app.auth.services", "app.workflow.engine", "app.workflow.guards"} <= names


@pytest.mark.parametrize("path", domain_modules(), ids=module_name)
def test_domain_module_imports_no_flask(path):
    offending = [f"{path.relative_to(APP_DIR.parent)}:{line} imports {module}"
                 for line, module in imports_in(path.read_text(encoding="utf-8"), module_name(path))
                 if is_forbidden(module)]

    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("source, bad", [
    ("import flask", True),
    ("import flask.json as j", True),
    ("from flask import request", True),
    ("from flask_login import current_user", True),
    ("def f():\n    from app.extensions import db", True),
    ("from app import extensions", True),
    ("from ..extensions import db", True),
    ("from flask_babel import gettext", True),
    ("from app.core.i18n import _l", False),
    ("from . import queries", False),
    ("from sqlalchemy.orm import Session", False),
    ("import flasky", False),
])
def test_import_rule_catches_direct_nested_and_relative_flask_imports(source, bad):
    modules = [m for _, m in imports_in(source, "app.projects.services")]

    assert any(is_forbidden(m) for m in modules) is bad, modules


# Migrations --------------------------------------------------------------------------------


def migration_heads(app) -> list[str]:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_heads()


def test_migrations_have_a_single_head(app):
    heads = migration_heads(app)

    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_database_is_at_the_latest_migration(app, engine):
    with engine.connect() as conn:
        assert set(MigrationContext.configure(conn).get_current_heads()) == set(migration_heads(app))


def test_models_and_migrations_have_not_drifted(engine):
    """What `flask db migrate` would generate now is nothing: every model change has its migration."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diffs = compare_metadata(context, Base.metadata)

    assert diffs == [], "models and migrations differ; run `flask --app wsgi db migrate`:\n" + "\n".join(
        map(repr, diffs))


def test_drift_check_sees_a_column_without_migration(engine):
    """The comparison itself works: a model column that no migration creates shows up."""
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["projects"].append_column(Column("budget", Integer, nullable=True))

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)

    assert [(d[0], d[2], d[3].name) for d in diffs if d[0] == "add_column"] == [("add_column", "projects", "budget")]
