"""Calls for projects and applications: the public list, a call's page, opening a call, writing,
attaching a deck and submitting an application. Reviews, the ranking, decisions and label
certificates are the `evaluation` blueprint (`app.calls.evaluation_views`)."""

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

from app.auth.decorators import role_required
from app.calls import decks
from app.calls import lifecycle
from app.calls import permissions
from app.calls import queries
from app.calls import services
from app.calls.forms import ApplicationForm
from app.calls.forms import CallChangeForm
from app.calls.forms import CallCohortForm
from app.calls.forms import CallForm
from app.calls.forms import DeckForm
from app.calls.forms import StartForm
from app.calls.forms import SubmitForm
from app.calls.forms import call_rows
from app.calls.models import Application
from app.calls.notify import call_changed_messages
from app.calls.overview import build_page
from app.calls.params import deck_body_max_bytes
from app.calls.params import deck_directory
from app.calls.params import deck_max_bytes
from app.calls.web import load_application
from app.calls.web import load_call
from app.calls.web import refused
from app.calls.web import viewer
from app.cluster import queries as cluster_queries
from app.core.bounds import whole_number
from app.core.dates import format_date
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.core.forms import choices
from app.core.forms import error_list
from app.core.forms import one_write
from app.core.time import utcnow
from app.extensions import csrf
from app.extensions import db
from app.notifications import services as notifications
from app.projects import panels
from app.projects import queries as project_queries
from app.workflow.catalog import catalog_of

bp = Blueprint("calls", __name__)


# The project page shows the label a call gave it (read by the page's view, not by its template).
panels.provide(bp, "label", lambda r: queries.label_of_project(r.session, r.project.id))


@bp.get("/calls")
def index():
    """Open calls for everyone; `?all=1` adds the calls a signed-in user follows (past, coming)."""
    show_all = bool(request.args.get("all")) and viewer() is not None
    calls = db.session.scalars(queries.select_calls(viewer(), utcnow(), open_only=not show_all)).all()
    return render_template("calls/index.html", calls=calls, show_all=show_all, now=utcnow(),
                           can_manage=viewer() is not None and permissions.can_manage_calls(current_user))


def call_form(*, with_cohort: bool = False, **kwargs) -> CallForm:
    form = CallForm(**kwargs)
    form.poles.choices = choices((p.key, p.name) for p in project_queries.list_poles(db.session))
    form.stage.choices = choices((f"{d.key}:{s.name}", f"{d.label} — {s.label}")
                                 for d in catalog_of(db.session).all_latest() for s in d.stages)
    if with_cohort:
        form.cohort_id.choices = cohort_choices()
    else:
        del form.cohort_id  # a call's cohort changes on its page
    return form


def grid_refused(form: CallForm) -> bool:
    """Check the grid's rows even when other fields are wrong, so every error shows at once."""
    problems = services.check_grid(form.criterion_inputs(), form.question_inputs())
    form.criteria_problems.errors = [str(m) for m in problems.get("criteria", [])]
    form.questions_problems.errors = [str(m) for m in problems.get("questions", [])]
    return bool(problems)


def call_fields(form: CallForm) -> dict:
    workflow, _sep, stage = (form.stage.data or "").partition(":")
    return {"title": form.title.data, "description": form.description.data or "", "poles": form.poles.data,
            "opens_on": form.opens_on.data, "closes_on": form.closes_on.data, "criteria": form.criterion_inputs(),
            "questions": form.question_inputs(), "workflow": workflow, "stage": stage,
            "requires_deck": form.requires_deck.data}


def confirmation(call) -> str:
    """What is true of the new call: scheduled to open on a day, or open until a day."""
    if call.status(utcnow()) == "draft":
        return _("Call “%(title)s” saved: scheduled to open on %(date)s. You can edit it until then.",
                 title=call.title, date=format_date(call.opens_on, "long"))
    return _("Call “%(title)s” is open until %(date)s.", title=call.title, date=format_date(call.closes_on, "long"))


def save_call(form: CallForm, write_call) -> bool:
    """Validate every field and row at once, then make the one write; False when refused or a row button."""
    if form.row_action(request.form.get("row")):
        return False
    valid = form.validate_on_submit()
    if grid_refused(form) or not valid:
        return False
    with one_write(form, field_names=lambda name: PROBLEMS.get(name, name)) as write:
        write_call(**call_fields(form))
    return write.ok


@bp.route("/calls/new", methods=["GET", "POST"])
@role_required("manager")
def create():
    form = call_form(with_cohort=True)
    created = []
    if request.method == "POST" and save_call(form, lambda **fields: created.append(services.create_call(
            db.session, actor=current_user, now=utcnow(), timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
            cohort_id=_int(form.cohort_id.data), **fields))):
        flash(confirmation(created[0]), "success")
        return redirect(url_for("calls.detail", call_id=created[0].id))
    return render_template("calls/create.html", form=form), 422 if error_list(form) else 200


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@role_required("manager")
def edit(call_id: int):
    """Change a call that is not open yet (a draft)."""
    call = load_call(call_id)
    if request.method == "GET":
        form = call_form(data={**call_rows(call), "title": call.title, "description": call.description,
                               "poles": call.pole_keys, "opens_on": call.opens_on, "closes_on": call.closes_on,
                               "stage": f"{call.workflow_key}:{call.stage}", "requires_deck": call.requires_deck,
                               "version": call.version})
    else:
        form = call_form()
        if save_call(form, lambda **fields: lifecycle.update_call(
                db.session, call, actor=current_user, now=utcnow(), version=_int(form.version.data), **fields)):
            flash(_("Call “%(title)s” saved.", title=call.title), "success")
            return redirect(url_for("calls.detail", call_id=call.id))
    return render_template("calls/edit.html", form=form, call=call), 422 if error_list(form) else 200


@bp.post("/calls/<int:call_id>/change")
@role_required("manager")
def change(call_id: int):
    """Extend, close early or withdraw a call (`action`); the applicants with a draft are told."""
    call = load_call(call_id)
    form = CallChangeForm()
    action = request.form.get("action")
    if action not in CHANGES or not form.validate_on_submit():
        return render_detail(call, change_form=form, status=422)
    now = utcnow()
    with one_write(form) as write:
        if action == "extend" and form.closes_on.data is None:
            raise ValidationFailed(_("Give the new last day."), closes_on=[_("Give the new last day.")])
        args = {"closes_on": form.closes_on.data} if action == "extend" else {}
        event = CHANGES[action](db.session, call, actor=current_user, now=now, reason=form.reason.data or "",
                                version=_int(form.version.data), **args)
        notifications.queue(db.session, call_changed_messages(db.session, call, event), now=now)
    if not write.ok:
        return render_detail(call, change_form=form, status=write.status)
    flash(CHANGE_DONE[action](call), "success")
    return redirect(url_for("calls.detail", call_id=call.id))


CHANGES = {"extend": lifecycle.extend_call, "close": lifecycle.close_call, "withdraw": lifecycle.withdraw_call}
CHANGE_DONE = {
    "extend": lambda c: _("The call is extended until %(date)s; applicants with a draft are told.",
                          date=format_date(c.closes_on, "long")),
    "close": lambda c: _("The call is closed; applicants with a draft are told."),
    "withdraw": lambda c: _("The call is withdrawn; applicants with a draft are told."),
}
#: The service's grid errors go to the form's row slots (see `CallForm`).
PROBLEMS = {"criteria": "criteria_problems", "questions": "questions_problems"}


def cohort_choices(workflow: str | None = None) -> list:
    """No cohort, or one of the cohorts (of `workflow`), for the call's labelled projects."""
    cohorts = project_queries.list_cohorts(db.session, workflow)
    return choices([("", _("No cohort")), *((str(c.id), c.name) for c in cohorts)])


@bp.get("/calls/<int:call_id>")
def detail(call_id: int):
    return render_detail(load_call(call_id))


def render_detail(call, *, change_form: CallChangeForm | None = None, status: int = 200):
    user = viewer()
    applications = db.session.scalars(queries.select_applications(user, call=call)).all() if user else []
    start = StartForm()
    start.pole.choices = choices((p.pole_key, p.pole.name) for p in call.poles)
    can_manage = user is not None and permissions.can_manage_calls(user)
    cohort_form = None
    if can_manage:
        cohort_form = CallCohortForm(cohort_id=str(call.cohort_id or ""))
        cohort_form.cohort_id.choices = cohort_choices(call.workflow_key)
    return render_template(
        "calls/detail.html", call=call, applications=applications, start_form=start, now=utcnow(),
        can_apply=user is not None and permissions.can_apply(user), can_manage=can_manage, cohort_form=cohort_form,
        status=call.status(utcnow()), change_form=change_form or CallChangeForm(version=call.version),
        empty_poles=[p.pole.name for p in call.poles if p.pole_key in queries.empty_commission_poles(db.session, call)]
        if can_manage else []), status


@bp.post("/calls/<int:call_id>/cohort")
@role_required("manager")
def set_cohort(call_id: int):
    call = load_call(call_id)
    form = CallCohortForm()
    form.cohort_id.choices = cohort_choices(call.workflow_key)
    if not form.validate_on_submit():
        flash(_("Choose one of the cohorts of the call's path."), "error")
        return redirect(url_for("calls.detail", call_id=call_id), code=303)
    with one_write() as write:
        services.set_call_cohort(db.session, call, _int(form.cohort_id.data), actor=current_user)
    if not write.ok:
        flash(write.error.text, "error")
        return redirect(url_for("calls.detail", call_id=call_id), code=303)
    flash(_("The call's cohort is saved: the projects it labels from now on join it."), "success")
    return redirect(url_for("calls.detail", call_id=call_id))


@bp.post("/calls/<int:call_id>/apply")
@login_required
def apply(call_id: int):
    call = load_call(call_id)
    form = StartForm()
    form.pole.choices = choices((p.pole_key, p.pole.name) for p in call.poles)
    if not form.validate_on_submit():
        flash(_("Give your project a title and choose a pole."), "error")
        return redirect(url_for("calls.detail", call_id=call_id), code=303)
    with one_write(abort_on=(403,)) as write:
        application = services.create_application(db.session, call, actor=current_user, now=utcnow(),
                                                   title=form.title.data, pole=form.pole.data)
    if not write.ok:
        flash(write.error.text, "error")
        return redirect(url_for("calls.detail", call_id=call_id), code=303)
    flash(_("Your draft is saved. Complete it and submit it before the deadline."), "success")
    return redirect(url_for("calls.application", application_id=application.id))


@bp.get("/applications")
@login_required
def mine():
    """Applicants: their applications. Reviewers: those of their poles. Managers: all."""
    page = db.paginate(queries.select_applications(current_user), per_page=30, error_out=False)
    return render_template("calls/applications.html", page=page)


def application_form(application: Application, **kwargs) -> ApplicationForm:
    form = ApplicationForm(**kwargs)
    form.pole.choices = choices((p.pole_key, p.pole.name) for p in application.call.poles)
    return form


def render_application(application: Application, status: int = 200, form: ApplicationForm | None = None):
    """The application page; after a refused save, the form and answers as the user typed them."""
    page = build_page(db.session, application, current_user, now=utcnow(),
                      reviewer_search=request.args.get("reviewer", "").strip()[:100])
    if form is None:
        form = application_form(application, obj=application, pole=application.pole_key, version=application.version)
        answers = application.answers
    else:
        answers = {q["key"]: request.form.get(f"answer_{q['key']}", "") for q in application.call.questions}
    organisations = db.session.scalars(cluster_queries.select_organisations()).all() if page.can_edit else []
    return render_template("calls/application.html", page=page, form=form, answers=answers,
                           submit_form=SubmitForm(version=application.version), organisations=organisations,
                           max_mb=deck_max_bytes() // (1024 * 1024), max_bytes=deck_max_bytes(), now=utcnow()), status


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
@csrf.exempt  # the form checks the token itself, once the larger body limit below is set
@login_required
def application(application_id: int):
    """Read the application; its applicant saves the draft here, with the pitch deck in the same submit
    (an upload never loses what was typed)."""
    found = load_application(application_id)
    if request.method == "GET":
        return render_application(found)
    request.max_content_length = deck_body_max_bytes()  # a deck may come with the answers
    try:
        form = application_form(found)
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return refused(decks.DeckTooLarge(deck_max_bytes()), application_id)
    if form.errors.get("csrf_token"):
        abort(400, form.errors["csrf_token"][0])
    if not valid:
        return render_application(found, 422, form=form)
    answers = {q["key"]: request.form.get(f"answer_{q['key']}", "") for q in found.call.questions}
    upload, replaced = form.deck.data, None
    with one_write(form, abort_on=(403, 404), field_names=answer_field) as write:
        services.update_application(
            db.session, found, actor=current_user, now=utcnow(), version=_int(form.version.data),
            title=form.title.data, summary=form.summary.data or "", pole=form.pole.data, answers=answers)
        if upload and upload.filename:
            checked = decks.check_deck(upload.stream.read(deck_max_bytes() + 1), upload.filename,
                                       max_bytes=deck_max_bytes())
            replaced = services.attach_deck(db.session, found, checked, actor=current_user, now=utcnow(),
                                            directory=deck_directory())
    if not write.ok:
        return render_application(found, write.status, form=form)
    decks.discard(deck_directory(), replaced)
    flash(_("Draft and pitch deck saved.") if upload and upload.filename else _("Draft saved."), "success")
    return redirect(url_for("calls.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/partners")
@login_required
def partners(application_id: int):
    """Add a partner organisation (`organisation_id`, `role`) or remove one (`remove`)."""
    found = load_application(application_id)
    current = [services.PartnerInput(p.organisation_id, p.role) for p in found.partners]
    removed = _int(request.form.get("remove"))
    added = _int(request.form.get("organisation_id"))
    if removed is not None:
        wanted = [p for p in current if p.organisation_id != removed]
    elif added is not None:
        role = request.form.get("role") or "other"
        wanted = [p for p in current if p.organisation_id != added] + [services.PartnerInput(added, role)]
    else:
        abort(400)
    with one_write() as write:
        services.update_application(db.session, found, actor=current_user, now=utcnow(),
                                    version=_int(request.form.get("version")), partners=wanted)
    if not write.ok:
        return refused(write.error, application_id)
    flash(_("Partners updated."), "success")
    return redirect(url_for("calls.application", application_id=application_id, _anchor="partners"))


@bp.post("/applications/<int:application_id>/deck")
@csrf.exempt  # the form checks the token itself, once the larger body limit below is set
@login_required
def upload_deck(application_id: int):
    found = load_application(application_id)
    # The app-wide body limit is small; a deck may be larger (multipart adds a little overhead).
    # Nothing may read the body before this line: CSRFProtect's global check would, hence the exemption.
    request.max_content_length = deck_body_max_bytes()
    try:
        form = DeckForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return refused(decks.DeckTooLarge(deck_max_bytes()), application_id)
    if form.errors.get("csrf_token"):
        abort(400, form.errors["csrf_token"][0])
    if not valid:
        flash(_("Choose a PDF file."), "error")
        return redirect(url_for("calls.application", application_id=application_id), code=303)
    upload = form.deck.data
    with one_write() as write:
        checked = decks.check_deck(upload.stream.read(deck_max_bytes() + 1), upload.filename,
                                   max_bytes=deck_max_bytes())
        replaced = services.attach_deck(db.session, found, checked, actor=current_user, now=utcnow(),
                                        directory=deck_directory())
    if not write.ok:
        return refused(write.error, application_id)
    decks.discard(deck_directory(), replaced)
    flash(_("Pitch deck attached."), "success")
    return redirect(url_for("calls.application", application_id=application_id))


@bp.get("/applications/<int:application_id>/deck")
@login_required
def download_deck(application_id: int):
    """Serve the deck to those who may read the application (others get a 404)."""
    found = load_application(application_id)
    if found.deck is None:
        abort(404)
    try:
        path = decks.path_of(deck_directory(), found.deck.storage_name)
    except NotFound:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=found.deck.filename,
                     max_age=0, etag=False)


@bp.post("/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    found = load_application(application_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    with one_write() as write:
        services.submit_application(db.session, found, actor=current_user, now=utcnow(),
                                    version=_int(form.version.data))
    if not write.ok:
        return refused(write.error, application_id)
    flash(_("Application submitted. The commission of the pole will review it."), "success")
    return redirect(url_for("calls.application", application_id=application_id))


def answer_field(name: str) -> str:
    """The answers' messages go to the form's slot above the questions."""
    return "answers_problems" if name == "answers" else name


def _int(value) -> int | None:
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        return None
