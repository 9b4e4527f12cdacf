"""Cluster pages: organisations, partners and financing on projects, support, commissions."""

from __future__ import annotations

from flask import Blueprint
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
from sqlalchemy import select

from app.auth.decorators import role_required
from app.auth.models import User
from app.cluster import permissions
from app.cluster import queries
from app.cluster import services
from app.cluster.forms import ExchangeRateForm
from app.cluster.forms import FundingForm
from app.cluster.forms import OrganisationForm
from app.cluster.forms import PartnerForm
from app.cluster.forms import SupportAnswerForm
from app.cluster.forms import SupportRequestForm
from app.cluster.notify import support_closed_message
from app.cluster.overview import build_panel
from app.cluster.templating import rate_text
from app.core.dates import format_date
from app.core.errors import DomainError
from app.core.errors import NotFound
from app.core.forms import choices
from app.core.forms import one_write
from app.core.problems import http_status
from app.core.time import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.projects import panels
from app.projects import queries as project_queries
from app.projects.access import load_visible

bp = Blueprint("cluster", __name__)
panels.provide(bp, "cluster", lambda r: build_panel(r.session, r.project, r.user, r.relations))


def _or_404(fn, *args):
    try:
        return fn(db.session, *args)
    except NotFound:
        abort(404)


def _back(project_id: int, anchor: str):
    return redirect(url_for("projects.partners", project_id=project_id, _anchor=anchor), code=303)


def _refused(project_id: int, exc: DomainError, anchor: str):
    db.session.rollback()
    if http_status(exc) in (403, 404):
        abort(http_status(exc))
    flash(" ".join([exc.text, *[m for ms in exc.field_errors().values() for m in ms]]), "error")
    return _back(project_id, anchor)


@bp.get("/organisations")
@login_required
def organisations():
    args = request.args
    page = db.paginate(queries.select_organisations(kind=args.get("kind") or None, status=args.get("status") or None,
                                                    q=args.get("q") or None), per_page=30, error_out=False)
    return render_template("cluster/organisations.html", page=page, members=queries.count_members(db.session),
                           target=current_app.config["MEMBERSHIP_TARGET"])


@bp.route("/organisations/new", methods=["GET", "POST"], defaults={"organisation_id": None})
@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required("manager")
def edit_organisation(organisation_id: int | None):
    organisation = _or_404(queries.get_organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        with one_write(form) as write:
            organisation = services.save_organisation(
                db.session, organisation, actor=current_user, today=utcnow().date(), name=form.name.data,
                kind=form.kind.data, membership_status=form.membership_status.data, joined_on=form.joined_on.data,
                contact_name=form.contact_name.data or "", contact_email=form.contact_email.data or "")
        if write.ok:
            flash(_("Organisation “%(name)s” saved.", name=organisation.name), "success")
            return redirect(url_for("cluster.organisation", organisation_id=organisation.id))
    return render_template("cluster/edit_organisation.html", form=form, organisation=organisation), \
        422 if form.errors else 200


@bp.get("/organisations/<int:organisation_id>")
@login_required
def organisation(organisation_id: int):
    found = _or_404(queries.get_organisation, organisation_id)
    projects = queries.organisation_projects(db.session, found) if current_user.is_manager else []
    return render_template("cluster/organisation.html", organisation=found, projects=projects,
                           people=queries.organisation_people(db.session, found))


@bp.post("/organisations/<int:organisation_id>/people")
@role_required("manager")
def link_person(organisation_id: int):
    found = _or_404(queries.get_organisation, organisation_id)
    user = db.session.scalar(select(User).where(User.email == (request.form.get("email") or "").strip().lower()))
    if user is None:
        flash(_("No account with this email."), "error")
    else:
        services.link_user(db.session, found, user, actor=current_user)
        db.session.commit()
        flash(_("%(name)s now belongs to %(org)s.", name=user.name, org=found.name), "success")
    return redirect(url_for("cluster.organisation", organisation_id=organisation_id))


@bp.post("/projects/<int:project_id>/partners")
@role_required("manager")
def add_partner(project_id: int):
    project = load_visible(project_id)
    form = PartnerForm()
    form.organisation_id.choices = choices((o.id, o.name) for o in db.session.scalars(queries.select_organisations()))
    if not form.validate_on_submit():
        flash(_("Choose an organisation and a role."), "error")
        return _back(project_id, "cluster")
    with one_write() as write:
        organisation = queries.get_organisation(db.session, form.organisation_id.data)
        services.set_partner(db.session, project, organisation, form.role.data, actor=current_user)
    if not write.ok:
        return _refused(project_id, write.error, "cluster")
    flash(_("%(org)s takes part in the project.", org=organisation.name), "success")
    return _back(project_id, "cluster")


@bp.post("/projects/<int:project_id>/partners/<int:organisation_id>/remove")
@role_required("manager")
def remove_partner(project_id: int, organisation_id: int):
    project = load_visible(project_id)
    if not request.form.get("confirm"):
        flash(_("Please confirm the removal."), "error")
        return _back(project_id, "cluster")
    services.remove_partner(db.session, project, organisation_id, actor=current_user)
    db.session.commit()
    flash(_("The organisation no longer takes part in the project."), "success")
    return _back(project_id, "cluster")


@bp.route("/projects/<int:project_id>/funding/new", methods=["GET", "POST"], defaults={"funding_id": None})
@bp.route("/projects/<int:project_id>/funding/<int:funding_id>/edit", methods=["GET", "POST"])
@login_required
def edit_funding(project_id: int, funding_id: int | None):
    project = load_visible(project_id)
    if not permissions.can_edit_funding(project_queries.relations(db.session, project, current_user)):
        abort(403)  # before the form: who may not save it does not get it either
    funding = _or_404(queries.get_funding, project, funding_id) if funding_id else None
    # On POST the form holds only what was posted: filling it from the record would put a Decimal amount
    # under the string validators whenever a field (or the whole body) is missing.
    form = FundingForm(obj=funding if request.method == "GET" else None)
    if request.method == "GET" and funding is not None:
        form.amount.data, form.version.data = str(funding.amount), funding.version
    if form.validate_on_submit():
        with one_write(form, abort_on=(403,)) as write:
            services.save_funding(
                db.session, project, funding, actor=current_user, now=utcnow(), source=form.source.data,
                amount=form.amount.data, currency=form.currency.data, status=form.status.data,
                applied_on=form.applied_on.data, decided_on=form.decided_on.data, note=form.note.data or "",
                version=int(form.version.data) if form.version.data else None)
        if write.ok:
            flash(_("Financing saved."), "success")
            return _back(project_id, "funding")
    return render_template("cluster/edit_funding.html", form=form, project=project, funding=funding), \
        422 if form.errors else 200


@bp.post("/projects/<int:project_id>/support")
@login_required
def request_support(project_id: int):
    project = load_visible(project_id)
    form = SupportRequestForm()
    if not form.validate_on_submit():
        flash(_("Describe what you need (at most 5,000 characters)."), "error")
        return _back(project_id, "support")
    with one_write() as write:
        services.create_support_request(db.session, project, actor=current_user, now=utcnow(), kind=form.kind.data,
                                        description=form.description.data)
    if not write.ok:
        return _refused(project_id, write.error, "support")
    flash(_("Your request is sent; the cluster team will answer here and by email."), "success")
    return _back(project_id, "support")


@bp.get("/support")
@role_required("manager")
def support_queue():
    status = request.args.get("status") or "open"
    page = db.paginate(queries.select_support_requests(status=None if status == "all" else status), per_page=30,
                       error_out=False)
    staff = db.session.scalars(select(User).where(User.role.in_(("manager", "admin", "mentor")),
                                                  User.is_disabled.is_(False)).order_by(User.name)).all()
    return render_template("cluster/support.html", page=page, status=status, staff=staff)


@bp.post("/support/<int:request_id>")
@role_required("manager")
def handle_support(request_id: int):
    found = _or_404(queries.get_support_request, request_id)
    form = SupportAnswerForm()
    if not form.validate_on_submit():
        abort(400)
    with one_write() as write:
        if form.answer.data:
            services.close_support_request(db.session, found, actor=current_user, now=utcnow(),
                                           answer=form.answer.data)
            notifications.queue(db.session, [support_closed_message(found)], now=utcnow())
            message = _("Request answered and closed; the founder is notified.")
        elif form.assignee_id.data:
            assignee = db.session.get(User, form.assignee_id.data)
            if assignee is None:
                abort(404)
            services.assign_support_request(db.session, found, assignee, actor=current_user)
            message = _("Request assigned to %(name)s.", name=assignee.name)
        else:
            flash(_("Choose someone or write an answer."), "error")
            return redirect(url_for("cluster.support_queue"))
    flash(message if write.ok else write.error.text, "success" if write.ok else "error")
    return redirect(url_for("cluster.support_queue"))


@bp.route("/commissions", methods=["GET", "POST"])
@role_required("manager")
def commissions():
    """Each pole's commission: its members (remove, make chair) and a search of mentors by name to add one.

    The search is a GET form (`?pole=&q=`): never a list box of every account, never an applicant."""
    current = queries.list_commissions(db.session)
    if request.method == "POST":
        return change_commission(current)
    wanted, text = request.args.get("pole", ""), request.args.get("q", "").strip()[:100]
    taken = {u.id for u in current.get(wanted, (None, []))[1]}
    found = queries.search_reviewers(db.session, text, exclude=taken) if wanted and text else []
    return render_template("cluster/commissions.html", poles=project_queries.list_poles(db.session),
                           commissions=current, search_pole=wanted, search_text=text, found=found)


def change_commission(current: dict):
    """Add a member, remove one, or make one the chair (`action`, `user_id`, `pole`)."""
    pole = request.form.get("pole", "")
    commission, members = current.get(pole, (None, []))
    chair = commission.chair if commission else None
    person = db.session.get(User, _int(request.form.get("user_id")) or 0)
    action = request.form.get("action")
    if person is None or action not in ("add", "remove", "chair"):
        abort(400)
    if action == "add":
        members = [*members, person]
    elif action == "remove":
        members = [m for m in members if m.id != person.id]
        chair = None if chair is not None and chair.id == person.id else chair
    else:
        chair = person
    with one_write() as write:
        services.set_commission(db.session, pole, chair=chair, members=members, actor=current_user)
    flash(_("Commission saved.") if write.ok else write.error.text, "success" if write.ok else "error")
    return redirect(url_for("cluster.commissions", _anchor=f"pole-{pole}"))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/exchange-rates", methods=["GET", "POST"])
@role_required("manager")
def exchange_rates():
    """The rates managers recorded (the latest first) and the form to record one."""
    form = ExchangeRateForm()
    if form.validate_on_submit():
        with one_write(form) as write:
            rate = services.record_exchange_rate(
                db.session, actor=current_user, now=utcnow(), currency=form.currency.data,
                rate_to_mad=form.rate_to_mad.data, valid_on=form.valid_on.data, source=form.source.data)
        if write.ok:
            flash(_("Rate recorded: 1 %(currency)s = %(rate)s MAD from %(day)s.", currency=rate.currency,
                    rate=rate_text(rate.rate_to_mad), day=format_date(rate.valid_on, "long")), "success")
            return redirect(url_for("cluster.exchange_rates"), code=303)
    page = db.paginate(queries.select_exchange_rates(currency=request.args.get("currency") or None), per_page=30,
                       error_out=False)
    return render_template("cluster/exchange_rates.html", form=form, page=page), 422 if form.errors else 200
