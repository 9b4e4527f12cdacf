"""Project pages: the list, creation, the project's overview and tabs, and its actions."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.core import blocks
from app.core.errors import DomainError
from app.core.errors import NotFound
from app.core.errors import TransitionNotAllowed
from app.core.forms import choices
from app.core.forms import one_write
from app.core.problems import http_status
from app.core.time import utcnow
from app.extensions import csrf
from app.extensions import db
from app.projects import evidence
from app.projects import panels
from app.projects import params
from app.projects import permissions
from app.projects import queries
from app.projects import services
from app.projects.access import load_visible
from app.projects.forms import DeliverableForm
from app.projects.forms import EventForm
from app.projects.forms import EvidenceForm
from app.projects.forms import EvidenceRemoveForm
from app.projects.forms import ProjectForm
from app.projects.models import Project
from app.projects.notify import send_event_messages
from app.projects.overview import build_overview
from app.projects.storage import evidence_directory
from app.projects.storage import evidence_max_bytes
from app.workflow.catalog import catalog_of
from app.workflow.definition import STATUSES

bp = Blueprint("projects", __name__, url_prefix="/projects")
PER_PAGE = 20
#: Events, gate decisions and advice sessions a project tab lists (the latest), unless `?all=1`.
PAGE_ROWS = 20
#: Events the overview lists (the history tab has them all).
LATEST_EVENTS = 5


def project_form(project: Project | None = None, relations: frozenset[str] = frozenset(), **kwargs) -> ProjectForm:
    """The project form; on an existing project, managers also choose its cohort (one of its path)."""
    form = ProjectForm(**kwargs)
    form.pole.choices = choices((p.key, p.name) for p in queries.list_poles(db.session))
    form.workflow.choices = choices((d.key, d.label) for d in catalog_of(db.session).all_latest())
    if project is not None and permissions.can_set_cohort(relations):
        cohorts = queries.list_cohorts(db.session, project.workflow_key)
        form.cohort_id.choices = choices([("", _("No cohort")), *((str(c.id), c.name) for c in cohorts)])
    else:
        del form.cohort_id
    return form


@bp.get("")
@login_required
def index():
    filters, sort = params.list_filters(request.args), request.args.get("sort", params.DEFAULT_SORT)
    total = queries.count_projects(db.session, current_user, filters)
    page = db.paginate(queries.select_projects(current_user, filters, sort), per_page=PER_PAGE, error_out=False,
                       count=total is None)
    if total is not None:  # the counters' sum: counting every visible project grew with the portfolio
        page.total = total
    # A founder's next step comes first (what blocks the next stage, the next check-in, their action items).
    attention = (blocks.build("attention", db.session, current_user, utcnow()) if current_user.role == "founder"
                 else None)
    return render_template(
        "projects/index.html", page=page, filters=filters, sort=sort, poles=queries.list_poles(db.session),
        attention=attention,
        workflows=catalog_of(db.session).all_latest(), statuses=STATUSES,
        cohorts=queries.list_cohorts(db.session) if current_user.is_manager else [],
        can_create=permissions.can_create_project(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    if not permissions.can_create_project(current_user):
        abort(403)
    form = project_form(workflow=current_app.config["DEFAULT_WORKFLOW"])
    if form.validate_on_submit():
        with one_write(form) as write:
            project = services.create_project(
                db.session, name=form.name.data, summary=form.summary.data or "", pole=form.pole.data,
                workflow=form.workflow.data, default_workflow=current_app.config["DEFAULT_WORKFLOW"],
                actor=current_user, now=utcnow())
        if write.ok:
            flash(_("Project “%(name)s” created.", name=project.name), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/create.html", form=form), 422 if form.errors else 200


@bp.get("/<int:project_id>")
@login_required
def detail(project_id: int):
    """The overview: path, deliverables, what the reader can do now, the team, the latest events.
    The rest of the project has a tab each, so this page stays light however long its history."""
    project = load_visible(project_id)
    view = build_overview(db.session, project, current_user)
    panel = _panel_request(project, view.relations)
    return render_template(
        "projects/detail.html", view=view, team=panels.build("team", panel), label=panels.build("label", panel),
        members=panels.build("members", panel),
        can_edit=permissions.can_edit(view.relations), evidence_form=EvidenceForm(), remove_form=EvidenceRemoveForm(),
        evidence_max_mb=f"{evidence_max_bytes() / (1024 * 1024):g}",
        history=list(reversed(queries.list_history(db.session, project, LATEST_EVENTS))),
    )


def _opened(project_id: int) -> tuple[Project, frozenset[str]]:
    """A tab's project (404 unless visible) and the reader's relations to it."""
    project = load_visible(project_id)
    return project, queries.relations(db.session, project, current_user)


def _tab(project: Project, relations: frozenset[str], template: str, **context):
    """A project tab: the header (title, status, tabs) and the tab's own content."""
    return render_template(template, p=project, definition=services.definition_of(db.session, project),
                           relations=relations, can_edit=permissions.can_edit(relations), **context)


def _panel_request(project: Project, relations: frozenset[str], shown: int | None = None) -> panels.PanelRequest:
    return panels.PanelRequest(session=db.session, project=project, user=current_user, relations=relations,
                               now=utcnow(), shown=shown)


def _shown() -> int | None:
    """How many of the latest rows a tab lists: `?all=1` lists everything; one row more than shown
    is read to tell whether there is more."""
    return None if request.args.get("all") == "1" else PAGE_ROWS


@bp.get("/<int:project_id>/sessions")
@login_required
def sessions(project_id: int):
    project, relations = _opened(project_id)
    mentoring = panels.build("mentoring", _panel_request(project, relations, _shown()))
    return _tab(project, relations, "projects/sessions.html", mentoring=mentoring, today=utcnow().date())


@bp.get("/<int:project_id>/history")
@login_required
def history(project_id: int):
    project, relations = _opened(project_id)
    shown = _shown()
    events = queries.list_history(db.session, project, None if shown is None else shown + 1)
    decisions = queries.list_gate_decisions(db.session, project, None if shown is None else shown + 1)
    return _tab(project, relations, "projects/history.html", history=events[-shown:] if shown else events,
                decisions=decisions[:shown], more_history=shown is not None and len(events) > shown,
                more_decisions=shown is not None and len(decisions) > shown)


@bp.get("/<int:project_id>/progress")
@login_required
def progress(project_id: int):
    project, relations = _opened(project_id)
    panel = _panel_request(project, relations)
    return _tab(project, relations, "projects/progress.html",
                readiness=panels.build("readiness", panel), kpis=panels.build("kpis", panel))


@bp.get("/<int:project_id>/partners")
@login_required
def partners(project_id: int):
    project, relations = _opened(project_id)
    return _tab(project, relations, "projects/partners.html",
                cluster=panels.build("cluster", _panel_request(project, relations)))


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = load_visible(project_id)
    relations = queries.relations(db.session, project, current_user)
    if not permissions.can_edit(relations):
        abort(403)
    form = project_form(project, relations, obj=project, pole=project.pole_key, version=project.version,
                        cohort_id=str(project.cohort_id or ""))
    if form.validate_on_submit():
        with one_write(form) as write:
            services.update_project(db.session, project, version=_int(form.version.data), actor=current_user,
                                    now=utcnow(), name=form.name.data, summary=form.summary.data or "",
                                    pole=form.pole.data,
                                    cohort_id=_int(form.cohort_id.data) if "cohort_id" in form else services.KEEP)
        if not write.ok:
            # 409 when someone else saved first, 422 for invalid fields: never a 200 for a refusal.
            return render_template("projects/edit.html", form=form, project=project), write.status
        flash(_("Project saved."), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/edit.html", form=form, project=project), 422 if form.errors else 200


@bp.post("/<int:project_id>/deliverables/<key>")
@login_required
def tick(project_id: int, key: str):
    project = load_visible(project_id)
    form = DeliverableForm()
    if not form.validate_on_submit():
        abort(400)
    with one_write() as write:
        services.set_deliverable(db.session, project, key, done=form.done.data, version=form.version.data,
                                 actor=current_user, now=utcnow())
    if not write.ok:
        return _refused(project_id, write.error)
    flash(_("Deliverable updated."), "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="deliverables"))


@bp.post("/<int:project_id>/events")
@login_required
def fire(project_id: int):
    project = load_visible(project_id)
    form = EventForm()
    if not form.validate_on_submit():
        flash(_("The form was incomplete: %(errors)s", errors=_flat(form.errors)), "error")
        return redirect(url_for("projects.detail", project_id=project_id))
    event = services.definition_of(db.session, project).events.get(form.event.data)
    if event is not None and event.confirm and not request.form.get("confirm"):
        flash(_("Please confirm “%(event)s”: it cannot be undone.", event=event.label), "error")
        return redirect(url_for("projects.detail", project_id=project_id))
    with one_write() as write:
        now = utcnow()
        record = services.fire_event(db.session, project, form.event.data, actor=current_user, now=now,
                                     version=form.version.data, comment=form.comment.data or "",
                                     override=form.override.data)
        send_event_messages(db.session, project, record, now=now)
    if not write.ok:
        return _refused(project_id, write.error)
    flash(_("Done: %(event)s.", event=services.definition_of(db.session, project).events[record.event].label),
          "success")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/<int:project_id>/deliverables/<key>/evidence")
@csrf.exempt  # the form checks the token itself, once the larger body limit below is set
@login_required
def add_evidence(project_id: int, key: str):
    project = load_visible(project_id)
    # The app-wide body limit is small; a file may be larger (multipart adds a little overhead).
    # Nothing may read the body before this line: CSRFProtect's global check would, hence the exemption.
    request.max_content_length = evidence_max_bytes() + 64 * 1024
    try:
        form = EvidenceForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return _refused(project_id, evidence.EvidenceTooLarge(evidence_max_bytes()))
    if form.errors.get("csrf_token"):
        abort(400, form.errors["csrf_token"][0])
    if not valid:
        flash(_flat(form.errors), "error")
        return redirect(url_for("projects.detail", project_id=project_id, _anchor=f"evidence-{key}"), code=303)
    upload = form.file.data
    with one_write() as write:
        if upload is not None and upload.filename:
            evidence.add_file(db.session, project, key, data=upload.stream.read(evidence_max_bytes() + 1),
                              filename=upload.filename, comment=form.comment.data, actor=current_user, now=utcnow(),
                              directory=evidence_directory(), max_bytes=evidence_max_bytes())
        else:
            evidence.add_link(db.session, project, key, url=form.url.data, comment=form.comment.data,
                              actor=current_user, now=utcnow())
    if not write.ok:
        return _refused(project_id, write.error)
    flash(_("Evidence added."), "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor=f"evidence-{key}"))


@bp.post("/<int:project_id>/evidence/<int:evidence_id>/remove")
@login_required
def remove_evidence(project_id: int, evidence_id: int):
    project = load_visible(project_id)
    if not EvidenceRemoveForm().validate_on_submit():
        abort(400)
    with one_write(abort_on=(404,)) as write:
        row = queries.get_evidence(db.session, project, evidence_id)
        key = row.deliverable_key
        stored = evidence.remove(db.session, project, row, actor=current_user, now=utcnow())
    if not write.ok:
        return _refused(project_id, write.error)
    evidence.discard(evidence_directory(), stored)
    flash(_("Evidence removed."), "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor=f"evidence-{key}"))


@bp.get("/<int:project_id>/evidence/<int:evidence_id>")
@login_required
def download_evidence(project_id: int, evidence_id: int):
    """Serve an evidence file, as a download, to those who see the project (others get a 404)."""
    project = load_visible(project_id)
    try:
        row = queries.get_evidence(db.session, project, evidence_id)
        path = evidence.path_of(evidence_directory(), row.storage_name)
    except NotFound:
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.name, max_age=0,
                         etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _refused(project_id: int, exc: DomainError):
    """Explain a refused action on the project page; nothing was saved (`one_write` rolled it back)."""
    if http_status(exc) == 403:
        abort(403)
    if http_status(exc) == 404:
        abort(404)
    message = exc.text
    if isinstance(exc, TransitionNotAllowed) and exc.reasons:
        message = f"{exc.text} " + " ".join(exc.reason_texts())
    flash(message, "error")
    # 303: the browser follows with a GET and the page shows the flash and the current state.
    return redirect(url_for("projects.detail", project_id=project_id), code=303)


def _flat(errors: dict) -> str:
    return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items())


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
