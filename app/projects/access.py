"""Loading a project for the signed-in reader, shared by every area's project pages: below the
views, so the areas' pages need not import the project page (which composes their panels)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.core.errors import NotFound
from app.extensions import db
from app.projects import queries
from app.projects.models import Project


def load_visible(project_id: int) -> Project:
    """The project if the signed-in user may see it; 404 otherwise (unknown and hidden look alike)."""
    try:
        return queries.get_visible_project(db.session, project_id, current_user)
    except NotFound:
        abort(404)
