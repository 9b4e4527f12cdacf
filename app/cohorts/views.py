"""`/cohorts`: the managers' list of cohorts with their project counts, creating and editing one."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.cohorts import queries
from app.cohorts import services
from app.cohorts.forms import CohortForm
from app.core.forms import choices
from app.core.forms import one_write
from app.core.time import utcnow
from app.extensions import db
from app.workflow.catalog import catalog_of

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")
PER_PAGE = 20


def cohort_form(**kwargs) -> CohortForm:
    form = CohortForm(**kwargs)
    form.workflow.choices = choices((d.key, d.label) for d in catalog_of(db.session).all_latest())
    return form


def form_input(form: CohortForm) -> services.CohortInput:
    return services.CohortInput(name=form.name.data, workflow=form.workflow.data, starts_on=form.starts_on.data,
                                ends_on=form.ends_on.data, demo_day=form.demo_day.data)


@bp.get("")
@role_required("manager")
def index():
    page = db.paginate(queries.select_cohorts(), per_page=PER_PAGE, error_out=False)
    labels = {d.key: d.label for d in catalog_of(db.session).all_latest()}
    rows = queries.with_counts(db.session, page.items)
    return render_template("cohorts/index.html", page=page, rows=rows, labels=labels, today=utcnow().date())


@bp.route("/new", methods=["GET", "POST"])
@role_required("manager")
def create():
    form = cohort_form()
    if form.validate_on_submit():
        with one_write(form) as write:
            cohort = services.create_cohort(db.session, form_input(form), actor=current_user, now=utcnow())
        if write.ok:
            flash(_("Cohort “%(name)s” created.", name=cohort.name), "success")
            return redirect(url_for("cohorts.index"))
        # 409 when the name is taken, 422 for invalid fields: never a 200 for a refusal.
        return render_template("cohorts/edit.html", form=form, cohort=None), write.status
    return render_template("cohorts/edit.html", form=form, cohort=None), 422 if form.errors else 200


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required("manager")
def edit(cohort_id: int):
    cohort = queries.get_cohort(db.session, cohort_id) or abort(404)
    form = cohort_form(obj=cohort, workflow=cohort.workflow_key)
    if form.validate_on_submit():
        with one_write(form) as write:
            services.update_cohort(db.session, cohort, form_input(form), actor=current_user)
        if write.ok:
            flash(_("Cohort “%(name)s” saved.", name=cohort.name), "success")
            return redirect(url_for("cohorts.index"))
        return render_template("cohorts/edit.html", form=form, cohort=cohort), write.status
    return render_template("cohorts/edit.html", form=form, cohort=cohort), 422 if form.errors else 200
