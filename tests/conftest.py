"""Shared fixtures: an app per test on a migrated database (SQLite and PostgreSQL), a
plain SQLAlchemy session for arranging and asserting, factories, and API and web clients.

PostgreSQL runs when TEST_POSTGRES_URL is set; with REQUIRE_POSTGRES=1 the run fails at
once if it is missing or unreachable (CI), it never silently skips.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy.orm import Session

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.core.time import utcnow
from app.extensions import db as flask_db
from app.extensions import limiter
from app.mentoring.models import MentorAssignment
from app.projects import services as project_services
from app.projects.models import Project
from config import TestConfig

PASSWORD = "correct-horse-battery"
PG_URL = os.environ.get("TEST_POSTGRES_URL", "").strip()
REQUIRE_PG = os.environ.get("REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
KEEP_TABLES = {"alembic_version", "poles"}


# Hypothesis: no per-example deadline (a loaded 2-core machine under xdist is slow, not wrong); in CI
# the examples are derived from the test (derandomize), so a red run is the same run when repeated.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config):
    if not REQUIRE_PG:
        return
    if not PG_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set.")
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to connect must stop the run
        raise pytest.UsageError(f"REQUIRE_POSTGRES=1 but PostgreSQL is unreachable at {PG_URL}: {exc}") from None


#: Modules whose tests share an expensive module- or session-scoped world (a served app and a
#: browser, the authorization matrix's seeded database): under xdist each runs on one worker.
XDIST_GROUPS = {"tests/browser/": "browser", "tests/security/test_authorization_matrix.py": "matrix",
                "tests/security/test_openapi_fuzz.py": "openapi-fuzz", "tests/test_i18n.py": "i18n",
                "tests/test_architecture.py": "architecture"}


#: Pages, API shapes, translations and statement counts: what they check is the app's code, the same
#: over either database, so they run on SQLite only; the services, queries, sweeps, races and
#: migrations beneath them run on both. A test here that does depend on the database is marked
#: `postgres_too`.
SQLITE_ONLY = ("test_views.py", "test_api.py", "tests/api/test_projects.py", "tests/api/test_tokens_and_users.py",
               "tests/api/test_openapi_document.py", "tests/test_i18n.py", "tests/core/test_templating.py",
               "tests/core/test_forms.py", "tests/core/test_form_limits.py", "tests/pipeline/test_query_counts.py",
               "tests/pipeline/test_project_page.py", "tests/security/test_hostile_inputs.py",
               "tests/impact/test_exports.py")


def runs_on_sqlite_only(item) -> bool:
    path = item.nodeid.split("::")[0]
    callspec = getattr(item, "callspec", None)
    return (callspec is not None and callspec.params.get("backend") == "postgres"
            and (path.endswith(SQLITE_ONLY) or path.rsplit("/", 1)[-1] in SQLITE_ONLY)
            and item.get_closest_marker("postgres_too") is None)


#: Collected first (a stable sort keeps the rest in order).
LONG_FIRST = ("tests/browser/", "tests/bench/", "tests/workflow/test_stateful.py")


def pytest_collection_modifyitems(config, items):
    deselected = [item for item in items if runs_on_sqlite_only(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not runs_on_sqlite_only(item)]
    for item in items:
        path = item.nodeid
        for prefix, group in XDIST_GROUPS.items():
            if path.startswith(prefix):
                callspec = getattr(item, "callspec", None)
                if group == "browser" and callspec is not None and "lang" in callspec.params:
                    # The browser tests are the longest part of the run: one served app and browser per
                    # language, so the two halves can run on two workers.
                    group = f"browser-{item.callspec.params['lang']}"
                item.add_marker(pytest.mark.xdist_group(group))
    # The longest work first (the browsers' halves, the whole bench), the many short tests after:
    # workers then finish together instead of one waiting on the other's long tail.
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, connection_record) -> None:
    """SQLite in tests: a commit need not wait for the disk (a crash loses a test database, nothing
    else); locking and transactions behave as in production."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


#: PostgreSQL in tests: a commit need not wait for the disk (a crash loses a test database, nothing
#: else); transactions, locks and constraints behave exactly as in production.
POSTGRES_TEST_OPTIONS = {"connect_args": {"options": "-c synchronous_commit=off -c lock_timeout=20s"},
                         "pool_pre_ping": False}


def make_config(url: str) -> type[TestConfig]:
    settings = {"SQLALCHEMY_DATABASE_URI": url}
    if url.startswith("postgresql"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {**TestConfig.SQLALCHEMY_ENGINE_OPTIONS, **POSTGRES_TEST_OPTIONS}
    return type("Config", (TestConfig,), settings)


def migrate(url: str) -> None:
    """Build the schema exactly as production does: `flask db upgrade`."""
    from flask_migrate import upgrade

    app = create_app(make_config(url))
    with app.app_context():
        upgrade()
        flask_db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    return str(path)


@contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """An empty database of its own on the test server, dropped afterwards: its URL."""
    server = sa.engine.make_url(PG_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """A fresh PostgreSQL database for this run (one per xdist worker), migrated once, dropped at the end."""
    with new_postgres_database("parcours_test") as url:
        migrate(url)
        yield url


class PostgresReset:
    """Empties the run's PostgreSQL database between tests.

    DELETE on a few rows takes milliseconds where TRUNCATE of ~40 tables takes most of a second
    (it makes new files for every table); foreign keys are not checked while emptying (replica
    role), and the identity sequences restart so ids are as predictable as after a fresh migration.
    """

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, pool_size=1, **POSTGRES_TEST_OPTIONS)
        with self.engine.connect() as conn:
            inspector = sa.inspect(conn)
            tables = [t for t in inspector.get_table_names() if t not in KEEP_TABLES]
            sequences = [conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, c.column_name) FROM "
                                             "information_schema.columns c WHERE c.table_name = :t "
                                             "AND pg_get_serial_sequence(:t, c.column_name) IS NOT NULL "
                                             "LIMIT 1"), {"t": t}) for t in tables]
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{t}"' for t in tables]
        statements += [f"SELECT setval('{seq}', 1, false)" for seq in sequences if seq]
        self.sql = "; ".join(statements)

    def __call__(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self.sql)


@pytest.fixture(scope="session")
def postgres_reset(postgres_database) -> PostgresReset:
    reset = PostgresReset(postgres_database)
    yield reset
    reset.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def sqlite_database_path(tmp_path_factory) -> Path:
    """The one SQLite file this worker's tests run on, replaced by a copy of the template for each test."""
    return tmp_path_factory.mktemp("database") / "parcours.db"


@pytest.fixture
def database_url(request, backend) -> str:
    """A database in its freshly migrated state, for this test alone."""
    if backend == "sqlite":
        path = request.getfixturevalue("sqlite_database_path")
        # A new file (not a rewrite of the old one): a connection still open on the previous test's
        # database can never read this test's.
        fresh = path.with_suffix(".new")
        shutil.copyfile(request.getfixturevalue("sqlite_template"), fresh)
        os.replace(fresh, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_database")
    reset = request.getfixturevalue("postgres_reset")
    yield url
    reset()


_apps: dict[str, Flask] = {}


def shared_app(url: str) -> Flask:
    """One app per database URL and worker: building one costs ~0.15 s (routes, templates), a test ~0.05 s."""
    if url not in _apps:
        _apps[url] = create_app(make_config(url))
        _apps[url].test_client_class = ServerLikeClient
    return _apps[url]


class ServerLikeClient(FlaskClient):
    """Reads and closes each response, as a WSGI server does once it has sent it, so work the app
    registered to run after the response (`response.call_on_close`) has run when a request returns."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture
def app(database_url):
    """The worker's app on this test's fresh database; what a test changes on it is put back after."""
    app = shared_app(database_url)
    config, instance_path = dict(app.config), app.instance_path
    # SQLite: the database is a new file, so pooled connections (to the previous one) are closed.
    # PostgreSQL: the same database, emptied in place; its pooled connections stay open.
    on_a_new_file = database_url.startswith("sqlite")
    with app.app_context():
        if on_a_new_file:
            flask_db.engine.dispose()
        limiter.reset()  # sign-in and sign-up counters start from zero, as in a new process
    yield app
    with app.app_context():
        flask_db.session.remove()  # back to the pool, rolled back: no lock is held while it is emptied
        if on_a_new_file:
            flask_db.engine.dispose()
    app.config.clear()
    app.config.update(config)
    app.instance_path = instance_path


@pytest.fixture
def engine(app):
    with app.app_context():
        return flask_db.engine


@pytest.fixture
def session(engine):
    """A plain session for arranging data and asserting on it; commit to make data visible."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now() -> dt.datetime:
    return utcnow().replace(microsecond=0)


_counter = itertools.count(1)


@pytest.fixture
def make_user(session):
    """Create and commit a user: `make_user("mentor", name="Salma")`."""

    def make(role: str = "founder", *, email: str | None = None, name: str | None = None,
             password: str = PASSWORD, locale: str = "en", chosen_locale: bool = True) -> User:
        n = next(_counter)
        user = auth_services.create_user(session, email=email or f"{role}{n}@example.org",
                                         name=name or f"{role.title()} {n}", role=role, password=password,
                                         locale=locale)
        # Most tests speak as someone who chose their language; `chosen_locale=False` is an account
        # that follows the browser (its language is the cluster's default until it chooses).
        user.has_chosen_locale = chosen_locale
        session.commit()
        return user

    return make


@pytest.fixture
def manager(make_user) -> User:
    return make_user("manager")


@pytest.fixture
def founder(make_user) -> User:
    return make_user("founder")


@pytest.fixture
def mentor(make_user) -> User:
    return make_user("mentor")


@pytest.fixture
def assign(session, now):
    """Assign a mentor to a project for its current stage."""

    def make(project: Project, mentor: User) -> MentorAssignment:
        assignment = MentorAssignment(project_id=project.id, mentor_id=mentor.id, stage=project.stage,
                                      started_at=now)
        session.add(assignment)
        session.commit()
        return assignment

    return make


@pytest.fixture
def make_project(session, founder, manager, now):
    """Create a project, optionally moved to `stage` (gates passed by the manager)."""

    def make(*, stage: str | None = None, owner: User | None = None, workflow: str = "innovation_path",
             pole: str = "multimedia", name: str = "Atlas") -> Project:
        owner = owner or founder
        project = project_services.create_project(
            session, name=name, summary="A test project.", pole=pole, workflow=workflow,
            default_workflow="innovation_path", actor=owner, now=now)
        while stage and project.stage != stage:
            project_services.fire_event(session, project, "advance", actor=manager, now=now,
                                        version=project.version, comment="test setup", override=True)
        session.commit()
        return project

    return make


@pytest.fixture
def tick_all(session, now):
    """Tick every deliverable of the project's current stage."""

    def tick(project: Project, actor: User) -> None:
        definition = project_services.definition_of(session, project)
        for deliverable in definition.stage(project.stage).deliverables:
            project_services.set_deliverable(session, project, deliverable.key, done=True, actor=actor, now=now)
        session.commit()

    return tick


class ApiClient:
    """The test client with a bearer token and JSON helpers."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, json=None, **kw):
        return self.client.open(path, method=method, json=json, headers={**self.headers, **kw.pop("headers", {})},
                                **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(client):
    """`api(user)` gives a client authenticated as `user` through POST /api/v1/tokens."""

    def as_user(user: User | None = None, password: str = PASSWORD) -> ApiClient:
        if user is None:
            return ApiClient(client, None)
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
        assert response.status_code == 201, response.get_json()
        return ApiClient(client, response.get_json()["token"])

    return as_user


@pytest.fixture
def login_as(client):
    """Sign the web client in through the form."""

    def login(user: User, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data
        return client

    return login


@pytest.fixture
def commission_member(session, make_user, project) -> User:
    """A mentor on the pole commission of the test's `project`: reads every project of the pole, writes none."""
    from app.cluster.models import CommissionMember

    user = make_user("mentor")
    session.add(CommissionMember(pole_key=project.pole_key, user_id=user.id))
    session.commit()
    return user


@pytest.fixture
def other_founder(make_user, make_project) -> User:
    """A founder of another project, with no link to the test project."""
    user = make_user("founder")
    make_project(name="Elsewhere", owner=user)
    return user


@pytest.fixture
def race():
    """`race([task, …])`: run tasks in threads released together (see tests/race.py)."""
    from tests.race import run_together

    return run_together
