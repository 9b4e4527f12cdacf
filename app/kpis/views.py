"""KPI report pages: one report (give or correct its figures, see its trail) and the managers' list."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.auth.decorators import role_required
from app.core.errors import NotFound
from app.core.forms import one_write
from app.core.time import utcnow
from app.extensions import db
from app.kpis import permissions
from app.kpis import queries
from app.kpis import services
from app.kpis.forms import report_form
from app.kpis.models import plain
from app.kpis.overview import build_panel
from app.projects import panels
from app.projects import queries as project_queries
from app.projects.access import load_visible

bp = Blueprint("kpis", __name__)
bp.add_app_template_filter(plain, "plain")
panels.provide(bp, "kpis", lambda r: build_panel(r.session, r.project, r.relations, now=r.now))


@bp.route("/kpi-reports/<int:report_id>", methods=["GET", "POST"])
@login_required
def report(report_id: int):
    try:
        record = queries.get_report(db.session, report_id)
    except NotFound:
        abort(404)
    project = load_visible(record.project_id)
    can_submit = permissions.can_submit(project_queries.relations(db.session, project, current_user))
    metrics = queries.metrics_of(record)
    form = report_form(metrics, data=None if request.method == "POST" else _current(record))
    status = 200
    if request.method == "POST":
        if not can_submit:
            abort(403)
        status = _submit(record, form, metrics) if form.validate_on_submit() else 422
        if status is None:
            flash(_("Figures saved."), "success")
            return redirect(url_for("projects.progress", project_id=project.id, _anchor="kpis"), code=303)
    return render_template("kpis/report.html", report=record, project=project, form=form, metrics=metrics,
                           can_submit=can_submit, changes=queries.list_changes(db.session, record),
                           now=utcnow()), status


def _current(record) -> dict:
    return {"version": record.version, **{f"value_{v.metric_key}": plain(v.value) for v in record.values}}


def _submit(record, form, metrics) -> int | None:
    """Call the service and commit; on refusal show the errors next to the fields and return the status."""
    with one_write(form, abort_on=(403,), field_names=lambda k: k.replace("values.", "value_")) as write:
        services.submit_report(
            db.session, record, actor=current_user, now=utcnow(), reason=form.reason.data or "",
            values={k: services.ValueInput(v) for k, v in form.values(metrics).items()},
            version=int(form.version.data) if (form.version.data or "").isdigit() else None)
    return None if write.ok else write.status


@bp.get("/kpi-reports")
@role_required("manager")
def index():
    late_only = request.args.get("late") == "1"
    page = db.paginate(queries.select_open(now=utcnow(), late_only=late_only), per_page=50, error_out=False)
    return render_template("kpis/index.html", page=page, late_only=late_only, now=utcnow())
