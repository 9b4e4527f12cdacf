"""`/tokens`, `/me` and `/users`: authentication, accounts, list shape and problem+json errors."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import ApiToken
from app.auth.models import User
from tests.conftest import PASSWORD


def count_users(session, **where) -> int:
    stmt = select(func.count()).select_from(User)
    for key, value in where.items():
        stmt = stmt.where(getattr(User, key) == value)
    return session.scalar(stmt)


# Tokens ------------------------------------------------------------------------------------


def test_token_is_issued_for_good_credentials(client, session, founder, now):
    response = client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert now + dt.timedelta(hours=23) < expires <= now + dt.timedelta(hours=25)
    stored = session.scalars(select(ApiToken).where(ApiToken.user_id == founder.id)).all()
    assert len(stored) == 1
    assert stored[0].token_hash != body["token"]  # only the hash is kept


def test_token_email_ignores_case_and_spaces(client, founder):
    response = client.post("/api/v1/tokens", json={"email": f"  {founder.email.upper()} ", "password": PASSWORD})

    assert response.status_code == 201


@pytest.mark.parametrize("email_of, password", [
    ("founder", "wrong-password-123"),
    ("nobody", PASSWORD),
    ("founder", ""),
])
def test_token_refused_for_wrong_credentials(client, session, founder, email_of, password, assert_problem):
    email = founder.email if email_of == "founder" else "nobody@example.org"

    response = client.post("/api/v1/tokens", json={"email": email, "password": password},
                           headers={"Accept-Language": "en"})  # a client that does not ask reads French

    body = assert_problem(response, 401)
    assert body["detail"] == "Wrong email or password."
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_token_refused_for_a_disabled_account(client, session, founder, assert_problem):
    founder.is_disabled = True
    session.commit()

    response = client.post("/api/v1/tokens", json={"email": founder.email, "password": PASSWORD})

    assert_problem(response, 401)


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ('["a", "list"]', "application/json"),
    ("email=a@b.c&password=x", "application/x-www-form-urlencoded"),
    ("", "application/json"),
])
def test_token_request_with_an_unreadable_body_is_400(client, data, content_type, assert_problem):
    response = client.post("/api/v1/tokens", data=data, content_type=content_type)

    assert_problem(response, 400)


@pytest.mark.parametrize("payload, field", [
    ({"email": "someone@example.org"}, "password"),
    ({"password": PASSWORD}, "email"),
    ({"email": "someone@example.org", "password": PASSWORD, "remember": True}, "remember"),
])
def test_token_request_with_a_missing_or_unknown_field_is_422_naming_it(client, payload, field, assert_problem):
    response = client.post("/api/v1/tokens", json=payload)

    body = assert_problem(response, 422)
    assert field in body["errors"]
    assert all(isinstance(m, str) and m for m in body["errors"][field])


def test_revoked_token_is_refused(api, session, founder, assert_problem):
    user_api = api(founder)
    assert user_api.get("/api/v1/me").status_code == 200

    response = user_api.delete("/api/v1/tokens/current")

    assert response.status_code == 204
    assert response.data == b""
    session.expire_all()
    assert session.scalar(select(ApiToken.revoked_at)) is not None
    assert_problem(user_api.get("/api/v1/me"), 401)


def test_revoking_one_token_keeps_the_others(api, founder):
    first, second = api(founder), api(founder)

    first.delete("/api/v1/tokens/current")

    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 200


def test_expired_token_is_refused(client, session, founder, now, assert_problem):
    secret, _ = auth_services.issue_token(session, founder, now=now - dt.timedelta(days=2),
                                          ttl=dt.timedelta(hours=24))
    session.commit()

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})

    body = assert_problem(response, 401)
    assert "expired" in body["detail"]


def test_token_of_a_disabled_user_is_refused(api, session, founder, assert_problem):
    user_api = api(founder)
    founder.is_disabled = True
    session.commit()

    assert_problem(user_api.get("/api/v1/me"), 401)


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic Zm9vOmJhcg==", "Bearer ", "token"])
def test_bad_authorization_header_is_401(client, founder, header, assert_problem):
    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_no_credentials_is_401(api, assert_problem):
    assert_problem(api(None).get("/api/v1/me"), 401)


# /me ---------------------------------------------------------------------------------------


def test_me_describes_the_token_owner(api, make_user, app):
    user = make_user("mentor", name="Salma Idrissi", locale="fr")

    response = api(user).get("/api/v1/me")

    assert response.status_code == 200
    body = response.get_json()
    assert {"id", "email", "name", "role", "locale", "calendar_url"} <= set(body)
    assert body["id"] == user.id
    assert body["email"] == user.email
    assert body["name"] == "Salma Idrissi"
    assert body["role"] == "mentor"
    assert body["locale"] == "fr"
    assert body["calendar_url"].startswith(app.config["BASE_URL"])
    assert body["calendar_url"].endswith(f"/calendar/{user.calendar_token}.ics")
    assert "password_hash" not in body


# /users ------------------------------------------------------------------------------------


def new_user(**changes) -> dict:
    return {"email": "new.person@example.org", "name": "New Person", "role": "founder", "password": PASSWORD,
            **changes}


@pytest.mark.parametrize("role, status", [
    ("founder", 403),
    ("mentor", 403),
    ("manager", 200),
    ("admin", 200),
])
def test_listing_users_is_for_managers_and_admins(api, make_user, role, status, assert_problem):
    response = api(make_user(role)).get("/api/v1/users")

    assert response.status_code == status
    if status == 403:
        assert_problem(response, 403)


@pytest.mark.parametrize("role, status", [
    ("founder", 403),
    ("mentor", 403),
    ("manager", 201),
    ("admin", 201),
])
def test_creating_users_is_for_managers_and_admins(api, session, make_user, role, status):
    response = api(make_user(role)).post("/api/v1/users", json=new_user())

    assert response.status_code == status
    assert count_users(session, email="new.person@example.org") == (1 if status == 201 else 0)


def test_manager_creates_a_user_who_can_then_sign_in(api, session, manager):
    response = api(manager).post("/api/v1/users", json=new_user(email="New.Person@Example.org", role="mentor"))

    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "email", "name", "role", "locale"} <= set(body)
    assert body["email"] == "new.person@example.org"
    assert body["role"] == "mentor"
    assert "password" not in body and "password_hash" not in body
    session.expire_all()
    stored = session.get(User, body["id"])
    assert (stored.email, stored.name, stored.role) == ("new.person@example.org", "New Person", "mentor")
    assert auth_services.authenticate(session, "new.person@example.org", PASSWORD) is not None


def test_creating_a_user_with_a_taken_email_is_409(api, session, manager, founder, assert_problem):
    response = api(manager).post("/api/v1/users", json=new_user(email=founder.email.upper()))

    body = assert_problem(response, 409)
    assert founder.email in body["detail"]
    assert "email" in body["errors"]
    assert count_users(session, email=founder.email) == 1


@pytest.mark.parametrize("changes, field", [
    ({"email": "not-an-email"}, "email"),
    ({"name": "   "}, "name"),
    ({"role": "superuser"}, "role"),
    ({"password": "short"}, "password"),
    ({"nickname": "Neo"}, "nickname"),
])
def test_creating_a_user_with_invalid_fields_is_422_naming_them(api, session, manager, changes, field, assert_problem):
    before = count_users(session)

    response = api(manager).post("/api/v1/users", json=new_user(**changes))

    body = assert_problem(response, 422)
    assert field in body["errors"], body
    assert count_users(session) == before


def test_creating_a_user_without_a_field_is_422_naming_it(api, session, manager, assert_problem):
    payload = new_user()
    del payload["name"]

    body = assert_problem(api(manager).post("/api/v1/users", json=payload), 422)

    assert "name" in body["errors"]


def test_manager_may_not_create_an_admin(api, session, manager, assert_problem):
    response = api(manager).post("/api/v1/users", json=new_user(role="admin"))

    assert_problem(response, 403)
    assert count_users(session, role="admin") == 0


def test_manager_may_not_create_a_manager(api, session, manager, assert_problem):
    """Only admins grant the manager role (PATCH /users, invitations): creating an account is no way round it."""
    response = api(manager).post("/api/v1/users", json=new_user(role="manager"))

    assert_problem(response, 403)
    assert count_users(session, role="manager") == 1


def test_admin_may_create_an_admin(api, session, make_user):
    response = api(make_user("admin")).post("/api/v1/users", json=new_user(role="admin"))

    assert response.status_code == 201
    assert count_users(session, role="admin") == 2


def test_user_list_has_the_list_shape(api, manager, make_user):
    make_user("founder", name="Aya")

    body = api(manager).get("/api/v1/users").get_json()

    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == 2
    assert body["page"] == 1
    assert body["per_page"] == 20
    assert {"id", "email", "name", "role", "locale"} <= set(body["items"][0])
    assert [u["name"] for u in body["items"]] == sorted(u["name"] for u in body["items"])


def test_user_list_filters_by_role(api, manager, make_user):
    mentors = {make_user("mentor").id, make_user("mentor").id}
    make_user("founder")

    body = api(manager).get("/api/v1/users?role=mentor").get_json()

    assert {u["id"] for u in body["items"]} == mentors
    assert body["total"] == 2


def test_user_list_pages(api, manager, make_user):
    for _ in range(4):
        make_user("founder")
    manager_api = api(manager)

    first = manager_api.get("/api/v1/users?per_page=2").get_json()
    third = manager_api.get("/api/v1/users?per_page=2&page=3").get_json()
    beyond = manager_api.get("/api/v1/users?per_page=2&page=9").get_json()

    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (5, 1, 2, 2)
    assert (third["page"], len(third["items"])) == (3, 1)
    assert beyond["items"] == [] and beyond["total"] == 5
    seen = {u["id"] for page in (1, 2, 3)
            for u in manager_api.get(f"/api/v1/users?per_page=2&page={page}").get_json()["items"]}
    assert len(seen) == 5


def test_user_list_caps_per_page_at_100(api, manager):
    body = api(manager).get("/api/v1/users?per_page=1000").get_json()

    assert body["per_page"] == 100


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "page=two", "per_page=-5"])
def test_user_list_with_bad_paging_is_400(api, manager, query, assert_problem):
    assert_problem(api(manager).get(f"/api/v1/users?{query}"), 400)
