"""Structural rules: domain code stays free of Flask, and the migrations match the models."""

from __future__ import annotations

import ast
import functools
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


@functools.cache
def parsed(source: str) -> ast.Module:
    """Each file is parsed once per process, whichever rules read it."""
    return ast.parse(source)


def imports_in(source: str, module: str) -> list[tuple[int, str]]:
    """Every module `source` imports, anywhere (inside functions too), as absolute names with line numbers."""
    package = module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(parsed(source)):
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


# Layers ------------------------------------------------------------------------------------
# The floors are drawn in docs/architecture.md: core at the bottom, then the engine, the areas'
# models, queries and services, and the boundaries (views, API, CLI, jobs) on top. A package
# (first level under app/) may only import packages below it, so the import graph between
# packages has no cycle, whatever the length.

#: app/extensions.py holds the unbound extensions of the basement: it is core's floor.
FLOOR_ONE = {"core", "extensions"}

#: Package edges that still close a cycle, to be removed as they are untangled (goal: empty).
#: A listed edge that no longer exists fails `test_cycle_allow_list_only_shrinks`.
CYCLE_ALLOWED: set[tuple[str, str]] = {
    ("checkins", "mentoring"),
    ("auth", "notifications"),
}


def package_of(module: str) -> str | None:
    """`app.projects.views.x` -> `projects`; `app.cli` -> `cli`; `app` -> `app`; other roots -> None."""
    parts = module.split(".")
    if parts[0] != "app":
        return None
    if len(parts) == 1 or not ((APP_DIR / parts[1]).is_dir() or (APP_DIR / f"{parts[1]}.py").exists()):
        return "app"  # `from app import create_app`
    return parts[1]


def app_modules() -> list[Path]:
    return sorted(APP_DIR.rglob("*.py"))


@functools.cache
def app_imports() -> tuple[tuple[str, str, str], ...]:
    """(importing module, imported app module, `file:line`) for every import inside app/."""
    found = []
    for path in app_modules():
        name = module_name(path)
        for line, imported in imports_in(path.read_text(encoding="utf-8"), name):
            if package_of(imported) is not None:
                found.append((name, imported, f"{path.relative_to(APP_DIR.parent)}:{line}"))
    return tuple(found)


def graph_node(module: str) -> str | None:
    """The package `module` counts for in the graph; floor one is one node (core and its extensions)."""
    package = "app" if module == "app.__init__" else package_of(module)
    return "core" if package in FLOOR_ONE else package


def package_edges(imports) -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for importer, imported, where in imports:
        source, target = graph_node(importer), graph_node(imported)
        if source != target:
            edges.setdefault((source, target), []).append(f"{where} imports {imported}")
    return edges


def cycles(edges) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def is_view_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last in ("views", "web") or last.endswith("_views")


def view_module_of(module: str) -> str | None:
    """The view module `module` names (itself, or the module a `from m import name` comes from)."""
    if is_view_module(module):
        return module
    parent = module.rsplit(".", 1)[0]
    return parent if is_view_module(parent) else None


def floor_one(module: str) -> bool:
    return package_of(module) in FLOOR_ONE


def test_no_cycle_between_packages():
    edges = {edge: where for edge, where in package_edges(app_imports()).items() if edge not in CYCLE_ALLOWED}
    found = cycles(edges)
    detail = [f"{' <-> '.join(c)}:\n  " + "\n  ".join(
        w for (s, t), ws in edges.items() if s in c and t in c for w in ws) for c in found]

    assert not found, "package import cycles:\n" + "\n".join(detail)


def test_cycle_allow_list_only_shrinks():
    stale = CYCLE_ALLOWED - set(package_edges(app_imports()))

    assert not stale, f"these edges are gone, remove them from CYCLE_ALLOWED: {sorted(stale)}"


def test_cycle_finder_sees_long_and_short_cycles():
    edges = {("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): [], ("e", "f"): [], ("f", "e"): []}

    assert sorted(cycles(edges)) == [["a", "b", "c"], ["e", "f"]]
    assert cycles({("a", "b"): [], ("b", "c"): []}) == []


def test_core_imports_no_domain_nor_engine():
    offending = [f"{where} imports {imported}" for importer, imported, where in app_imports()
                 if floor_one(importer) and not floor_one(imported)]

    assert not offending, "\n".join(offending)


def test_engine_imports_only_core():
    offending = [f"{where} imports {imported}" for importer, imported, where in app_imports()
                 if package_of(importer) == "workflow" and package_of(imported) not in ("workflow", "core")]

    assert not offending, "\n".join(offending)


def test_view_modules_import_no_other_area_view_module():
    offending = [f"{where} imports {imported}" for importer, imported, where in app_imports()
                 if is_view_module(importer) and view_module_of(imported)
                 and package_of(imported) != package_of(importer)]

    assert not offending, "\n".join(offending)


def test_projects_imports_none_of_the_areas_built_on_it():
    """Areas take part in a project's rules through `projects.hooks`, never the other way round."""
    above = {"mentoring", "checkins", "cluster", "kpis", "readiness", "calls", "impact", "pipeline"}
    found = sorted(f"{where} imports {name}" for importer, name, where in app_imports()
                   if package_of(importer) == "projects" and package_of(name) in above)

    assert not found, "\n".join(found)


def test_api_imports_no_web_view_module():
    offending = [f"{where} imports {imported}" for importer, imported, where in app_imports()
                 if package_of(importer) == "api" and view_module_of(imported)]

    assert not offending, "\n".join(offending)


def private_library_names(source: str) -> list[str]:
    """`from jinja2.ext import _make_new_gettext`: a library's private name, free to change any release."""
    return [f"{node.module}.{alias.name}" for node in ast.walk(parsed(source))
            if isinstance(node, ast.ImportFrom) and not node.level and node.module
            and node.module.split(".")[0] != "app"
            for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]


def test_no_private_name_of_a_library_is_imported():
    offending = [f"{path.relative_to(APP_DIR.parent)} imports {name}" for path in app_modules()
                 for name in private_library_names(path.read_text(encoding="utf-8"))]

    assert not offending, "\n".join(offending)


def test_private_names_are_recognised():
    assert private_library_names("from jinja2.ext import _make_new_gettext") == ["jinja2.ext._make_new_gettext"]
    assert private_library_names("from flask_babel import gettext as _\nfrom app.core.i18n import _l") == []
    assert private_library_names("from __future__ import annotations") == []


#: Projects, their history and their team are born in one place: `projects.services.create_project`.
PROJECT_ROWS = {"Project", "ProjectEvent", "ProjectMember"}
PROJECT_ROW_WRITERS = {"app.projects.services"}


def project_rows_built(source: str) -> list[tuple[int, str]]:
    """`Project(...)`, `ProjectEvent(...)`, `ProjectMember(...)` calls in `source`."""
    return [(node.lineno, node.func.id) for node in ast.walk(parsed(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PROJECT_ROWS]


def test_projects_are_created_through_one_service():
    offending = [f"{path.relative_to(APP_DIR.parent)}:{line} builds {name}" for path in app_modules()
                 if module_name(path) not in PROJECT_ROW_WRITERS
                 for line, name in project_rows_built(path.read_text(encoding="utf-8"))]

    assert not offending, "\n".join(offending)


@pytest.mark.parametrize("module, view", [
    ("app.projects.views", "app.projects.views"),
    ("app.projects.views.load_visible", "app.projects.views"),
    ("app.calls.web", "app.calls.web"),
    ("app.calls.evaluation_views.bp", "app.calls.evaluation_views"),
    ("app.projects.queries.visible_to", None),
    ("app.core.views_helpers", None),
])
def test_view_modules_are_recognised(module, view):
    assert view_module_of(module) == view


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


#: Underscore names that libraries document as public: Werkzeug's `LocalProxy._get_current_object`,
#: SQLAlchemy's `Row._mapping` (and the named-tuple API `_asdict`, `_fields`).
DOCUMENTED_UNDERSCORE_NAMES = {"_get_current_object", "_mapping", "_asdict", "_fields"}


def private_attributes_read(source: str) -> list[str]:
    """`rule._converters`: another object's private attribute (our own `self._x` and `cls._x` are fine)."""
    found = []
    for node in ast.walk(parsed(source)):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and node.attr not in DOCUMENTED_UNDERSCORE_NAMES
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append(f"{ast.unparse(node.value)}.{node.attr} (line {node.lineno})")
    return found


def test_no_private_attribute_of_another_object_is_read():
    found = [f"{path}: {name}" for path in APP_DIR.rglob("*.py")
             for name in private_attributes_read(path.read_text(encoding="utf-8"))]
    assert found == [], "private attributes read (a library may rename them in any release):\n" + "\n".join(found)


def test_private_attributes_are_recognised():
    assert private_attributes_read("rule._converters.get(arg)") == ["rule._converters (line 1)"]
    assert private_attributes_read("self._cache\ncurrent_app._get_current_object()\nrow._mapping") == []
