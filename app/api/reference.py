"""`/poles` and `/workflows`: the reference data projects are built on."""

from __future__ import annotations

from app.api import bp
from app.api import schemas
from app.api.auth import authenticated
from app.api.spec import doc
from app.extensions import db
from app.projects import queries
from app.workflow.catalog import catalog_of
from app.workflow.definition import WorkflowDefinition


@bp.get("/poles")
@doc("The poles of excellence", tag="reference")
@authenticated
def list_poles():
    return [schemas.PoleOut(key=p.key, name=p.name).model_dump() for p in queries.list_poles(db.session)]


@bp.get("/workflows")
@doc("Every workflow definition (latest versions)", tag="reference")
@authenticated
def list_workflows():
    return [workflow_out(d) for d in catalog_of(db.session).all_latest()]


@bp.get("/workflows/<key>")
@doc("One workflow definition", response=schemas.WorkflowOut, errors=(404,), tag="reference")
@authenticated
def get_workflow(key: str):
    return workflow_out(catalog_of(db.session).latest(key))


def workflow_out(definition: WorkflowDefinition) -> dict:
    stages = [
        schemas.StageOut(
            name=s.name, label=s.label, checkin_every_days=s.checkin_every_days, expected_days=s.expected_days,
            deliverables=[schemas.DeliverableDefOut(key=d.key, title=d.label, required=d.required)
                          for d in s.deliverables],
        )
        for s in definition.stages
    ]
    events = [
        schemas.EventDefOut(
            name=e.name, label=e.label, roles=list(e.roles), gates=list(e.gates),
            comment_required=e.comment_required, from_status=list(e.from_statuses), to_status=e.to_status,
            gate_decision=e.gate_decision, override_roles=list(e.override_roles),
            transitions=[{"source": list(t.sources), "dest": t.dest} for t in definition.transitions_for(e.name)],
            requests_review=e.requests_review,
            notifies={"kind": e.notifies.kind, "roles": list(e.notifies.roles)} if e.notifies else None,
        )
        for e in definition.events.values()
    ]
    return schemas.WorkflowOut(key=definition.key, version=definition.version, label=definition.label,
                               initial=definition.initial, stages=stages, events=events).model_dump(mode="json")
