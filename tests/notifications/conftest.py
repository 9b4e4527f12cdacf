"""Outbox tests: the real SMTP server of the check-in tests, and delivering the outbox as the sweep does."""

from __future__ import annotations

from tests.auth.conftest import deliver  # noqa: F401  (fixtures shared with the account tests)
from tests.checkins.conftest import mail_app  # noqa: F401
from tests.checkins.conftest import smtp_allowed  # noqa: F401
from tests.checkins.conftest import smtp_server  # noqa: F401
