"""Throttling sign-in: failed attempts are counted per address and per account.

Both the login form and `POST /api/v1/tokens` share the counters (scope "sign-in"), so an
attacker cannot alternate between them. Only failures count: a user who signs in at the first
try never approaches the limit. Past it, the answer is 429 with Retry-After.
"""

from __future__ import annotations

from flask import current_app
from flask import request
from flask_limiter.util import get_remote_address

from app.auth.services import normalise_email
from app.core.errors import ValidationFailed
from app.extensions import limiter


def attempted_account() -> str:
    """The rate-limit key of the account being tried: the submitted email, normalised as sign-in does.

    Sign-in finds the account through `normalise_email`, so the key must too: otherwise a spelling
    that reaches the same account (`ｅxample.org` in full-width letters, other cases) gets a fresh counter.
    """
    data = request.get_json(silent=True) if request.is_json else request.form
    email = str(data.get("email", "") if hasattr(data, "get") else "")
    try:
        key = normalise_email(email)
    except ValidationFailed:
        key = email.strip().lower()  # no account has an invalid address: any stable key will do
    return "account:" + key[:254]


def _failed(response) -> bool:
    return response.status_code in (400, 401, 403, 422)


def _limit() -> str:
    return current_app.config["LOGIN_ATTEMPTS_LIMIT"]


def sign_in_throttled(view):
    """Apply the per-address and per-account limits to a sign-in view."""
    per_account = limiter.shared_limit(_limit, "sign-in-account", key_func=attempted_account, methods=["POST"],
                                       deduct_when=_failed)
    per_address = limiter.shared_limit(_limit, "sign-in-address", key_func=get_remote_address, methods=["POST"],
                                       deduct_when=_failed)
    return per_address(per_account(view))


def _account_requests_limit() -> str:
    return current_app.config["ACCOUNT_REQUESTS_LIMIT"]


def account_requests_throttled(view):
    """Limit sign-ups and reset requests per address: each one sends an email."""
    return limiter.shared_limit(_account_requests_limit, "account-requests", key_func=get_remote_address,
                                methods=["POST"])(view)
