"""Notifications tests: the real SMTP server of the check-in tests, delivering the outbox as the sweep does,
and the calls fixtures (calls, drafts, commission members) for the kinds the calls area emits."""

from __future__ import annotations

import pytest

from tests.auth.conftest import deliver  # noqa: F401  (fixtures shared with the account tests)
from tests.calls.conftest import attach  # noqa: F401
from tests.calls.conftest import make_call  # noqa: F401
from tests.calls.conftest import make_reviewer  # noqa: F401
from tests.checkins.conftest import mail_app  # noqa: F401
from tests.checkins.conftest import smtp_allowed  # noqa: F401
from tests.checkins.conftest import smtp_server  # noqa: F401


@pytest.fixture
def uploads(app, tmp_path):
    """The decks of `attach`, in the test's own folder (not autouse here: most tests need no app)."""
    folder = tmp_path / "uploads"
    app.config["UPLOADS_DIR"] = str(folder)
    return folder
