"""Delivering the outbox: one email that cannot be built or sent never holds the others back."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.time import utcnow
from app.extensions import db as flask_db
from app.notifications import mailer
from app.notifications.mailer import header_value
from app.notifications.models import OutgoingEmail
from app.notifications.outbox import transport
from app.scheduling.jobs import deliver_emails
from config import dev_base_url
from config import dev_mail_backend


def outbox(session, *emails: tuple[str, str, str]) -> list[OutgoingEmail]:
    """Queue (address, subject, body) emails in this order, as the services do, and commit."""
    rows = [OutgoingEmail(to_address=to, subject=subject, body=body, dedupe_key=f"test:{n}")
            for n, (to, subject, body) in enumerate(emails)]
    session.add_all(rows)
    session.commit()
    return rows


def stored(session, email: OutgoingEmail) -> OutgoingEmail:
    session.expire_all()
    return session.scalar(select(OutgoingEmail).where(OutgoingEmail.id == email.id))


def test_a_carriage_return_in_a_subject_injects_nothing_and_the_next_email_still_goes(
        session, smtp_server, deliver):
    poisoned, good = outbox(session, ("nadia@example.org", "Poison\rBcc: x@evil.example", "Hello.\n"),
                            ("salma@example.org", "Your reminder", "See you.\n"))

    assert deliver() == (2, 0)

    (received,) = smtp_server.received_by("nadia@example.org")
    assert received.subject == "Poison Bcc: x@evil.example"
    assert received.message["Bcc"] is None
    assert "x@evil.example" not in smtp_server.recipients()
    assert [m.subject for m in smtp_server.received_by("salma@example.org")] == ["Your reminder"]
    assert stored(session, poisoned).status == stored(session, good).status == "sent"


def test_an_email_that_cannot_be_built_fails_alone_with_its_attempt_counted(session, smtp_server, deliver,
                                                                            monkeypatch):
    real_build = mailer.build_message

    def build(email, settings):
        if email.subject == "Broken":
            raise ValueError("a header the email package refuses")
        return real_build(email, settings)

    monkeypatch.setattr(mailer, "build_message", build)
    broken, good = outbox(session, ("nadia@example.org", "Broken", "Hello.\n"),
                          ("salma@example.org", "Your reminder", "See you.\n"))

    assert deliver() == (1, 1)
    assert deliver() == (0, 0)  # failed for good: the next sweep does not try it again

    assert smtp_server.recipients() == ["salma@example.org"]
    failed = stored(session, broken)
    assert failed.status == "failed" and failed.attempts == 1
    assert "cannot build" in failed.last_error
    assert stored(session, good).status == "sent"


def test_an_email_the_server_can_never_take_fails_alone(session, smtp_server, deliver):
    # A non-ASCII mailbox needs SMTPUTF8, which this server does not offer: no retry will ever work.
    refused, good = outbox(session, ("nadïa@exämple.org", "Bienvenue", "Hello.\n"),
                           ("salma@example.org", "Your reminder", "See you.\n"))

    assert deliver() == (1, 1)

    assert smtp_server.recipients() == ["salma@example.org"]
    failed = stored(session, refused)
    assert failed.status == "failed" and failed.attempts == 1
    assert stored(session, good).status == "sent"


def test_header_values_keep_one_line_and_no_control_characters():
    assert header_value("Poison\rBcc: x@evil.example") == "Poison Bcc: x@evil.example"
    assert header_value("a\r\nb\nc\x00d\x1be\u2028f\u2029g\x85h\tI") == "a b c d e f g h I"
    assert header_value("  Café  à  Casablanca ") == "Café à Casablanca"
    assert header_value("Point d'étape pour Atlas\u00a0: lundi") == "Point d'étape pour Atlas\u00a0: lundi"


# Development without an SMTP server ----------------------------------------------------------


def test_the_file_backend_writes_each_email_and_logs_it_with_its_links(app, client, session, tmp_path, caplog):
    app.config.update(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path / "mail"), MAIL_DELIVER_AFTER_REQUEST=True)

    with caplog.at_level(logging.INFO, logger="app.notifications.mailer"):
        response = client.post("/signup", data={"email": "web@example.org", "name": "Web",
                                                "password": "correct-horse-battery", "consent": "y"})

    assert response.status_code == 302
    (written,) = (tmp_path / "mail").glob("*.eml")
    message = message_from_bytes(written.read_bytes(), policy=default_policy)
    assert message["To"] == "web@example.org"
    (link,) = re.findall(r"http://\S+/verify/\S+", message.get_content())
    assert link in caplog.text and "web@example.org" in caplog.text
    session.expire_all()
    assert session.scalars(select(OutgoingEmail.status)).all() == ["sent"]


def test_the_sweep_uses_the_file_backend_too(app, session, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_DIR=str(tmp_path))
    outbox(session, ("nadia@example.org", "Your reminder", "See you at http://127.0.0.1:5000/checkins/1.\n"))

    with app.app_context():
        assert deliver_emails(utcnow()) == (1, 0)
        flask_db.session.remove()

    (written,) = tmp_path.glob("*.eml")
    assert b"Subject: Your reminder" in written.read_bytes()


def test_an_unknown_mail_backend_is_refused_with_a_clear_message(app):
    app.config["MAIL_BACKEND"] = "carrier-pigeon"

    with app.app_context(), pytest.raises(ValueError, match="MAIL_BACKEND must be one of smtp, file"):
        transport()


@pytest.mark.parametrize("env, backend", [
    ({}, "file"),  # `make run` with no SMTP server: files and the log
    ({"SMTP_HOST": "mail.example.org"}, "smtp"),
    ({"MAIL_BACKEND": "smtp"}, "smtp"),
    ({"SMTP_HOST": "mail.example.org", "MAIL_BACKEND": "file"}, "file"),
])
def test_make_run_writes_email_to_files_unless_an_smtp_host_is_set(env, backend):
    assert dev_mail_backend(env) == backend


def test_production_keeps_smtp_and_make_run_without_smtp_host_writes_files():
    env = {key: value for key, value in os.environ.items() if key not in ("SMTP_HOST", "MAIL_BACKEND")}
    shown = subprocess.run([sys.executable, "-c", "import config; print(config.Config.MAIL_BACKEND, "
                            "config.DevConfig.MAIL_BACKEND)"], env=env, capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[2])
    assert shown.stdout.split() == ["smtp", "file"]


@pytest.mark.parametrize("env, url", [
    ({}, "http://127.0.0.1:5000"),
    ({"HOST": "127.0.0.1", "PORT": "8000"}, "http://127.0.0.1:8000"),
    ({"HOST": "0.0.0.0", "PORT": "8000"}, "http://127.0.0.1:8000"),
    ({"HOST": "parcours.lan", "PORT": "5001"}, "http://parcours.lan:5001"),
    ({"HOST": "::1", "PORT": "5000"}, "http://[::1]:5000"),
    ({"HOST": "0.0.0.0", "BASE_URL": "https://parcours.example.org"}, "https://parcours.example.org"),
])
def test_make_run_links_follow_the_host_and_port_it_serves_on(env, url):
    assert dev_base_url(env) == url


def test_the_makefile_passes_host_and_port_to_the_server():
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    (run_line,) = [line for line in makefile.splitlines() if " run --host" in line]
    assert "HOST=$(HOST)" in run_line and "PORT=$(PORT)" in run_line
