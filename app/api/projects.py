"""`/projects`: the path, seen and driven through the API."""

from __future__ import annotations

from flask import abort
from flask import current_app
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.spec import doc
from app.core.errors import ValidationFailed
from app.core.i18n import _l
from app.core.time import utcnow
from app.extensions import db
from app.projects import evidence
from app.projects import permissions
from app.projects import queries
from app.projects import services
from app.projects.models import DeliverableEvidence
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.notify import send_event_messages
from app.projects.overview import build_overview
from app.projects.storage import evidence_directory
from app.projects.storage import evidence_max_bytes

PROJECT_ERRORS = (403, 404)


def person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def summary_out(project: Project) -> dict:
    return schemas.ProjectSummaryOut(
        id=project.id, name=project.name, summary=project.summary, pole=project.pole_key,
        workflow=project.workflow_key, stage=project.stage, status=project.status, version=project.version,
        stage_entered_at=project.stage_entered_at, created_at=project.created_at, cohort_id=project.cohort_id,
    ).model_dump(mode="json")


def project_out(project: Project) -> dict:
    view = build_overview(db.session, project, current_user())
    return schemas.ProjectOut(
        id=project.id, name=project.name, summary=project.summary, pole=project.pole_key,
        workflow=project.workflow_key, workflow_version=project.workflow_version, stage=project.stage,
        status=project.status, version=project.version, gate_decision=project.gate_decision,
        stage_entered_at=project.stage_entered_at, created_at=project.created_at,
        founders=[person(u) for u in view.founders],
        mentors=[{"assignment_id": a.id, "mentor": person(a.mentor), "stage": a.stage} for a in view.mentors],
        deliverables=[{"key": d.definition.key, "title": d.definition.label, "required": d.definition.required,
                       "done": d.done, "note": d.note, "evidence": [evidence_out(e) for e in d.evidence]}
                      for d in view.deliverables],
        events=[{"event": o.event.name, "label": o.event.label, "allowed": o.allowed, "reasons": list(o.reasons),
                 "overridable": o.overridable, "comment_required": o.event.comment_required}
                for o in view.options],
        label=label_out(project), cohort_id=project.cohort_id,
        cohort={"id": project.cohort.id, "name": project.cohort.name} if project.cohort else None,
        review_requested_at=project.review_requested_at,
        review_requested_by=person(view.review_request.actor) if view.review_request else None,
        review_request_comment=view.review_request.comment if view.review_request else None,
    ).model_dump(mode="json")


def evidence_out(row: DeliverableEvidence) -> dict:
    download = (url_for("api.download_evidence", project_id=row.project_id, key=row.deliverable_key,
                        evidence_id=row.id) if row.kind == "file" else None)
    return schemas.EvidenceOut(
        id=row.id, kind=row.kind, name=row.name, at=row.added_at, deliverable=row.deliverable_key, stage=row.stage,
        url=row.url, download_url=download, size_bytes=row.size_bytes, content_type=row.content_type,
        comment=row.comment, by=person(row.added_by),
    ).model_dump(mode="json")


def label_out(project: Project) -> dict | None:
    from flask import url_for

    from app.calls.queries import label_of_project

    label = label_of_project(db.session, project.id)
    if label is None:
        return None
    return {"number": label.number, "labelled_on": label.labelled_on, "call_id": label.call_id,
            "call_title": label.call.title, "certificate_url": url_for("evaluation.certificate", number=label.number)}


def history_out(record: ProjectEvent) -> dict:
    return schemas.HistoryOut(
        event=record.event, from_stage=record.from_stage, to_stage=record.to_stage,
        from_status=record.from_status, to_status=record.to_status, actor=person(record.actor),
        comment=record.comment, override=record.is_override, at=record.at, subject=record.subject,
    ).model_dump(mode="json")


def visible(project_id: int) -> Project:
    return queries.get_visible_project(db.session, project_id, current_user())


@bp.get("/projects")
@doc("List the projects you may see", list_response=schemas.ProjectPage, errors=(400,),
     query=params.ProjectListQuery, tag="projects")
@authenticated
def list_projects():
    args = params.query_args()
    filters = queries.ProjectFilters(stage=args.stage, pole=args.pole, status=args.status, workflow=args.workflow,
                                     q=args.q, cohort=args.cohort)
    stmt = queries.select_projects(current_user(), filters, sort=args.sort)
    return paginated(stmt, summary_out)


@bp.post("/projects")
@doc("Create a project at the first stage of its workflow", body=schemas.ProjectIn,
     response=schemas.ProjectOut, status=201, errors=(403,), tag="projects")
@authenticated
def create_project():
    if not permissions.can_create_project(current_user()):
        abort(403, _("Only founders and managers create projects."))  # before reading the body
    data = json_body(schemas.ProjectIn)
    project = services.create_project(
        db.session, name=data.name, summary=data.summary, pole=data.pole, workflow=data.workflow,
        default_workflow=current_app.config["DEFAULT_WORKFLOW"], actor=current_user(), now=utcnow())
    db.session.commit()
    return project_out(project), 201


@bp.get("/projects/<int:project_id>")
@doc("One project, with the events you may fire", response=schemas.ProjectOut, errors=(404,), tag="projects")
@authenticated
def get_project(project_id: int):
    return project_out(visible(project_id))


@bp.patch("/projects/<int:project_id>")
@doc("Edit a project's details, and its cohort (managers: one of the project's workflow)",
     body=schemas.ProjectPatch, response=schemas.ProjectOut, errors=(403, 404, 409), tag="projects")
@authenticated
def patch_project(project_id: int):
    project = visible(project_id)
    data = json_body(schemas.ProjectPatch)
    # An absent `cohort_id` keeps the project's cohort; `null` takes it out of any.
    cohort_id = data.cohort_id if "cohort_id" in data.model_fields_set else services.KEEP
    services.update_project(db.session, project, version=data.version, actor=current_user(), now=utcnow(),
                            name=data.name, summary=data.summary, pole=data.pole, cohort_id=cohort_id)
    db.session.commit()
    return project_out(project)


@bp.post("/projects/<int:project_id>/events")
@doc("Fire a workflow event", body=schemas.EventIn, response=schemas.ProjectOut,
     errors=(404, 409), tag="projects")
@authenticated
def fire_event(project_id: int):
    project = visible(project_id)
    data = json_body(schemas.EventIn)
    now = utcnow()
    record = services.fire_event(db.session, project, data.event, actor=current_user(), now=now,
                                 version=data.version, comment=data.comment, override=data.override)
    send_event_messages(db.session, project, record, now=now)
    # The answer is read inside the transaction, from the state the commit makes durable: after
    # the commit every loaded row would be expired and read again.
    answer = project_out(project)
    db.session.commit()
    return answer


@bp.get("/projects/<int:project_id>/history")
@doc("Every event of the project, oldest first", list_response=schemas.HistoryPage, errors=(404,),
     query=params.PageQuery, tag="projects")
@authenticated
def project_history(project_id: int):
    project = visible(project_id)
    return paginated(queries.select_history(project), history_out)


@bp.put("/projects/<int:project_id>/deliverables/<key>")
@doc("Tick or untick a deliverable of the current stage", body=schemas.DeliverableIn,
     response=schemas.DeliverableOut, errors=(403, 404, 409), tag="projects")
@authenticated
def put_deliverable(project_id: int, key: str):
    project = visible(project_id)
    data = json_body(schemas.DeliverableIn)
    row = services.set_deliverable(db.session, project, key, done=data.done, note=data.note,
                                   version=data.version, actor=current_user(), now=utcnow())
    db.session.commit()
    definition = services.definition_of(db.session, project).stage(project.stage).deliverable(key)
    return schemas.DeliverableOut(key=key, title=definition.label, required=definition.required,
                                  done=row.is_done, note=row.note).model_dump(mode="json")


@bp.post("/projects/<int:project_id>/deliverables/<key>/evidence")
@doc("Attach evidence to a deliverable of the current stage (members, managers): a file as multipart/form-data "
     "(`file`, `comment`; PDF, office document or image, checked by content, size-limited) or a link as JSON",
     body=schemas.EvidenceLinkIn, multipart=schemas.EvidenceFileIn, response=schemas.EvidenceOut, status=201,
     errors=(403, 404, 409), tag="projects")
@authenticated
def add_evidence(project_id: int, key: str):
    project = visible(project_id)
    if not permissions.can_edit(queries.relations(db.session, project, current_user())):
        abort(403, _("Only the project's team and managers add evidence."))  # before reading the body
    if request.mimetype == "multipart/form-data":
        # Set before anything reads the body: a file may exceed the app-wide limit (413 past this one).
        request.max_content_length = evidence_max_bytes() + 64 * 1024
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            message = _l("Attach the file as the multipart field `file`.")
            raise ValidationFailed(message, file=[message])
        row = evidence.add_file(db.session, project, key, data=upload.stream.read(evidence_max_bytes() + 1),
                                filename=upload.filename, comment=request.form.get("comment", ""),
                                actor=current_user(), now=utcnow(), directory=evidence_directory(),
                                max_bytes=evidence_max_bytes())
    else:
        data = json_body(schemas.EvidenceLinkIn)
        row = evidence.add_link(db.session, project, key, url=data.url, comment=data.comment, actor=current_user(),
                                now=utcnow())
    answer = evidence_out(row)
    db.session.commit()
    return answer, 201


def visible_evidence(project_id: int, key: str, evidence_id: int) -> tuple[Project, DeliverableEvidence]:
    project = visible(project_id)
    row = queries.get_evidence(db.session, project, evidence_id)
    if row.deliverable_key != key:
        abort(404, _("No such evidence."))
    return project, row


@bp.get("/projects/<int:project_id>/deliverables/<key>/evidence/<int:evidence_id>")
@doc("Download an evidence file (always as an attachment)", errors=(404,), tag="projects")
@authenticated
def download_evidence(project_id: int, key: str, evidence_id: int):
    _, row = visible_evidence(project_id, key, evidence_id)
    if row.kind != "file":
        abort(404, _("This evidence is a link, not a file."))
    path = evidence.path_of(evidence_directory(), row.storage_name)
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.name, max_age=0,
                         etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.delete("/projects/<int:project_id>/deliverables/<key>/evidence/<int:evidence_id>")
@doc("Remove evidence (who added it, managers); refused (409) once a gate decision saw it", status=204,
     errors=(403, 404, 409, 422), tag="projects")
@authenticated
def delete_evidence(project_id: int, key: str, evidence_id: int):
    project, row = visible_evidence(project_id, key, evidence_id)
    stored = evidence.remove(db.session, project, row, actor=current_user(), now=utcnow())
    db.session.commit()
    evidence.discard(evidence_directory(), stored)
    return "", 204
