"""The machinery of the authorization matrix: the routes of the URL map, a world copied per case,
and one request per (route, method, persona) judged against `tests.security.policy`."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.orm import Session

from app import create_app
from app.auth import web_sessions
from app.auth.session import SESSION_KEY
from app.core.time import utcnow
from app.extensions import db as flask_db
from app.extensions import limiter
from tests.conftest import make_config
from tests.security.policy import POLICY
from tests.security.world import World
from tests.security.world import build_world

IGNORED_ENDPOINTS = {"static"}
CHECKED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: Which world object a URL argument names, unless the policy entry says otherwise.
DEFAULT_ARGS = {"project_id": "project", "organisation_id": "organisation", "funding_id": "funding",
                "assignment_id": "assignment", "item_id": "action_item", "session_id": "advice_session",
                "request_id": "support", "report_id": "kpi_report", "call_id": "call",
                "application_id": "application", "mentor_id": "mentor", "cohort_id": "cohort", "number": "label",
                "token": "link_token", "invitation_id": "invitation",
                "booking_id": "booking"}
#: Answers that are not an authorization refusal, for a state-changing call with an empty body.
WRITE_OK = {400, 409, 413, 415, 422}


def url_map_app() -> Flask:
    """An app for reading the URL map only (no database), without the opt-in bench route."""
    saved = os.environ.pop("PARCOURS_BENCH", None)
    try:
        return create_app(make_config("sqlite://"))
    finally:
        if saved is not None:
            os.environ["PARCOURS_BENCH"] = saved


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every route but the ignored ones."""
    return sorted((rule.endpoint, rule.rule, method) for rule in app.url_map.iter_rules()
                  if rule.endpoint not in IGNORED_ENDPOINTS
                  for method in rule.methods if method in CHECKED_METHODS)


def build_url(rule: str, endpoint: str, world: World) -> str:
    overrides = POLICY[endpoint].args

    def value(match: re.Match) -> str:
        name = match.group(1)
        return str(world.ids[overrides.get(name) or DEFAULT_ARGS[name]])

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", value, rule)


@dataclass
class Env:
    """A world built once into a template database; `reset()` restores it before every case."""

    app: Flask
    world: World
    template: Path
    database: Path

    def reset(self) -> None:
        with self.app.app_context():
            flask_db.session.remove()
            flask_db.engine.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.database)
        limiter.reset()

    def close(self) -> None:
        with self.app.app_context():
            flask_db.session.remove()
            flask_db.engine.dispose()


def make_env(sqlite_template: str, folder: Path) -> Env:
    template, database, uploads = folder / "world.db", folder / "case.db", folder / "uploads"
    shutil.copyfile(sqlite_template, template)
    builder = create_app(make_config(f"sqlite:///{template}"))
    with builder.app_context():
        with Session(flask_db.engine, expire_on_commit=False) as session:
            now = utcnow().replace(microsecond=0)
            world = build_world(session, now=now, uploads=uploads)
            # A signed-in browser needs its server-side session, as after the login form.
            world.web_sessions = {persona: web_sessions.open_session(session, user, now=now,
                                                                     max_age=builder.permanent_session_lifetime)
                                  for persona, user in world.users.items()}
            session.commit()
        flask_db.engine.dispose()
    app = create_app(make_config(f"sqlite:///{database}"))
    app.config["UPLOADS_DIR"] = str(uploads)
    return Env(app, world, template, database)


def call(env: Env, endpoint: str, rule: str, method: str, persona: str):
    """Make the request as `persona`: a signed-in web session for pages, a bearer token for the API."""
    client = env.app.test_client()
    headers = {}
    is_api = endpoint.startswith("api.")
    if persona != "anon":
        if is_api:
            headers["Authorization"] = f"Bearer {env.world.tokens[persona]}"
        else:
            with client.session_transaction() as state:
                state["_user_id"] = env.world.users[persona].get_id()
                state[SESSION_KEY] = env.world.web_sessions[persona]
                state["_fresh"] = True
    url = build_url(rule, endpoint, env.world)
    if method == "GET":
        response = client.get(url, headers=headers)
    elif is_api:
        response = client.open(url, method=method, json={}, headers=headers)
    else:
        response = client.open(url, method=method, data={}, headers=headers)
    response.get_data()  # read a streamed file (a pitch deck) to the end, then close it
    response.close()
    return response


def to_login(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers.get("Location", "")).path == "/login"


def outcome(response, method: str) -> str:
    """The observed answer in the policy's words."""
    status = response.status_code
    if to_login(response):
        return "login"
    if 200 <= status < 400:
        return "ok"
    if method != "GET" and status in WRITE_OK:
        return "ok"
    return str(status)


def matches(expected: str, response, method: str) -> bool:
    if expected == "ok":
        return outcome(response, method) == "ok"
    if expected == "login":
        return to_login(response)
    return response.status_code == int(expected)
