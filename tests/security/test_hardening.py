"""Security headers, sign-in throttling, password changes, request ids, database failures."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db as flask_db
from app.notifications.models import OutgoingEmail
from app.projects.models import Project
from tests.conftest import PASSWORD
from tests.conftest import make_config


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/healthz", "/no-such-page"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)

    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_lax(client, login_as, founder):
    login_as(founder)
    cookie = client.get_cookie("session")

    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_session_cookie_is_secure_outside_debug():
    from config import Config

    assert Config.SESSION_COOKIE_SECURE is True


def test_error_answers_echo_the_request_id(client):
    response = client.get("/api/v1/me", headers={"X-Request-Id": "req-42"})

    assert response.status_code == 401
    assert response.headers["X-Request-Id"] == "req-42"
    assert response.get_json()["request_id"] == "req-42"


@pytest.fixture
def strict_app(database_url):
    config = make_config(database_url)
    config.LOGIN_ATTEMPTS_LIMIT = "3 per minute"
    app = create_app(config)
    yield app
    with app.app_context():
        flask_db.session.remove()
        flask_db.engine.dispose()


def test_token_creation_is_throttled_per_account_after_failures(strict_app, founder):
    client = strict_app.test_client()
    wrong = {"email": founder.email, "password": "wrong-password"}

    statuses = [client.post("/api/v1/tokens", json=wrong).status_code for _ in range(4)]
    # Even the right password waits now, from another address: the account is throttled.
    right = client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})

    assert statuses == [401, 401, 401, 429]
    assert right.status_code == 429
    assert right.mimetype == "application/problem+json" and int(right.headers["Retry-After"]) > 0


def test_sign_in_is_throttled_per_address_across_form_and_api(strict_app, founder, manager):
    client = strict_app.test_client()
    for i in range(3):
        client.post("/api/v1/tokens", json={"email": f"nobody{i}@example.org", "password": "x" * 12})

    form = client.post("/login", data={"email": manager.email, "password": PASSWORD})

    assert form.status_code == 429


def test_successful_sign_ins_do_not_count(strict_app, founder):
    client = strict_app.test_client()

    statuses = [client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD}).status_code
                for _ in range(5)]

    assert statuses == [201] * 5


def test_changing_the_password_signs_out_other_sessions_and_tokens(app, founder, api):
    token_client = api(founder)
    assert token_client.get("/api/v1/me").status_code == 200
    mine, other = app.test_client(), app.test_client()
    for client in (mine, other):
        assert client.post("/login", data={"email": founder.email, "password": PASSWORD}).status_code == 302

    changed = mine.post("/account/password", data={"current_password": PASSWORD,
                                                   "new_password": "a-brand-new-secret",
                                                   "confirm": "a-brand-new-secret"})

    assert changed.status_code == 302
    assert mine.get("/projects").status_code == 200
    assert other.get("/projects").status_code == 302  # back to the login page
    assert token_client.get("/api/v1/me").status_code == 401


def test_wrong_current_password_changes_nothing(app, founder, login_as, client):
    login_as(founder)

    response = client.post("/account/password", data={"current_password": "not-it-at-all",
                                                      "new_password": "a-brand-new-secret",
                                                      "confirm": "a-brand-new-secret"})

    assert response.status_code == 422 and b"current password is wrong" in response.data
    assert client.post("/logout").status_code == 302
    assert client.post("/login", data={"email": founder.email, "password": PASSWORD}).status_code == 302


def test_a_database_failure_mid_request_answers_503_and_writes_nothing(api, founder, session, monkeypatch):
    from app.projects import services

    def connection_lost(*args, **kwargs):
        # The project row is already flushed when the history insert loses the server.
        raise OperationalError("INSERT INTO project_events …", {}, Exception("server closed the connection"))

    client = api(founder)
    monkeypatch.setattr(services, "ProjectEvent", connection_lost)
    before = session.scalar(select(func.count(Project.id)))

    response = client.post("/api/v1/projects", json={"name": "Doomed", "pole": "multimedia"})

    assert response.status_code == 503
    assert response.mimetype == "application/problem+json" and "nothing was saved" in response.get_json()["detail"]
    session.expire_all()
    assert session.scalar(select(func.count(Project.id))) == before


def test_sign_ups_and_reset_requests_are_throttled_per_address(database_url):
    config = make_config(database_url)
    config.ACCOUNT_REQUESTS_LIMIT = "2 per hour"
    app = create_app(config)
    client = app.test_client()

    statuses = [client.post("/api/v1/password-reset", json={"email": f"x{i}@example.org"}).status_code
                for i in range(2)]
    signup = client.post("/api/v1/signup", json={"email": "new@example.org", "name": "New", "password": "x" * 12})

    assert statuses == [202, 202]
    assert signup.status_code == 429 and signup.mimetype == "application/problem+json"
    with app.app_context():
        flask_db.engine.dispose()


def test_the_account_limit_counts_every_spelling_of_the_address(strict_app, founder):
    client = strict_app.test_client()
    local, _, domain = founder.email.partition("@")
    assert domain == "example.org"
    full_width = f"{local}@\uff45xample.org"  # signs in as the founder (the domain is normalised)
    for i, email in enumerate([founder.email, f"{local.upper()}@EXAMPLE.org", full_width]):
        client.post("/api/v1/tokens", json={"email": email, "password": "wrong-password"},
                    environ_base={"REMOTE_ADDR": f"10.0.1.{i}"})

    right = client.post("/api/v1/tokens", json={"email": full_width, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.2.1"})

    assert right.status_code == 429


def _throttled_app(database_url, **settings):
    config = make_config(database_url)
    config.LOGIN_ATTEMPTS_LIMIT = "3 per minute"
    for key, value in settings.items():
        setattr(config, key, value)
    return create_app(config)


def _fail_sign_ins_from(client, forwarded_for: str) -> None:
    for i in range(3):
        client.post("/api/v1/tokens", json={"email": f"nobody{i}@example.org", "password": "x" * 12},
                    headers={"X-Forwarded-For": forwarded_for})


def test_a_forged_forwarded_for_is_ignored_by_default(database_url, founder):
    app = _throttled_app(database_url)
    client = app.test_client()
    _fail_sign_ins_from(client, "198.51.100.1")

    # Claiming another address does not escape the limit of the address that really connects.
    again = client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD},
                        headers={"X-Forwarded-For": "198.51.100.2"})

    assert again.status_code == 429
    with app.app_context():
        flask_db.engine.dispose()


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(database_url, founder):
    app = _throttled_app(database_url, PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    client = app.test_client()  # every request comes from the proxy's 127.0.0.1
    _fail_sign_ins_from(client, "198.51.100.1")

    other = client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD},
                        headers={"X-Forwarded-For": "198.51.100.2", "X-Forwarded-Proto": "https"})
    same = client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.1"})

    assert other.status_code == 201
    assert same.status_code == 429
    with app.app_context():
        flask_db.engine.dispose()


def test_a_cookie_copied_before_logout_no_longer_opens_pages(app, client, login_as, founder):
    login_as(founder)
    copied = client.get_cookie("session").value
    other_device = app.test_client()
    assert other_device.post("/login", data={"email": founder.email, "password": PASSWORD}).status_code == 302

    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)

    assert replay.get("/projects").status_code == 302  # to the login page: the session ended server-side
    assert other_device.get("/projects").status_code == 200  # signing out here leaves other devices alone


@pytest.mark.parametrize("path", ["/projects", "/projects.csv", "/projects.xlsx", "/account/data.json", "/login"])
def test_pages_and_exports_are_never_stored_by_a_cache(client, login_as, founder, path):
    if path != "/login":
        login_as(founder)
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_api_answers_and_downloads_are_never_stored_by_a_cache(app, api, make_project, founder, tmp_path):
    app.config["UPLOADS_DIR"] = str(tmp_path)
    as_founder = api(founder)
    project = make_project()
    created = as_founder.client.post(
        f"/api/v1/projects/{project.id}/deliverables/problem_statement/evidence", headers=as_founder.headers,
        data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "plan.pdf")}, content_type="multipart/form-data",
    ).get_json()

    for path in ("/api/v1/me", created["download_url"]):
        response = as_founder.get(path)
        assert response.status_code == 200
        # send_file's own `no-cache` still lets a shared cache store the file.
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_a_private_policy_chosen_by_a_view_and_static_files_are_kept(client, founder):
    feed = client.get(f"/calendar/{founder.calendar_token}.ics")
    static = client.get("/static/css/parcours.css")

    assert feed.status_code == 200 and feed.headers["Cache-Control"] == "private, max-age=300"
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_emailed_links_come_from_the_base_url_whatever_the_host_header(app, api, founder, manager, session):
    """A forged Host (or X-Forwarded-Host) must not become the address of a reset or invitation link."""
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    base = app.config["BASE_URL"].rstrip("/")

    api().post("/api/v1/password-reset", json={"email": founder.email}, headers=forged)
    api(manager).post("/api/v1/invitations", json={"email": "new@example.org", "role": "mentor"}, headers=forged)
    api().post("/api/v1/signup", json={"email": "newcomer@example.org", "name": "New", "password": PASSWORD},
               headers=forged)

    session.expire_all()
    bodies = session.scalars(select(OutgoingEmail.body)).all()
    assert len(bodies) == 3
    assert all(f"{base}/" in body and "evil.example" not in body for body in bodies)


def test_the_request_log_masks_the_secrets_of_links_and_feeds(client, founder, caplog):
    with caplog.at_level(logging.INFO, logger="parcours.requests"):
        feed = client.get(f"/calendar/{founder.calendar_token}.ics")
        client.get("/invitations/a-secret-invitation-token")
        client.get("/password-reset/a-secret-reset-token")

    assert feed.status_code == 200
    assert "path=/calendar/[token].ics" in caplog.text and "path=/invitations/[token]" in caplog.text
    assert founder.calendar_token not in caplog.text and "a-secret" not in caplog.text
