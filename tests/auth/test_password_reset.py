"""Resetting a forgotten password by email: the same answer for any address, a single-use expiring
link, and a reset that signs every other session and API token out."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event
from sqlalchemy import select

from app.auth import links
from app.auth.models import ApiToken
from app.auth.models import User
from app.notifications.models import OutgoingEmail
from tests.auth.conftest import link_in
from tests.conftest import PASSWORD

SECRET = "test-secret"
NEW_PASSWORD = "a-brand-new-password"


def fresh(session, user: User) -> User:
    session.expire_all()
    return session.get(User, user.id)


def test_reset_answers_202_whether_or_not_the_email_is_known(api, founder, smtp_server, deliver):
    known = api().post("/api/v1/password-reset", json={"email": founder.email})
    unknown = api().post("/api/v1/password-reset", json={"email": "nobody@example.org"})
    malformed = api().post("/api/v1/password-reset", json={"email": "not an email"})

    assert known.status_code == unknown.status_code == malformed.status_code == 202
    assert known.get_json() == unknown.get_json() == malformed.get_json()
    assert deliver() == (1, 0)
    assert smtp_server.recipients() == [founder.email]


def test_the_emailed_link_sets_a_new_password_once(api, client, founder, session, smtp_server, deliver):
    api().post("/api/v1/password-reset", json={"email": founder.email})
    deliver()
    (email,) = smtp_server.received_by(founder.email)
    assert email.subject == "Reset your Parcours password"
    path = link_in(email.body)

    form = client.get(path)
    saved = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    again = client.post(path, data={"password": "yet-another-password", "confirm": "yet-another-password"})

    assert form.status_code == 200 and founder.email in form.get_data(as_text=True)
    assert saved.status_code == 302 and saved.location.endswith("/login")
    assert again.status_code == 303 and again.location.endswith("/password-reset")
    assert api().post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD}).status_code == 401
    assert api().post("/api/v1/tokens", json={"email": founder.email, "password": NEW_PASSWORD}).status_code == 201


def test_opening_the_page_does_not_use_the_link_up(client, founder, session, now):
    request = links.request_password_reset(session, founder.email, now=now, secret=SECRET)
    session.commit()

    for _ in range(3):
        assert client.get(f"/password-reset/{request.token}").status_code == 200


def test_a_reset_signs_out_other_sessions_and_revokes_api_tokens(api, app, founder, session, now, login_as):
    browser = login_as(founder)
    other_api = api(founder)
    assert other_api.get("/api/v1/me").status_code == 200
    request = links.request_password_reset(session, founder.email, now=now, secret=SECRET)
    session.commit()
    epoch = founder.session_epoch

    links.reset_password(session, request.token, NEW_PASSWORD, now=now, secret=SECRET)
    session.commit()

    assert fresh(session, founder).session_epoch == epoch + 1
    assert other_api.get("/api/v1/me").status_code == 401
    assert browser.get("/projects").status_code == 302  # back to the login page
    assert session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == founder.id)).all() != [None]


def test_a_short_password_is_refused_and_the_link_still_works(session, founder, now):
    request = links.request_password_reset(session, founder.email, now=now, secret=SECRET)

    with pytest.raises(links.ValidationFailed) as refused:
        links.reset_password(session, request.token, "short", now=now, secret=SECRET)
    links.reset_password(session, request.token, NEW_PASSWORD, now=now, secret=SECRET)

    assert not isinstance(refused.value, links.LinkInvalid)
    assert "password" in refused.value.errors


def test_reset_links_expire(session, founder, now):
    request = links.request_password_reset(session, founder.email, now=now, secret=SECRET, ttl=dt.timedelta(hours=1))

    with pytest.raises(links.LinkInvalid):
        links.reset_password(session, request.token, NEW_PASSWORD, now=now + dt.timedelta(minutes=61), secret=SECRET)


def test_a_reset_kills_every_other_reset_link_of_the_account(session, founder, now):
    first = links.request_password_reset(session, founder.email, now=now, secret=SECRET)
    second = links.request_password_reset(session, founder.email, now=now + dt.timedelta(minutes=5), secret=SECRET)

    links.reset_password(session, second.token, NEW_PASSWORD, now=now + dt.timedelta(minutes=6), secret=SECRET)

    with pytest.raises(links.LinkInvalid):
        links.reset_password(session, first.token, "another-new-password", now=now + dt.timedelta(minutes=7),
                             secret=SECRET)


def test_following_a_reset_link_also_confirms_the_address(session, now):
    signup = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                           now=now, secret=SECRET)
    reset = links.request_password_reset(session, "nadia@example.org", now=now, secret=SECRET)

    user = links.reset_password(session, reset.token, NEW_PASSWORD, now=now, secret=SECRET)

    assert signup.user.id == user.id and user.is_verified


def test_a_disabled_account_gets_no_link(session, founder, now):
    founder.is_disabled = True
    session.commit()

    assert links.request_password_reset(session, founder.email, now=now, secret=SECRET).kind == "none"


def test_the_request_page_says_the_same_for_any_email(client, founder, smtp_server):
    answers = []
    for email in (founder.email, "nobody@example.org"):
        response = client.post("/password-reset", data={"email": email})
        with client.session_transaction() as state:
            answers.append((response.status_code, response.location, state.pop("_flashes")))

    assert answers[0] == answers[1]


def test_new_passwords_must_match_on_the_page(client, founder, session, now):
    request = links.request_password_reset(session, founder.email, now=now, secret=SECRET)
    session.commit()

    response = client.post(f"/password-reset/{request.token}", data={"password": NEW_PASSWORD, "confirm": "other"},
                           headers={"Accept-Language": "en"})

    assert response.status_code == 422
    assert "The two do not match." in response.get_data(as_text=True)


@pytest.mark.parametrize("path, send", [
    ("/api/v1/password-reset", lambda client, path, email: client.post(path, json={"email": email}, buffered=False)),
    ("/password-reset", lambda client, path, email: client.post(path, data={"email": email}, buffered=False)),
])
def test_a_reset_request_costs_the_same_for_a_known_and_an_unknown_address(client, engine, founder, smtp_server,
                                                                             deliver, path, send):
    """Nothing is looked up, written or rendered before the answer: the lookup runs once the response is sent."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        known = send(client, path, founder.email)
        before_known_is_sent, statements[:] = list(statements), []
        unknown = send(client, path, "nobody@example.org")
        before_unknown_is_sent, statements[:] = list(statements), []
        assert known.status_code == unknown.status_code and known.get_data() == unknown.get_data()
        assert before_known_is_sent == before_unknown_is_sent == []

        known.close()  # the server has sent the answer: now the work runs
        unknown.close()
        assert any(s.lstrip().upper().startswith("INSERT INTO OUTGOING_EMAILS") for s in statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert deliver() == (1, 0)
    assert smtp_server.recipients() == [founder.email]


def test_the_reset_email_leaves_right_after_the_request_without_a_sweep(api, mail_app, founder, session,
                                                                         smtp_server):
    mail_app.config["MAIL_DELIVER_AFTER_REQUEST"] = True

    response = api().post("/api/v1/password-reset", json={"email": founder.email})

    assert response.status_code == 202
    (email,) = smtp_server.received_by(founder.email)
    assert link_in(email.body).startswith("/password-reset/")
    session.expire_all()
    assert session.scalars(select(OutgoingEmail.status)).all() == ["sent"]
