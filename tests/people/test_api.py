"""`PATCH /users/{id}`, `/invitations`, a project's `/members`: shapes, rights, problem+json, the email."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.notifications.models import OutgoingEmail
from app.people.models import Invitation
from app.projects import queries as project_queries
from tests.conftest import PASSWORD
from tests.people.conftest import invitation_link

# Accounts --------------------------------------------------------------------------------------


def test_users_carry_active(api, manager, founder):
    body = api(manager).get("/api/v1/users?role=founder").get_json()

    assert body["items"][0] == {"id": founder.id, "email": founder.email, "name": founder.name, "role": "founder",
                                "locale": "en", "active": True}


def test_a_manager_deactivates_a_founder_whose_token_then_gets_401(api, manager, founder, assert_problem):
    as_founder = api(founder)
    assert as_founder.get("/api/v1/me").status_code == 200

    response = api(manager).patch(f"/api/v1/users/{founder.id}", json={"active": False})

    assert response.status_code == 200 and response.get_json()["active"] is False
    assert_problem(as_founder.get("/api/v1/me"), 401)
    body = assert_problem(api().post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD},
                                     headers={"Accept-Language": "en"}), 401)
    assert body["detail"] == "Wrong email or password."  # the same answer as for a wrong password
    assert api(manager).patch(f"/api/v1/users/{founder.id}", json={"active": True}).get_json()["active"] is True
    assert api(founder).get("/api/v1/me").get_json()["active"] is True


def test_a_manager_changes_a_founder_into_a_mentor(api, manager, founder):
    response = api(manager).patch(f"/api/v1/users/{founder.id}", json={"role": "mentor"})

    assert response.status_code == 200 and response.get_json()["role"] == "mentor"


@pytest.mark.parametrize(("actor", "target", "change", "status", "field"), [
    ("manager", "manager", {"active": False}, 403, "active"),
    ("manager", "founder", {"role": "admin"}, 403, "role"),
    ("manager", "self", {"active": False}, 422, "active"),
    ("admin", "self", {"role": "founder"}, 422, "role"),
    ("manager", "founder", {"role": "wizard"}, 422, "role"),
    ("manager", "founder", {"enabled": False}, 422, "enabled"),
])
def test_account_changes_out_of_rights_are_refused_with_the_field(api, make_user, assert_problem, actor, target,
                                                                  change, status, field):
    actor_user = make_user(actor)
    target_user = actor_user if target == "self" else make_user(target)

    body = assert_problem(api(actor_user).patch(f"/api/v1/users/{target_user.id}", json=change), status)

    assert field in body["errors"]


def test_only_managers_patch_users_and_unknown_ids_are_404(api, founder, manager, assert_problem):
    assert_problem(api(founder).patch(f"/api/v1/users/{manager.id}", json={"active": False}), 403)
    assert_problem(api(manager).patch("/api/v1/users/99999", json={"active": False}), 404)
    assert_problem(api().patch(f"/api/v1/users/{founder.id}", json={"active": False}), 401)


# Invitations -----------------------------------------------------------------------------------


def test_a_manager_invites_a_mentor_and_the_email_is_queued_once_with_the_link(api, manager, session):
    response = api(manager).post("/api/v1/invitations", json={"email": "New@Example.org", "role": "mentor",
                                                              "locale": "en"})

    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "email", "role", "expires_at"} <= set(body)
    assert (body["email"], body["role"], body["status"]) == ("new@example.org", "mentor", "pending")
    (email,) = session.scalars(select(OutgoingEmail)).all()
    assert (email.to_address, email.to_user_id, email.dedupe_key) == ("new@example.org", None,
                                                                      f"invitation:{body['id']}:0")
    assert email.subject == "You are invited to Parcours"
    assert invitation_link(email.body).startswith("/invitations/")
    stored = session.get(Invitation, body["id"])
    assert stored.token_hash not in email.body  # the link's secret is not what is stored


def test_the_invitation_email_reaches_the_smtp_server_and_its_link_opens_the_page(client, api, manager, mail_app,
                                                                                  smtp_server, deliver, session):
    api(manager).post("/api/v1/invitations", json={"email": "ines@example.org", "role": "mentor", "locale": "fr"})

    assert deliver() == (1, 0)
    (email,) = smtp_server.received_by("ines@example.org")
    assert "Parcours" in email.subject and "Vous êtes invité" in email.subject
    page = client.get(invitation_link(email.body))
    assert page.status_code == 200 and "ines@example.org" in page.get_data(as_text=True)
    assert deliver() == (0, 0)  # exactly once


@pytest.mark.parametrize(("who", "payload", "status"), [
    ("manager", {"email": "a@example.org", "role": "manager"}, 403),
    ("founder", {"email": "a@example.org", "role": "founder"}, 422),
    ("mentor", {"email": "a@example.org", "role": "founder"}, 403),
    ("manager", {"email": "not-an-email", "role": "founder"}, 422),
    ("manager", {"email": "a@example.org", "role": "applicant"}, 422),
])
def test_invitations_out_of_rights_or_malformed_are_refused(api, make_user, assert_problem, who, payload, status):
    assert_problem(api(make_user(who)).post("/api/v1/invitations", json=payload), status)


def test_founders_invite_to_their_project_only(api, founder, other_founder, make_project, session, assert_problem):
    project = make_project(owner=founder)
    payload = {"email": "co@example.org", "role": "founder", "project_id": project.id}

    assert_problem(api(other_founder).post("/api/v1/invitations", json=payload), 404)
    response = api(founder).post("/api/v1/invitations", json=payload)

    assert response.status_code == 201 and response.get_json()["project_id"] == project.id
    assert_problem(api(founder).post("/api/v1/invitations", json=payload), 409)  # pending already


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(api, manager, make_user):
    known = make_user("founder")
    answers = [api(manager).post("/api/v1/invitations", json={"email": email, "role": "founder"})
               for email in (known.email, "unknown@example.org")]

    assert [a.status_code for a in answers] == [201, 201]
    assert [set(a.get_json()) for a in answers] == [set(answers[0].get_json())] * 2


def test_revoke_resend_and_list(api, manager, founder, session, assert_problem):
    created = api(manager).post("/api/v1/invitations", json={"email": "r@example.org", "role": "founder"}).get_json()
    path = f"/api/v1/invitations/{created['id']}"

    resent = api(manager).post(f"{path}/resend")
    assert resent.status_code == 200 and resent.get_json()["resent_count"] == 1
    assert session.scalar(select(func.count()).select_from(OutgoingEmail)) == 2  # one email per sending
    listed = api(manager).get("/api/v1/invitations?status=pending").get_json()
    assert (listed["total"], listed["items"][0]["id"]) == (1, created["id"])
    assert_problem(api(founder).get("/api/v1/invitations"), 403)
    assert_problem(api(founder).delete(path), 404)

    assert api(manager).delete(path).status_code == 204
    assert api(manager).get("/api/v1/invitations?status=revoked").get_json()["total"] == 1
    assert_problem(api(manager).post(f"{path}/resend"), 409)
    assert_problem(api(manager).delete("/api/v1/invitations/99999"), 404)
    assert_problem(api(manager).get("/api/v1/invitations?status=lost"), 400)


def test_a_manager_may_not_revoke_an_admins_invitation_of_a_manager(api, make_user, assert_problem):
    admin, manager = make_user("admin"), make_user("manager")
    created = api(admin).post("/api/v1/invitations", json={"email": "m@example.org", "role": "manager"}).get_json()

    assert_problem(api(manager).delete(f"/api/v1/invitations/{created['id']}"), 403)


def test_founders_are_capped(api, founder, make_project, assert_problem, monkeypatch):
    from app.people import services

    monkeypatch.setattr(services, "FOUNDER_DAILY_INVITATIONS", 2)
    project = make_project(owner=founder)
    client = api(founder)
    for n in range(2):
        assert client.post("/api/v1/invitations", json={"email": f"c{n}@example.org", "role": "founder",
                                                        "project_id": project.id}).status_code == 201

    body = assert_problem(client.post("/api/v1/invitations", json={"email": "c9@example.org", "role": "founder",
                                                                   "project_id": project.id}), 429)
    assert body["code"] == "too_many_invitations"


def test_a_founder_cannot_resend_an_invitation_again_and_again(api, founder, make_project, assert_problem):
    project = make_project(owner=founder)
    client = api(founder)
    created = client.post("/api/v1/invitations", json={"email": "co@example.org", "role": "founder",
                                                       "project_id": project.id}).get_json()

    body = assert_problem(client.post(f"/api/v1/invitations/{created['id']}/resend"), 429)
    assert body["code"] == "too_many_invitations"


# Members ---------------------------------------------------------------------------------------


def test_managers_add_and_remove_members_but_not_the_last_founder(api, manager, founder, make_user, make_project,
                                                                  session, now, assert_problem):
    project = make_project(owner=founder)
    other = make_user("founder")
    path = f"/api/v1/projects/{project.id}/members"

    added = api(manager).post(path, json={"user_id": other.id})
    assert added.status_code == 201 and added.get_json() == {"id": other.id, "name": other.name}
    assert {f["id"] for f in api(manager).get(f"/api/v1/projects/{project.id}").get_json()["founders"]} == {
        founder.id, other.id}
    assert api(manager).delete(f"{path}/{founder.id}").status_code == 204

    body = assert_problem(api(manager).delete(f"{path}/{other.id}"), 422)
    assert body["code"] == "last_founder" and "user_id" in body["errors"]
    assert_problem(api(manager).delete(f"{path}/{founder.id}"), 404)  # not on the team any more
    assert_problem(api(other).delete(f"{path}/{other.id}"), 403)
    assert_problem(api(manager).post(path, json={"user_id": make_user("mentor").id}), 422)
    assert project_queries.is_member(session, project, other)


def test_an_accepted_team_invitation_puts_the_person_on_the_team(api, client, founder, make_project, session, now):
    project = make_project(owner=founder)
    api(founder).post("/api/v1/invitations", json={"email": "co@example.org", "role": "founder",
                                                   "project_id": project.id})
    link = invitation_link(session.scalar(select(OutgoingEmail.body)))

    response = client.post(link, data={"name": "Co Founder", "password": PASSWORD, "confirm": PASSWORD,
                                       "consent": "y"})

    assert response.status_code == 302
    founders = api(founder).get(f"/api/v1/projects/{project.id}").get_json()["founders"]
    assert sorted(f["name"] for f in founders) == sorted([founder.name, "Co Founder"])
