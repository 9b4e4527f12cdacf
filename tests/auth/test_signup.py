"""Signing up: an applicant account that works once the emailed link is followed; links expire, work
once, and no answer tells whether an address is registered."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth import links
from app.auth.models import AccountLink
from app.auth.models import User
from app.notifications.models import Notification
from app.notifications.models import OutgoingEmail
from tests.auth.conftest import link_in
from tests.conftest import PASSWORD

SECRET = "test-secret"


def user_by_email(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


# API -----------------------------------------------------------------------------------------


def test_signup_creates_an_unverified_applicant_and_emails_a_link(api, session, smtp_server, deliver):
    response = api().post("/api/v1/signup", json={"email": "New@Example.org", "name": "Nadia", "password": PASSWORD},
                          headers={"Accept-Language": "en, fr;q=0.5"})

    assert response.status_code == 202
    assert "detail" in response.get_json()
    user = user_by_email(session, "new@example.org")
    assert user.role == "applicant" and user.email_verified_at is None
    assert user.locale == "en"  # the browser's language: the email and later pages use it
    assert deliver() == (1, 0)
    (email,) = smtp_server.received_by("new@example.org")
    assert email.subject == "Confirm your email address for Parcours"
    assert link_in(email.body).startswith("/verify/")
    # No in-app notification: the reader cannot sign in yet.
    assert count(session, Notification) == 0


def test_tokens_are_refused_with_403_until_the_link_is_followed(api, client, session, smtp_server, deliver):
    api().post("/api/v1/signup", json={"email": "nadia@example.org", "name": "Nadia", "password": PASSWORD})
    deliver()
    credentials = {"email": "nadia@example.org", "password": PASSWORD}

    before = client.post("/api/v1/tokens", json=credentials)
    verified = client.get(link_in(smtp_server.received_by("nadia@example.org")[0].body))
    after = client.post("/api/v1/tokens", json=credentials)

    assert before.status_code == 403
    assert before.mimetype == "application/problem+json"
    assert "Confirm your email" in before.get_json()["detail"]
    assert verified.status_code == 302 and verified.location.endswith("/login")
    assert after.status_code == 201
    assert user_by_email(session, "nadia@example.org").email_verified_at is not None


def test_a_wrong_password_on_an_unverified_account_is_a_plain_401(api, client, smtp_server):
    api().post("/api/v1/signup", json={"email": "nadia@example.org", "name": "Nadia", "password": PASSWORD})

    response = client.post("/api/v1/tokens", json={"email": "nadia@example.org", "password": "wrong-password-x"})

    assert response.status_code == 401


def test_a_verification_link_works_once(api, client, session, smtp_server, deliver):
    api().post("/api/v1/signup", json={"email": "nadia@example.org", "name": "Nadia", "password": PASSWORD})
    deliver()
    path = link_in(smtp_server.received_by("nadia@example.org")[0].body)

    first = client.get(path)
    second = client.get(path, headers={"Accept-Language": "en"})

    assert first.status_code == 302 and first.location.endswith("/login")
    assert second.status_code == 303 and second.location.endswith("/password-reset")
    with client.session_transaction() as state:
        assert any("invalid, has expired or was already used" in m for _, m in state["_flashes"])


def test_signing_up_with_a_registered_email_answers_the_same_and_warns_its_owner(api, founder, session, smtp_server,
                                                                                 deliver):
    before = count(session, User)

    known = api().post("/api/v1/signup", json={"email": founder.email, "name": "Mallory", "password": PASSWORD})
    unknown = api().post("/api/v1/signup", json={"email": "fresh@example.org", "name": "Fresh", "password": PASSWORD})

    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert count(session, User) == before + 1
    assert user_by_email(session, founder.email).name == founder.name  # untouched
    deliver()
    (warning,) = smtp_server.received_by(founder.email)
    assert warning.subject == "You already have a Parcours account"
    assert link_in(warning.body).startswith("/password-reset/")


def test_signing_up_again_before_confirming_resends_a_link_but_not_twice_in_a_row(session, now, make_user):
    first = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en", now=now,
                          secret=SECRET)
    again = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                          now=now + dt.timedelta(seconds=30), secret=SECRET)
    later = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                          now=now + dt.timedelta(minutes=5), secret=SECRET)

    assert first.kind == "verify_email" and first.token
    assert again.kind == "none"  # the first email is on its way: no flooding a mailbox through us
    assert later.kind == "verify_email" and later.token != first.token


def test_signup_refuses_bad_fields_with_422(api):
    response = api().post("/api/v1/signup", json={"email": "not-an-email", "name": "N", "password": "short"})

    assert response.status_code == 422
    assert {"email", "password"} <= set(response.get_json()["errors"])


def test_verification_links_expire(session, now):
    request = links.sign_up(session, email="late@example.org", name="Late", password=PASSWORD, locale="en", now=now,
                            secret=SECRET, ttl=dt.timedelta(hours=48))
    session.commit()

    with pytest.raises(links.LinkInvalid):
        links.verify_email(session, request.token, now=now + dt.timedelta(hours=48, seconds=1), secret=SECRET)
    user = links.verify_email(session, request.token, now=now + dt.timedelta(hours=47), secret=SECRET)

    assert user.email_verified_at == now + dt.timedelta(hours=47)


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # broken signature
    lambda token: "",
    lambda token: "../../etc/passwd",
])
def test_forged_links_are_refused(session, now, tamper):
    request = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                            now=now, secret=SECRET)

    with pytest.raises(links.LinkInvalid):
        links.verify_email(session, tamper(request.token), now=now, secret=SECRET)


def test_a_link_signed_with_another_key_or_for_another_purpose_is_refused(session, now):
    request = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                            now=now, secret=SECRET)

    with pytest.raises(links.LinkInvalid):
        links.verify_email(session, request.token, now=now, secret="another-secret")
    with pytest.raises(links.LinkInvalid):
        links.reset_password(session, request.token, "a-brand-new-password", now=now, secret=SECRET)


def test_only_the_nonces_hash_is_stored(session, now):
    request = links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                            now=now, secret=SECRET)

    stored = session.scalar(select(AccountLink.nonce_hash))
    assert len(stored) == 64 and stored not in request.token


# Web -----------------------------------------------------------------------------------------


def test_the_signup_page_creates_the_account_and_says_the_same_for_any_email(client, founder, session, smtp_server):
    page = client.get("/signup")
    new = client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD})
    with client.session_transaction() as state:
        new_flashes = state.pop("_flashes")
    known = client.post("/signup", data={"email": founder.email, "name": "Web", "password": PASSWORD})
    with client.session_transaction() as state:
        known_flashes = state.pop("_flashes")

    assert page.status_code == 200
    assert new.status_code == known.status_code == 302
    assert new.location == known.location
    assert new_flashes == known_flashes
    assert user_by_email(session, "web@example.org").email_verified_at is None
    assert count(session, OutgoingEmail) == 2


def test_an_unverified_account_cannot_sign_in_on_the_web_and_is_told_why(client, session, smtp_server):
    client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD})

    response = client.post("/login", data={"email": "web@example.org", "password": PASSWORD},
                           headers={"Accept-Language": "en"})

    assert response.status_code == 422
    assert "Confirm your email address first" in response.get_data(as_text=True)
    with client.session_transaction() as state:
        assert "_user_id" not in state


def test_the_signup_form_shows_field_errors(client):
    response = client.post("/signup", data={"email": "web@example.org", "name": "", "password": "short"},
                           headers={"Accept-Language": "en"})

    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_accounts_made_by_managers_are_verified_at_once(api, manager, founder):
    made = api(manager).post("/api/v1/users", json={"email": "staff@example.org", "name": "Staff", "role": "mentor",
                                                    "password": PASSWORD})

    assert made.status_code == 201
    assert founder.email_verified_at is not None
    assert api().post("/api/v1/tokens", json={"email": "staff@example.org", "password": PASSWORD}).status_code == 201


def test_the_migration_marks_every_existing_account_verified(tmp_path):
    """Accounts that existed before sign-up did were all made by managers: they must keep working."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from tests.conftest import make_config

    app = create_app(make_config(f"sqlite:///{tmp_path / 'before.db'}"))
    with app.app_context():
        upgrade(revision="a3afc0debb16")
        db.session.execute(text(
            "INSERT INTO users (email, name, role, password_hash, locale, timezone, calendar_token, is_disabled, "
            "session_epoch, wants_email_reminders, created_at) VALUES ('old@example.org', 'Old', 'founder', 'x', "
            "'fr', 'UTC', 'tok', 0, 0, 1, '2026-01-02 03:04:05')"))
        db.session.commit()
        upgrade(revision="5b1e2c7d9a01")
        verified = db.session.execute(text("SELECT email_verified_at FROM users")).scalar_one()
        db.session.remove()
        db.engine.dispose()

    assert str(verified).startswith("2026-01-02 03:04:05")
