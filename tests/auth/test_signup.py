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

    before = client.post("/api/v1/tokens", json=credentials, headers={"Accept-Language": "en"})
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


def test_signing_up_again_before_confirming_sends_a_link_to_choose_the_password_but_not_twice_in_a_row(
        session, now, make_user):
    def sign_up(at: dt.datetime) -> links.LinkRequest:
        return links.sign_up(session, email="nadia@example.org", name="Nadia", password=PASSWORD, locale="en",
                             now=at, secret=SECRET)

    first = sign_up(now)
    again = sign_up(now + dt.timedelta(seconds=30))
    third = sign_up(now + dt.timedelta(seconds=60))
    later = sign_up(now + dt.timedelta(minutes=5))

    assert first.kind == "verify_email" and first.token
    assert again.kind == "confirm_and_choose" and again.token
    assert third.kind == "none"  # the second email is on its way: no flooding a mailbox through us
    assert later.kind == "confirm_and_choose" and later.token != again.token
    with pytest.raises(links.LinkInvalid):  # a later sign-up ends the earlier one's confirmation link
        links.verify_email(session, first.token, now=now + dt.timedelta(minutes=6), secret=SECRET)


ATTACKER = {"email": "victim@example.org", "name": "Mallory", "password": "the-attackers-password"}
VICTIM = {"email": "victim@example.org", "name": "Victim", "password": "the-victims-password"}
CHOSEN = "chosen-from-the-mailbox"


def follow_every_link(client, smtp_server) -> None:
    """The victim opens each email in the mailbox, in order, and completes what its link asks for."""
    for email in smtp_server.received_by("victim@example.org"):
        path = link_in(email.body)
        if path.startswith("/verify/"):
            client.get(path)
        else:
            client.post(path, data={"password": CHOSEN, "confirm": CHOSEN})


@pytest.mark.parametrize("order", [(ATTACKER, VICTIM), (VICTIM, ATTACKER)], ids=["attacker-first", "victim-first"])
def test_a_sign_up_by_someone_else_never_leaves_their_password_on_the_account(api, client, session, smtp_server,
                                                                             deliver, order):
    """Account pre-hijack: the attacker signs up with the victim's address before (or after) the victim."""
    for body in order:
        assert api().post("/api/v1/signup", json=body).status_code == 202
    deliver()

    follow_every_link(client, smtp_server)

    def sign_in(password: str) -> int:
        return api().post("/api/v1/tokens", json={"email": "victim@example.org", "password": password}).status_code

    assert sign_in(ATTACKER["password"]) == 401
    assert sign_in(CHOSEN) == 201  # the mailbox's owner holds the account
    assert user_by_email(session, "victim@example.org").email_verified_at is not None
    # The first sign-up's confirmation link, then the link to choose the password.
    sent = [link_in(m.body).split("/")[1] for m in smtp_server.received_by("victim@example.org")]
    assert sent == ["verify", "password-reset"]


def test_a_single_sign_up_keeps_its_own_password(api, client, session, smtp_server, deliver):
    assert api().post("/api/v1/signup", json=VICTIM).status_code == 202
    deliver()

    follow_every_link(client, smtp_server)

    status = api().post("/api/v1/tokens", json={"email": VICTIM["email"], "password": VICTIM["password"]}).status_code
    assert status == 201


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
    new = client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD,
                                       "consent": "y"})
    with client.session_transaction() as state:
        new_flashes = state.pop("_flashes")
    known = client.post("/signup", data={"email": founder.email, "name": "Web", "password": PASSWORD,
                                         "consent": "y"})
    with client.session_transaction() as state:
        known_flashes = state.pop("_flashes")

    assert page.status_code == 200
    assert new.status_code == known.status_code == 302
    assert new.location == known.location
    assert new_flashes == known_flashes
    assert user_by_email(session, "web@example.org").email_verified_at is None
    assert count(session, OutgoingEmail) == 2


def test_an_unverified_account_cannot_sign_in_on_the_web_and_is_told_why(client, session, smtp_server):
    client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD, "consent": "y"})

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


# Delivery right after the request ------------------------------------------------------------


@pytest.mark.parametrize("signup", [
    lambda client: client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD,
                                                "consent": "y"}),
    lambda client: client.post("/api/v1/signup", json={"email": "web@example.org", "name": "Web",
                                                       "password": PASSWORD}),
], ids=["page", "api"])
def test_the_confirmation_email_leaves_right_after_the_signup_without_a_sweep(client, mail_app, session,
                                                                              smtp_server, signup):
    mail_app.config["MAIL_DELIVER_AFTER_REQUEST"] = True

    response = signup(client)

    assert response.status_code in (202, 302)
    (email,) = smtp_server.received_by("web@example.org")
    assert link_in(email.body).startswith("/verify/")
    session.expire_all()
    assert session.scalars(select(OutgoingEmail.status)).all() == ["sent"]


def test_when_the_smtp_server_is_down_the_outbox_keeps_the_email_for_the_sweep(client, mail_app, session,
                                                                               smtp_server, deliver, now):
    mail_app.config["MAIL_DELIVER_AFTER_REQUEST"] = True
    smtp_server.stop()

    response = client.post("/api/v1/signup", json={"email": "web@example.org", "name": "Web", "password": PASSWORD})

    assert response.status_code == 202
    session.expire_all()
    queued = session.scalar(select(OutgoingEmail))
    assert (queued.status, queued.attempts) == ("pending", 1)
    smtp_server.start()
    assert deliver(now + dt.timedelta(minutes=5)) == (1, 0)
    assert len(smtp_server.received_by("web@example.org")) == 1
