"""Account tests: the real SMTP server of the check-in tests, and reading links from emails."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.core.time import utcnow
from app.extensions import db as flask_db
from app.scheduling.jobs import deliver_emails
from tests.checkins.conftest import mail_app  # noqa: F401  (fixtures shared with the check-in tests)
from tests.checkins.conftest import smtp_allowed  # noqa: F401
from tests.checkins.conftest import smtp_server  # noqa: F401

LINK = re.compile(r"https?://\S+/(verify|password-reset)/(\S+)")


def link_in(body: str) -> str:
    """The path of the one account link in an email body (`/verify/…` or `/password-reset/…`)."""
    (match,) = LINK.findall(body)
    return f"/{match[0]}/{match[1]}"


@pytest.fixture
def deliver(mail_app):  # noqa: F811  (the imported fixture, requested by name)
    """Send the email outbox to the test SMTP server, as the scheduler's sweep does."""

    def run(at: dt.datetime | None = None) -> tuple[int, int]:
        with mail_app.app_context():
            result = deliver_emails(at or utcnow())
            flask_db.session.remove()
        return result

    return run
