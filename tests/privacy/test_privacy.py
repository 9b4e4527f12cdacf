"""Law 09-08: consent at sign-up, the privacy notice, a person's data and its erasure."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.notifications.models import Notification
from app.privacy import queries
from app.privacy import services
from app.projects import services as project_services
from app.projects.models import ProjectEvent
from tests.conftest import PASSWORD


def user_by_email(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


# Consent ---------------------------------------------------------------------------------------


def test_the_signup_form_requires_consent_and_links_the_notice(client, session):
    page = client.get("/signup", headers={"Accept-Language": "en"}).get_data(as_text=True)
    refused = client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD},
                          headers={"Accept-Language": "en"})

    assert 'href="/privacy"' in page and 'name="consent"' in page
    assert refused.status_code == 422
    assert "Tick the box to accept the privacy notice." in refused.get_data(as_text=True)
    assert user_by_email(session, "web@example.org") is None


def test_consent_is_recorded_with_its_time_and_the_notice_version(client, app, session):
    client.post("/signup", data={"email": "web@example.org", "name": "Web", "password": PASSWORD, "consent": "y"})

    user = user_by_email(session, "web@example.org")
    assert user.consented_at is not None
    assert user.consent_notice_version == app.config["PRIVACY_NOTICE_VERSION"]


@pytest.mark.parametrize("body, recorded", [({}, False), ({"consent": True}, True)])
def test_the_api_keeps_its_contract_and_records_consent_when_given(api, session, body, recorded):
    response = api().post("/api/v1/signup", json={"email": "api@example.org", "name": "Api", "password": PASSWORD,
                                                  **body})

    assert response.status_code == 202
    assert (user_by_email(session, "api@example.org").consented_at is not None) is recorded


@pytest.mark.parametrize("lang, words", [("en", "Who to ask"), ("fr", "À qui s’adresser")])
def test_the_privacy_page_says_what_why_how_long_and_who_to_ask(client, app, lang, words):
    app.config["PRIVACY_CONTACT"] = "dpo@cluster.ma"

    page = client.get("/privacy", headers={"Accept-Language": lang}).get_data(as_text=True)

    assert words in page and "dpo@cluster.ma" in page and "09-08" in page


# A person's data --------------------------------------------------------------------------------


def test_a_person_downloads_their_data_without_secrets(client, login_as, founder, make_project, session, api):
    project = make_project()
    login_as(founder)

    response = client.get("/account/data.json")

    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == founder.email
    assert "password_hash" not in data["profile"] and "calendar_token" not in data["profile"]
    assert data["memberships"] == [{"project_id": project.id, "project": project.name}]
    assert [e["event"] for e in data["events"]] == ["create"]
    assert api(founder).get("/api/v1/me/data").get_json()["profile"]["id"] == founder.id


# Erasure -----------------------------------------------------------------------------------------


def test_asking_for_erasure_from_the_account_page(client, login_as, founder, session):
    login_as(founder)

    unconfirmed = client.post("/account/deletion-request", data={})
    asked = client.post("/account/deletion-request", data={"confirm": "y", "reason": "Leaving."})
    page = client.get("/account").get_data(as_text=True)

    assert unconfirmed.status_code == asked.status_code == 303
    assert 'data-deletion-status="requested"' in page
    assert [r.reason for r in session.scalars(queries.select_deletion_requests())] == ["Leaving."]


def test_one_pending_request_at_a_time_through_the_api(api, founder):
    as_founder = api(founder)

    first = as_founder.post("/api/v1/me/deletion-request", json={"reason": "Bye"})
    again = as_founder.post("/api/v1/me/deletion-request", json={})

    assert first.status_code == 202 and first.get_json()["status"] == "requested"
    assert again.status_code == 409


def test_anonymising_keeps_history_under_a_pseudonym(session, manager, founder, make_project, now):
    project = make_project()
    session.add(Notification(user_id=founder.id, kind="x", dedupe_key="n1", params={}))
    request = services.request_deletion(session, founder, now=now)
    session.commit()

    user = services.carry_out_deletion(session, request, actor=manager, now=now)
    session.commit()

    assert user.name == f"Former member #{founder.id}"
    assert user.email == f"former-member-{founder.id}@anonymised.invalid"
    assert not user.is_active and user.anonymised_at is not None
    assert request.status == "done" and request.handled_by_id == manager.id
    event = session.scalars(select(ProjectEvent).where(ProjectEvent.project_id == project.id)).first()
    assert event.actor.name == f"Former member #{founder.id}"  # history still names its (pseudonymised) actor
    assert session.scalar(select(Notification).where(Notification.user_id == founder.id)) is None
    assert project_services.definition_of(session, project) is not None


def test_only_managers_handle_requests_and_never_their_own(session, manager, founder, make_user, now):
    request = services.request_deletion(session, founder, now=now)
    own = services.request_deletion(session, manager, now=now)
    with pytest.raises(Forbidden):
        services.carry_out_deletion(session, request, actor=make_user("mentor"), now=now)
    with pytest.raises(Forbidden):
        services.carry_out_deletion(session, own, actor=manager, now=now)
    services.refuse_deletion(session, request, actor=manager, now=now, answer="Accounting obligation.")
    with pytest.raises(Conflict):
        services.carry_out_deletion(session, request, actor=manager, now=now)


def test_the_managers_page_anonymises_after_confirmation(client, login_as, manager, founder, session, now, api):
    request = services.request_deletion(session, founder, now=now, reason="Please.")
    session.commit()
    login_as(manager)

    page = client.get("/privacy/requests").get_data(as_text=True)
    assert f'data-deletion-request="{request.id}"' in page and founder.email in page
    client.post(f"/privacy/requests/{request.id}", data={"action": "anonymise"})  # not confirmed: nothing done
    assert user_by_email(session, founder.email) is not None
    done = client.post(f"/privacy/requests/{request.id}", data={"action": "anonymise", "confirm": "y"})

    assert done.status_code == 303
    assert user_by_email(session, founder.email) is None
    assert api().post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD}).status_code == 401
    assert "Former member" in client.get("/privacy/requests?status=done").get_data(as_text=True)
