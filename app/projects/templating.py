"""The workflow's words in templates (stages, statuses, history events), registered on the app by
the projects area: the engine knows no Flask and core knows no workflow."""

from __future__ import annotations

from flask import Flask
from flask import current_app

from app.core.errors import NotFound
from app.core.i18n import _l
from app.workflow.engine import status_label

#: History events the application records itself (the workflow's own events have their labels).
SYSTEM_EVENT_LABELS = {
    "create": _l("Project created"),
    "migrate_workflow": _l("Moved to a new version of the path"),
    "label": _l("Labelled through a call for projects"),
    "deliverable_done": _l("Deliverable ticked"),
    "deliverable_undone": _l("Deliverable unticked"),
    "evidence_added": _l("Evidence added"),
    "evidence_removed": _l("Evidence removed"),
}


def register(app: Flask) -> None:
    for helper in (status_label, stage_label, event_label, deliverable_label):
        app.add_template_global(helper)


def event_label(definition, name: str) -> str:
    """A history event's label in the reader's language."""
    if name in definition.events:
        return definition.events[name].label
    return str(SYSTEM_EVENT_LABELS.get(name, name))


def stage_label(workflow: str, stage: str | None) -> str:
    """A stage's label in the reader's language, from its workflow's file (its name when unknown)."""
    if not stage:
        return ""
    try:
        return current_app.extensions["workflow_catalog"].latest(workflow).stage(stage).label
    except (KeyError, NotFound):
        return stage


def deliverable_label(definition, stage: str | None, key: str | None) -> str:
    """A deliverable's title in the reader's language (its key when the stage no longer has it)."""
    if not key:
        return ""
    try:
        found = definition.stage(stage).deliverable(key)
    except KeyError:
        found = None
    return found.label if found is not None else key
