"""The cluster through the API: organisations, partners, financing, support, commissions."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from app.api import bp
from app.api import params
from app.api import schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.auth import paginated
from app.api.auth import roles
from app.api.projects import person
from app.api.projects import visible
from app.api.spec import doc
from app.auth.models import User
from app.cluster import permissions
from app.cluster import queries
from app.cluster import services
from app.cluster.models import ExchangeRate
from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.cluster.models import SupportRequest
from app.cluster.notify import support_closed_message
from app.core.errors import Forbidden
from app.core.errors import NotFound
from app.core.time import utcnow
from app.extensions import db
from app.notifications import services as notifications
from app.projects import queries as project_queries


def organisation_out(o: Organisation) -> dict:
    return schemas.OrganisationOut(id=o.id, name=o.name, kind=o.kind, membership_status=o.membership_status,
                                   joined_on=o.joined_on, contact_name=o.contact_name,
                                   contact_email=o.contact_email).model_dump(mode="json")


def funding_out(f: Funding) -> dict:
    return schemas.FundingOut(id=f.id, source=f.source, amount=str(f.amount), currency=f.currency, status=f.status,
                              applied_on=f.applied_on, decided_on=f.decided_on, note=f.note,
                              version=f.version).model_dump(mode="json")


def support_out(r: SupportRequest) -> dict:
    return schemas.SupportRequestOut(
        id=r.id, project_id=r.project_id, kind=r.kind, description=r.description, status=r.status,
        requester=person(r.requester), assignee=person(r.assignee), answer=r.answer, created_at=r.created_at,
        closed_at=r.closed_at).model_dump(mode="json")


def _user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user


@bp.get("/organisations")
@doc("Cluster member organisations", list_response=schemas.OrganisationPage,
     query=params.OrganisationListQuery, tag="cluster")
@authenticated
def list_organisations():
    args = params.query_args()
    return paginated(queries.select_organisations(kind=args.kind, status=args.membership_status, q=args.q),
                     organisation_out)


@bp.post("/organisations")
@doc("Register an organisation", body=schemas.OrganisationIn, response=schemas.OrganisationOut, status=201,
     errors=(403, 409), tag="cluster")
@roles("manager")
def create_organisation():
    data = json_body(schemas.OrganisationIn)
    organisation = services.save_organisation(db.session, None, actor=current_user(), today=utcnow().date(),
                                              **data.model_dump())
    db.session.commit()
    return organisation_out(organisation), 201


@bp.get("/organisations/<int:organisation_id>")
@doc("One organisation, with its projects (managers)", response=schemas.OrganisationOut, errors=(404,),
     tag="cluster")
@authenticated
def get_organisation(organisation_id: int):
    organisation = queries.get_organisation(db.session, organisation_id)
    body = organisation_out(organisation)
    if current_user().is_manager:
        body["projects"] = [{"id": p.id, "name": p.name, "role": role}
                            for p, role in queries.organisation_projects(db.session, organisation)]
    return body


@bp.put("/organisations/<int:organisation_id>")
@doc("Replace an organisation's details", body=schemas.OrganisationIn, response=schemas.OrganisationOut,
     errors=(403, 404, 409), tag="cluster")
@roles("manager")
def put_organisation(organisation_id: int):
    organisation = queries.get_organisation(db.session, organisation_id)
    data = json_body(schemas.OrganisationIn)
    services.save_organisation(db.session, organisation, actor=current_user(), today=utcnow().date(),
                               **data.model_dump())
    db.session.commit()
    return organisation_out(organisation)


@bp.get("/projects/<int:project_id>/partners")
@doc("The project's partner organisations", errors=(404,), tag="cluster")
@authenticated
def list_partners(project_id: int):
    project = visible(project_id)
    return [{"organisation": organisation_out(p.organisation), "role": p.role}
            for p in queries.project_partners(db.session, project)]


@bp.post("/projects/<int:project_id>/partners")
@doc("Add a partner organisation or change its role", body=schemas.PartnerIn, response=schemas.PartnerOut,
     status=201, errors=(403, 404, 409), tag="cluster")
@roles("manager")
def add_partner(project_id: int):
    project = visible(project_id)
    data = json_body(schemas.PartnerIn)
    organisation = queries.get_organisation(db.session, data.organisation_id)
    partner = services.set_partner(db.session, project, organisation, data.role, actor=current_user())
    db.session.commit()
    return {"organisation": organisation_out(organisation), "role": partner.role}, 201


@bp.delete("/projects/<int:project_id>/partners/<int:organisation_id>")
@doc("Remove a partner organisation", status=204, errors=(403, 404), tag="cluster")
@roles("manager")
def delete_partner(project_id: int, organisation_id: int):
    project = visible(project_id)
    services.remove_partner(db.session, project, organisation_id, actor=current_user())
    db.session.commit()
    return "", 204


def _funding_scope(project_id: int, *, write: bool = False):
    project = visible(project_id)
    relations = project_queries.relations(db.session, project, current_user())
    if not permissions.can_view_funding(relations):
        raise Forbidden("You may not see this project's financing.")
    if write and not permissions.can_edit_funding(relations):
        raise Forbidden("Only the project's founders and managers record its financing.")  # before the body
    return project


@bp.get("/projects/<int:project_id>/funding")
@doc("The project's financing, with exact totals per status and currency", list_response=schemas.FundingPage,
     errors=(404,), query=params.PageQuery, tag="cluster")
@authenticated
def list_funding(project_id: int):
    project = _funding_scope(project_id)
    body = paginated(queries.select_fundings(project), funding_out)
    body["totals"] = {status: {c: str(a) for c, a in by_currency.items()}
                      for status, by_currency in queries.funding_totals(db.session, project).items()}
    body["totals_mad"] = {status: {"mad": str(t.mad), "complete": t.is_complete,
                                   "unconverted": {c: str(a) for c, a in t.unconverted.items()}}
                          for status, t in queries.funding_totals_in_mad(db.session, project).items()}
    return body


@bp.post("/projects/<int:project_id>/funding")
@doc("Record financing (founders of the project, managers)", body=schemas.FundingIn, response=schemas.FundingOut,
     status=201, errors=(403, 404), tag="cluster")
@authenticated
def create_funding(project_id: int):
    project = _funding_scope(project_id, write=True)
    data = json_body(schemas.FundingIn)
    funding = services.save_funding(db.session, project, None, actor=current_user(), now=utcnow(),
                                    **data.model_dump())
    db.session.commit()
    return funding_out(funding), 201


@bp.patch("/projects/<int:project_id>/funding/<int:funding_id>")
@doc("Edit a financing line", body=schemas.FundingPatch, response=schemas.FundingOut, errors=(403, 404, 409),
     tag="cluster")
@authenticated
def patch_funding(project_id: int, funding_id: int):
    project = _funding_scope(project_id, write=True)
    funding = queries.get_funding(db.session, project, funding_id)
    data = json_body(schemas.FundingPatch)
    services.save_funding(db.session, project, funding, actor=current_user(), now=utcnow(), **data.model_dump())
    db.session.commit()
    return funding_out(funding)


@bp.get("/projects/<int:project_id>/support-requests")
@doc("The project's support requests", list_response=schemas.SupportRequestPage, errors=(404,),
     query=params.PageQuery, tag="cluster")
@authenticated
def list_project_support(project_id: int):
    project = visible(project_id)
    return paginated(queries.select_support_requests(project=project), support_out)


@bp.post("/projects/<int:project_id>/support-requests")
@doc("Ask the cluster for support (founders of the project)", body=schemas.SupportRequestIn,
     response=schemas.SupportRequestOut, status=201, errors=(403, 404), tag="cluster")
@authenticated
def create_support(project_id: int):
    project = visible(project_id)
    if not permissions.can_request_support(project_queries.relations(db.session, project, current_user())):
        raise Forbidden("Only the project's founders ask for support.")  # before reading the body
    data = json_body(schemas.SupportRequestIn)
    request_ = services.create_support_request(db.session, project, actor=current_user(), now=utcnow(),
                                               **data.model_dump())
    db.session.commit()
    return support_out(request_), 201


@bp.get("/support-requests")
@doc("The support queue (managers)", list_response=schemas.SupportRequestPage, errors=(403,),
     query=params.SupportListQuery, tag="cluster")
@roles("manager")
def support_queue():
    return paginated(queries.select_support_requests(status=params.query_args().status or None), support_out)


@bp.patch("/support-requests/<int:request_id>")
@doc("Assign a request, or answer and close it (the founder is notified)", body=schemas.SupportRequestPatch,
     response=schemas.SupportRequestOut, errors=(403, 404, 409), tag="cluster")
@roles("manager")
def patch_support(request_id: int):
    found = queries.get_support_request(db.session, request_id)
    data = json_body(schemas.SupportRequestPatch)
    if data.assignee_id is None and data.answer is None:
        abort(422, _("Give an assignee_id, an answer, or both."))
    if data.assignee_id is not None:
        services.assign_support_request(db.session, found, _user(data.assignee_id), actor=current_user())
    if data.answer is not None:
        services.close_support_request(db.session, found, actor=current_user(), now=utcnow(), answer=data.answer)
        notifications.queue(db.session, [support_closed_message(found)], now=utcnow())
    db.session.commit()
    return support_out(found)


@bp.put("/poles/<key>/commission")
@doc("Name a pole's commission (chair and members)", body=schemas.CommissionIn, response=schemas.CommissionOut,
     errors=(403, 404), tag="cluster")
@roles("manager")
def put_commission(key: str):
    data = json_body(schemas.CommissionIn)
    chair = _user(data.chair_id)
    members = [_user(i) for i in data.member_ids]
    commission = services.set_commission(db.session, key, chair=chair, members=members, actor=current_user())
    db.session.commit()
    _, people = queries.list_commissions(db.session).get(key, (commission, []))
    return schemas.CommissionOut(pole=key, chair=person(commission.chair),
                                 members=[person(u) for u in people]).model_dump(mode="json")


def exchange_rate_out(r: ExchangeRate) -> dict:
    return schemas.ExchangeRateOut(id=r.id, currency=r.currency, rate_to_mad=str(r.rate_to_mad), valid_on=r.valid_on,
                                   source=r.source, recorded_by=person(r.recorded_by),
                                   recorded_at=r.recorded_at).model_dump(mode="json")


@bp.get("/exchange-rates")
@doc("The exchange rates to the dirham managers recorded, the latest first", list_response=schemas.ExchangeRatePage,
     errors=(403,), query=params.PageQuery, tag="cluster")
@roles("manager")
def list_exchange_rates():
    return paginated(queries.select_exchange_rates(), exchange_rate_out)


@bp.post("/exchange-rates")
@doc("Record an exchange rate: dirhams for one unit of a currency from a day, and its source",
     body=schemas.ExchangeRateIn, response=schemas.ExchangeRateOut, status=201, errors=(403, 409), tag="cluster")
@roles("manager")
def create_exchange_rate():
    data = json_body(schemas.ExchangeRateIn)
    rate = services.record_exchange_rate(db.session, actor=current_user(), now=utcnow(), **data.model_dump())
    db.session.commit()
    return exchange_rate_out(rate), 201
