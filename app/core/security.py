"""HTTP hardening: security headers on every answer, request ids and one log line per request."""

from __future__ import annotations

import logging
import time
import uuid

import sqlalchemy as sa
from flask import Flask
from flask import g
from flask import request
from flask_login import current_user

log = logging.getLogger("parcours.requests")

#: No inline script or style anywhere: pages load only their own static files.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
#: Pages, exports, downloads and API answers carry one person's data (and a session cookie or a
#: CSRF token): neither a shared proxy nor the browser's disk may keep them for the next person at
#: the machine or behind the proxy. A view that may be kept says so itself, privately (the calendar
#: feed); static files keep Flask's own rules.
NOT_STORED = "private, no-store"


def register(app: Flask) -> None:
    """Attach request ids, security headers and the request log to `app`."""

    @app.before_request
    def start_request() -> None:
        # A client-supplied id is kept (proxies set one) when it looks sane; otherwise a fresh one.
        supplied = request.headers.get("X-Request-Id", "")
        g.request_id = supplied if 0 < len(supplied) <= 64 and supplied.isprintable() else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        _keep_private(response)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-Id"] = request_id
        _log_request(response)
        return response


def _keep_private(response) -> None:
    """`Cache-Control: private, no-store` unless the view chose a private policy itself; a download's
    `no-cache` (send_file's) still lets a cache store the file, so it is replaced too."""
    if request.endpoint == "static":
        return
    chosen = response.cache_control
    if not (chosen.private or chosen.no_store):
        response.headers["Cache-Control"] = NOT_STORED


def _log_request(response) -> None:
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    user = g.get("api_user")
    if user is None:
        try:
            user = current_user._get_current_object() if current_user.is_authenticated else None
        except Exception:  # noqa: BLE001 - logging must never break an answer
            user = None
    log.info(
        "request method=%s path=%s status=%s duration_ms=%s user=%s request_id=%s",
        request.method, _logged_path(), response.status_code, duration_ms, _identity(user), g.get("request_id"),
    )


def _logged_path() -> str:
    """The path, its secret masked: the `token` of a reset, confirmation or invitation link, or of a
    calendar feed, opens an account or a feed to whoever reads it, and logs are read more widely."""
    token = (request.view_args or {}).get("token")
    return request.path.replace(token, "[token]") if token else request.path


def _identity(user) -> int | None:
    """The user's id from the session's identity map: after a commit `user.id` is expired, and
    reading it would cost a query for a log line."""
    if user is None:
        return None
    state = sa.inspect(user, raiseerr=False)
    if state is not None and state.identity:
        return state.identity[0]
    return getattr(user, "id", None)
