"""Notifications tests: the real SMTP server of the check-in tests, delivering the outbox as the sweep does,
and the calls fixtures (calls, drafts, commission members) for the kinds the calls area emits."""

from __future__ import annotations

from tests.auth.conftest import deliver  # noqa: F401  (fixtures shared with the account tests)
from tests.calls.conftest import attach  # noqa: F401
from tests.calls.conftest import make_call  # noqa: F401
from tests.calls.conftest import make_reviewer  # noqa: F401
from tests.calls.conftest import uploads  # noqa: F401
from tests.checkins.conftest import mail_app  # noqa: F401
from tests.checkins.conftest import smtp_allowed  # noqa: F401
from tests.checkins.conftest import smtp_server  # noqa: F401
