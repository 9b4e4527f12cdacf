"""Role gates for web views."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from flask_login import login_required


def role_required(*roles: str):
    """Let only signed-in users with one of `roles` through (admins always pass)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles and current_user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
