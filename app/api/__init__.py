"""The JSON API, `/api/v1`: bearer-token authentication and RFC 9457 errors."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Route modules register themselves on `bp` when imported.
from app.api import accounts  # noqa: E402,F401
from app.api import attention  # noqa: E402,F401
from app.api import calls  # noqa: E402,F401
from app.api import checkins  # noqa: E402,F401
from app.api import cluster  # noqa: E402,F401
from app.api import cohorts  # noqa: E402,F401
from app.api import errors  # noqa: E402,F401
from app.api import impact  # noqa: E402,F401
from app.api import kpis  # noqa: E402,F401
from app.api import mentoring  # noqa: E402,F401
from app.api import notifications  # noqa: E402,F401
from app.api import officehours  # noqa: E402,F401
from app.api import openapi  # noqa: E402,F401
from app.api import people  # noqa: E402,F401
from app.api import pipeline  # noqa: E402,F401
from app.api import privacy  # noqa: E402,F401
from app.api import projects  # noqa: E402,F401
from app.api import readiness  # noqa: E402,F401
from app.api import reference  # noqa: E402,F401
from app.api import tokens  # noqa: E402,F401
from app.api import users  # noqa: E402,F401
