"""People tests: the real SMTP server of the account tests, and reading invitation links."""

from __future__ import annotations

import re

from tests.api.conftest import assert_problem  # noqa: F401  (fixtures shared with the API and account tests)
from tests.auth.conftest import deliver  # noqa: F401
from tests.checkins.conftest import mail_app  # noqa: F401
from tests.checkins.conftest import smtp_allowed  # noqa: F401
from tests.checkins.conftest import smtp_server  # noqa: F401

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitations/[A-Za-z0-9_\-]+)")


def invitation_link(body: str) -> str:
    """The path of the one invitation link in an email body."""
    (path,) = INVITATION_LINK.findall(body)
    return path
