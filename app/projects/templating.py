"""The workflow's words in templates (stages, statuses, history events), registered on the app by
the projects area: the engine knows no Flask and core knows no workflow."""

from __future__ import annotations

from flask import Flask
from flask import current_app

from app.core.errors import NotFound
from app.core.i18n import _l
from app.workflow.definition import STATUSES
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
#: The history's sentences of those events, in the past tense like the workflows' `history`.
SYSTEM_EVENT_HISTORY = {
    "create": _l("Project created by %(actor)s"),
    "migrate_workflow": _l("Moved to a new version of the path by %(actor)s"),
    "label": _l("Labelled through a call for projects by %(actor)s"),
    "deliverable_done": _l("Deliverable ticked by %(actor)s"),
    "deliverable_undone": _l("Deliverable unticked by %(actor)s"),
    "evidence_added": _l("Evidence added by %(actor)s"),
    "evidence_removed": _l("Evidence removed by %(actor)s"),
}


def register(app: Flask) -> None:
    for helper in (status_label, status_labels, stage_label, event_label, history_label, deliverable_label):
        app.add_template_global(helper)


def status_labels() -> dict[str, str]:
    """Every status's name in the reader's language, translated once for a list that repeats them
    (a board's two hundred cards)."""
    return {status: status_label(status) for status in STATUSES}


def event_label(definition, name: str) -> str:
    """A history event's label in the reader's language."""
    if name in definition.events:
        return definition.events[name].label
    return str(SYSTEM_EVENT_LABELS.get(name, name))


def history_label(definition, name: str, actor) -> str:
    """What happened, in the past tense and naming who did it ("Mis en pause par Omar"): the
    workflow's `history` sentence, else a generic one around the event's label."""
    who = actor.name if actor is not None else str(_l("someone"))
    event = definition.events.get(name)
    sentence = event.history(who) if event is not None else None
    if sentence:
        return sentence
    if name in SYSTEM_EVENT_HISTORY:
        return str(SYSTEM_EVENT_HISTORY[name]) % {"actor": who}
    return str(_l("%(actor)s did “%(event)s”", actor=who, event=event_label(definition, name)))


def stage_label(workflow: str | None, stage: str | None) -> str:
    """A stage's label in the reader's language, from its workflow's file (its name when unknown);
    without a workflow (totals across paths), the first path that has a stage of that name."""
    if not stage:
        return ""
    catalog = current_app.extensions["workflow_catalog"]
    try:
        if workflow is None:
            return next(d.stage(stage).label for d in catalog.all_latest() if stage in d.stage_names)
        return catalog.latest(workflow).stage(stage).label
    except (KeyError, NotFound, StopIteration):
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
