"""Delivering the outbox: one email that cannot be built or sent never holds the others back."""

from __future__ import annotations

from sqlalchemy import select

from app.notifications import mailer
from app.notifications.mailer import header_value
from app.notifications.models import OutgoingEmail


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
