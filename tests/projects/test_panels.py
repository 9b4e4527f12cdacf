"""The project page composes the areas' panels through one seam (app/projects/panels.py), and its
templates show what the views decided (who may edit, who may tick)."""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import render_template

from app.projects import panels
from app.projects import permissions
from tests.test_architecture import app_imports
from tests.test_architecture import package_of

#: What the project page may import: its own area, the layers below, and the accounts' models.
PROJECT_PAGE_MAY_IMPORT = {"projects", "core", "extensions", "workflow", "auth"}


def test_the_project_page_imports_no_other_area():
    imported = {package_of(name) for importer, name, _ in app_imports() if importer == "app.projects.views"}

    assert imported <= PROJECT_PAGE_MAY_IMPORT, imported - PROJECT_PAGE_MAY_IMPORT


def test_every_panel_of_the_project_pages_is_provided_by_its_area(app):
    assert set(app.extensions[panels.EXTENSION]) == {"team", "mentoring", "readiness", "kpis", "cluster", "label",
                                                     "members"}


def test_each_app_owns_its_panels():
    """The registry is the app's: registering a blueprint on one app leaves another untouched."""
    bp = Blueprint("area", __name__)
    panels.provide(bp, "thing", lambda request: "built")
    first, second = Flask("first"), Flask("second")
    first.register_blueprint(bp)

    assert first.extensions[panels.EXTENSION]["thing"](None) == "built"
    assert panels.EXTENSION not in second.extensions


def test_a_panel_is_built_by_its_provider(app, session, make_project, founder, now):
    project = make_project()
    with app.test_request_context():
        request = panels.PanelRequest(session=session, project=project, user=founder,
                                      relations=frozenset({"member"}), now=now)
        label = panels.build("label", request)

    assert label is None  # created on the projects page, not labelled by a call


def test_the_header_shows_edit_only_when_the_view_says_so(app, make_project):
    project = make_project()
    with app.test_request_context():
        hidden = render_template("projects/_header.html", p=project, definition=_definition(project),
                                 relations=frozenset({"member"}), can_edit=False, tab="overview")
        shown = render_template("projects/_header.html", p=project, definition=_definition(project),
                                relations=frozenset(), can_edit=True, tab="overview")

    assert f"/projects/{project.id}/edit" not in hidden
    assert f"/projects/{project.id}/edit" in shown


def test_deliverables_are_ticked_by_editors_of_a_project_still_on_its_path():
    assert permissions.can_tick(frozenset({"member"}), "active")
    assert permissions.can_tick(frozenset({"manager"}), "on_hold") is True
    assert not permissions.can_tick(frozenset({"member"}), "graduated")
    assert not permissions.can_tick(frozenset({"manager"}), "abandoned")
    assert not permissions.can_tick(frozenset({"assigned_mentor"}), "active")


def _definition(project):
    from flask import current_app

    return current_app.extensions["workflow_catalog"].latest(project.workflow_key)

