"""schemathesis fuzzes the API from its own document, /api/v1/openapi.json: no answer is a server
error and every answer matches the document (status code, content type, body schema, headers).

The phases of a full run, bounded: the document's examples, the coverage phase (boundary and
out-of-range values: huge ids and pages, odd strings, nulls) and a few derandomized fuzzing examples
per operation, on SQLite only (the document and the answers do not depend on the engine; SQLite is
the one whose integers overflow), as a manager on the demo cluster. About a minute on two cores.
The caller's own `DELETE /api/v1/tokens/current` is left out: it would revoke the token the run uses.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_headers_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.core.time import utcnow
from app.demo import load_demo
from app.extensions import db as flask_db
from app.extensions import limiter
from tests.conftest import make_config

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture(scope="module")
def seeded(sqlite_template, tmp_path_factory):
    """An app on a copy of the migrated database with the demo cluster, and a manager's bearer token."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzz.db"
    shutil.copyfile(sqlite_template, path)
    app = create_app(make_config(f"sqlite:///{path}"))
    app.config["UPLOADS_DIR"] = str(folder / "uploads")
    with app.app_context():
        with Session(flask_db.engine, expire_on_commit=False) as session:
            now = utcnow().replace(microsecond=0)
            load_demo(session, now=now, default_workflow="innovation_path")
            manager = session.scalars(select(User).where(User.role == "manager").order_by(User.id)).first()
            token, _ = auth_services.issue_token(session, manager, now=now, ttl=dt.timedelta(hours=24))
            session.commit()
    yield app, token
    with app.app_context():
        flask_db.session.remove()
        flask_db.engine.dispose()


# The document is built from the URL map alone, so it is read from an app without a database; each
# case is then sent to the seeded app. (schemathesis.pytest.from_fixture does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(make_config("sqlite://")))
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema = schema.exclude(method="DELETE", path="/api/v1/tokens/current")


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_answers_match_the_document(case, seeded):
    app, token = seeded
    limiter.reset()  # the sign-in and sign-up limits are not what is tested here
    headers = {"Authorization": f"Bearer {token}"} if "Authorization" not in (case.headers or {}) else {}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
