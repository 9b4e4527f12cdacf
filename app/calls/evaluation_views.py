"""Evaluating applications on the web: a reviewer's form, the manager's ranking and decision,
and the label certificate (PDF)."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.auth.decorators import role_required
from app.auth.models import User
from app.calls import evaluation
from app.calls import queries
from app.calls.certificate import CertificateText
from app.calls.certificate import build_certificate
from app.calls.forms import SCORES
from app.calls.forms import DecisionForm
from app.calls.forms import ReviewForm
from app.calls.notify import outcome_message
from app.calls.overview import build_page
from app.calls.web import load_application
from app.calls.web import load_call
from app.calls.web import refused
from app.core.branding import branding
from app.core.dates import format_date
from app.core.errors import NotFound
from app.core.forms import one_write
from app.core.i18n import current_language
from app.core.time import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.projects import queries as project_queries

bp = Blueprint("evaluation", __name__)


@bp.route("/applications/<int:application_id>/review", methods=["GET", "POST"])
@login_required
def review(application_id: int):
    """A reviewer scores each criterion (1–5) with comments, or declares a conflict of interest."""
    found = load_application(application_id)
    page = build_page(db.session, found, current_user, now=utcnow())
    if not (page.can_review or page.my_review or page.can_see_reviews):
        abort(403)
    form, errors = ReviewForm(), {}
    if request.method == "POST" and form.validate_on_submit():
        criteria = found.call.criteria
        scores = {c.key: _int(request.form.get(f"score_{c.key}")) for c in criteria}
        with one_write(abort_on=(403, 404)) as write:
            evaluation.submit_review(
                db.session, found, actor=current_user, now=utcnow(), conflict=form.conflict.data,
                scores={k: v for k, v in scores.items() if v is not None}, comment=form.comment.data or "",
                comments={c.key: request.form.get(f"comment_{c.key}", "") for c in criteria})
        if not write.ok:
            # The scores' errors are shown beside each criterion (the form has no field for them).
            errors = write.error.field_errors()
            form.comment.errors = list(form.comment.errors) + errors.pop("comment", [])
            errors = errors or {"review": [write.error.text]}
        else:
            if form.conflict.data:
                flash(_("Your conflict of interest is recorded: this application is no longer shown to you."), "info")
                return redirect(url_for("calls.detail", call_id=found.call_id))
            flash(_("Review sent. You can now read the other reviews."), "success")
            return redirect(url_for("evaluation.review", application_id=application_id))
    status = 422 if form.errors or errors else 200
    return render_template("calls/review.html", page=page, form=form, scores=SCORES, errors=errors), status


@bp.get("/calls/<int:call_id>/ranking")
@role_required("manager")
def ranking(call_id: int):
    call = load_call(call_id)
    return render_template("calls/ranking.html", call=call, rows=queries.ranking(db.session, call))


@bp.post("/applications/<int:application_id>/decision")
@role_required("manager")
def decide(application_id: int):
    found = load_application(application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision."), "error")
        return redirect(url_for("calls.application", application_id=application_id), code=303)
    now = utcnow()
    with one_write() as write:
        decision = evaluation.decide(db.session, found, form.decision.data, actor=current_user, now=now,
                                     comment=form.comment.data or "", version=_int(form.version.data))
        notifications.queue(db.session, [outcome_message(decision)], now=now)
    if not write.ok:
        return refused(write.error, application_id)
    if decision.label is not None:
        flash(_("Labelled %(number)s: the project is on the path.", number=decision.label.number), "success")
        return redirect(url_for("projects.detail", project_id=decision.project.id))
    flash(_("Decision recorded; the applicant is told by email and in the app."), "success")
    return redirect(url_for("calls.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/reviewers")
@role_required("manager")
def assign_reviewer(application_id: int):
    """Add a reviewer to this application, beyond the commission of its pole."""
    found = load_application(application_id)
    reviewer = db.session.get(User, _int(request.form.get("reviewer_id")) or 0)
    if reviewer is None:
        flash(_("Choose a reviewer."), "error")
        return redirect(url_for("calls.application", application_id=application_id, _anchor="reviewers"), code=303)
    with one_write() as write:
        evaluation.assign_reviewer(db.session, found, reviewer, actor=current_user, now=utcnow())
    if not write.ok:
        return refused(write.error, application_id)
    flash(_("%(name)s now reviews this application.", name=reviewer.name), "success")
    return redirect(url_for("calls.application", application_id=application_id, _anchor="reviewers"), code=303)


@bp.get("/labels/<number>.pdf")
@login_required
def certificate(number: str):
    """The label certificate, for those who may see the labelled project."""
    try:
        label = queries.get_label(db.session, number)
        project = project_queries.get_visible_project(db.session, label.project_id, current_user)
    except NotFound:
        abort(404)
    text = CertificateText(
        heading=_("Certificate of label"),
        intro=_("The innovation cluster awards its label to the project"),
        project=project.name,
        body=_("selected through the call for projects “%(call)s”, in the pole %(pole)s.", call=label.call.title,
               pole=project.pole.name),
        number_line=_("Label number: %(number)s", number=label.number),
        date_line=_("Labelled on %(date)s", date=format_date(label.labelled_on, "long")),
        footer=_("Parcours — check this label with the cluster under its number."))
    pdf = build_certificate(text, title=f"{label.number} — {project.name}", brand=branding(current_app.config),
                            language=current_language())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{label.number}.pdf"', "Cache-Control": "private, no-store"})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
