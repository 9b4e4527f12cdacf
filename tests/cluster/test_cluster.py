"""The cluster: organisations, partners, commissions, financing, support requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.cluster import queries
from app.cluster import services
from app.cluster.models import CommissionMember
from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.pipeline.exports import safe_cell


@pytest.fixture
def organisation(session, manager, now):
    org = services.save_organisation(session, None, actor=manager, today=now.date(), name="Maroc Telecom",
                                     kind="telecom_operator", membership_status="member")
    session.commit()
    return org


def test_organisation_names_are_unique_whatever_the_case_and_spacing(session, manager, organisation, now):
    with pytest.raises(Conflict) as refused:
        services.save_organisation(session, None, actor=manager, today=now.date(), name="  maroc   TELECOM ",
                                   kind="company")
    session.rollback()
    assert "name" in refused.value.errors
    assert session.scalar(select(func.count(Organisation.id))) == 1


@pytest.mark.parametrize("fields, field", [
    ({"kind": "bank"}, "kind"),
    ({"membership_status": "vip"}, "membership_status"),
    ({"contact_email": "not-an-email"}, "contact_email"),
    ({"name": ""}, "name"),
])
def test_organisation_fields_are_checked(session, manager, now, fields, field):
    data = {"name": "INPT", "kind": "university_rd", **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.save_organisation(session, None, actor=manager, today=now.date(), **data)
    assert field in refused.value.errors


def test_only_managers_register_organisations(session, founder, now):
    with pytest.raises(Forbidden):
        services.save_organisation(session, None, actor=founder, today=now.date(), name="X", kind="company")


def test_a_project_has_one_lead_organisation(session, manager, make_project, organisation, now):
    project = make_project()
    other = services.save_organisation(session, None, actor=manager, today=now.date(), name="inwi",
                                       kind="telecom_operator")
    services.set_partner(session, project, organisation, "lead", actor=manager)
    session.commit()
    with pytest.raises(Conflict):
        services.set_partner(session, project, other, "lead", actor=manager)
    session.rollback()
    services.set_partner(session, project, other, "customer_pilot", actor=manager)
    session.commit()
    assert [(p.organisation.name, p.role) for p in queries.project_partners(session, project)] == [
        ("Maroc Telecom", "lead"), ("inwi", "customer_pilot")]
    assert [(p.name, role) for p, role in queries.organisation_projects(session, organisation)] == [
        (project.name, "lead")]


@pytest.mark.parametrize("amount, currency, status, decided_on, field", [
    ("-5", "MAD", "planned", None, "amount"),
    ("0", "MAD", "planned", None, "amount"),
    ("99999999999999", "MAD", "planned", None, "amount"),
    ("10.555", "MAD", "planned", None, "amount"),
    ("abc", "MAD", "planned", None, "amount"),
    (1.5, "MAD", "planned", None, "amount"),
    ("100", "XYZ", "planned", None, "currency"),
    ("100", "MAD", "granted", None, "decided_on"),
    ("100", "MAD", "granted", "2999-01-01", "decided_on"),
])
def test_financing_refuses_bad_amounts_currencies_and_dates(session, founder, make_project, now, amount, currency,
                                                          status, decided_on, field):
    project = make_project()
    with pytest.raises(ValidationFailed) as refused:
        services.save_funding(session, project, None, actor=founder, now=now, source="grant", amount=amount,
                              currency=currency, status=status,
                              decided_on=dt.date.fromisoformat(decided_on) if decided_on else None)
    assert field in refused.value.errors
    assert session.scalar(select(func.count(Funding.id))) == 0


def test_financing_totals_are_exact_decimals(session, founder, make_project, now):
    project = make_project()
    for amount in ("0.10", "0.20", "1000000.05"):
        services.save_funding(session, project, None, actor=founder, now=now, source="business_angel",
                              amount=amount, status="planned")
    session.commit()
    assert queries.funding_totals(session, project) == {"planned": {"MAD": Decimal("1000000.35")}}


def test_financing_permissions_both_ways(session, make_user, make_project, manager, mentor, assign, now):
    owner, stranger, member = make_user("founder"), make_user("founder"), make_user("mentor")
    project = make_project(owner=owner)
    assign(project, mentor)
    services.set_commission(session, project.pole_key, chair=None, members=[member], actor=manager)
    session.commit()

    services.save_funding(session, project, None, actor=owner, now=now, source="grant", amount="10")
    services.save_funding(session, project, None, actor=manager, now=now, source="grant", amount="20")
    for outsider in (stranger, mentor, member):
        with pytest.raises(Forbidden):
            services.save_funding(session, project, None, actor=outsider, now=now, source="grant", amount="5")


def test_commission_members_read_their_poles_projects_but_never_write(api, session, make_user, make_project,
                                                                      manager):
    reader = make_user("mentor")
    project = make_project(pole="multimedia")
    other_pole = make_project(pole="software_packages", name="Elsewhere")
    services.set_commission(session, "multimedia", chair=reader, members=[], actor=manager)
    session.commit()
    client = api(reader)

    assert client.get(f"/api/v1/projects/{project.id}").status_code == 200
    assert client.get(f"/api/v1/projects/{project.id}/funding").status_code == 200
    assert client.get(f"/api/v1/projects/{other_pole.id}").status_code == 404
    assert client.post(f"/api/v1/projects/{project.id}/funding",
                       json={"source": "grant", "amount": "10"}).status_code == 403
    assert client.patch(f"/api/v1/projects/{project.id}",
                        json={"name": "Renamed", "version": project.version}).status_code == 403


def test_financing_api_round_trip_and_validation(api, founder, make_project):
    project = make_project(owner=founder)
    client = api(founder)

    created = client.post(f"/api/v1/projects/{project.id}/funding",
                          json={"source": "bank_loan", "amount": "250000.50", "status": "applied",
                                "applied_on": "2026-01-10"})
    bad = client.post(f"/api/v1/projects/{project.id}/funding", json={"source": "bank_loan", "amount": "-3"})
    listed = client.get(f"/api/v1/projects/{project.id}/funding").get_json()

    assert created.status_code == 201 and created.get_json()["amount"] == "250000.50"
    assert bad.status_code == 422 and "amount" in bad.get_json()["errors"]
    assert listed["totals"] == {"applied": {"MAD": "250000.50"}}


@pytest.mark.parametrize("locale, message", [
    ("fr", "Supérieur à 0 et au plus 1\u202f000\u202f000\u202f000\u202f000."),
    ("en", "More than 0 and at most 1,000,000,000,000."),
])
def test_the_largest_amount_is_written_the_readers_way(api, make_user, make_project, locale, message):
    owner = make_user("founder", locale=locale)
    project = make_project(owner=owner)

    refused = api(owner).post(f"/api/v1/projects/{project.id}/funding",
                              json={"source": "grant", "amount": "1000000000000.01"})

    assert refused.status_code == 422
    assert refused.get_json()["errors"]["amount"] == [message]


def test_support_requests_go_from_founder_to_queue_to_answer(api, session, founder, manager, make_project):
    project = make_project(owner=founder)
    asked = api(founder).post(f"/api/v1/projects/{project.id}/support-requests",
                              json={"kind": "advice", "description": "A lawyer for our IP?"})
    request_id = asked.get_json()["id"]
    queue = api(manager).get("/api/v1/support-requests?status=open").get_json()
    answered = api(manager).patch(f"/api/v1/support-requests/{request_id}", json={"answer": "Call Maître X."})
    again = api(manager).patch(f"/api/v1/support-requests/{request_id}", json={"answer": "Again"})

    assert asked.status_code == 201
    assert [r["id"] for r in queue["items"]] == [request_id]
    assert answered.status_code == 200 and answered.get_json()["status"] == "closed"
    assert again.status_code == 409
    from app.notifications.models import Notification

    assert session.scalar(select(func.count(Notification.id)).where(Notification.user_id == founder.id,
                                                                     Notification.kind == "support_closed")) == 1


def test_only_the_projects_founders_ask_for_support(api, make_user, make_project):
    project = make_project()
    stranger = make_user("founder")

    assert api(stranger).post(f"/api/v1/projects/{project.id}/support-requests",
                              json={"kind": "advice", "description": "Me too"}).status_code == 404


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("Atlas", "Atlas"), (42, 42),
])
def test_exports_neutralise_spreadsheet_formulas(value, expected):
    assert safe_cell(value) == expected


def test_pipeline_csv_does_not_let_a_project_name_become_a_formula(login_as, manager, make_project, client,
                                                                  session, now):
    from app.checkins.models import CheckIn  # noqa: F401  (the stalled list reads check-ins)

    make_project(name="=cmd|' /C calc'!A0")
    login_as(manager)

    csv_text = client.get("/pipeline.csv").get_data(as_text=True)

    assert "=cmd|" not in csv_text.replace("'=cmd|", "")


def test_commission_members_are_found_by_name_never_applicants(login_as, manager, make_user, session):
    mentor = make_user("mentor", name="Nadia Bennani")
    applicant = make_user("applicant", name="Nadia Applicant")
    client = login_as(manager)

    page = client.get("/commissions").get_data(as_text=True)
    found = client.get("/commissions?pole=multimedia&q=nadia").get_data(as_text=True)
    assert "Nadia Bennani" not in page and "No member: nobody can review" in page
    assert f'name="user_id" value="{mentor.id}"' in found and "Nadia Applicant" not in found

    assert client.post("/commissions", data={"pole": "multimedia", "user_id": mentor.id,
                                             "action": "add"}).status_code == 302
    refused = client.post("/commissions", data={"pole": "multimedia", "user_id": applicant.id, "action": "add"},
                          follow_redirects=True)
    assert "cannot sit on one" in refused.get_data(as_text=True)
    assert set(session.scalars(select(CommissionMember.user_id).where(CommissionMember.pole_key == "multimedia"))) \
        == {mentor.id}
