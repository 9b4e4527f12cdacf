"""The language switcher (a cookie, then the account) and accounts that never chose a language."""

from __future__ import annotations

from html import unescape

from app.auth.models import User
from app.core.locale import LOCALE_COOKIE
from tests.conftest import PASSWORD


def page_lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_every_anonymous_page_offers_the_other_language(client):
    for path in ("/login", "/signup", "/password-reset"):
        html = unescape(client.get(path).get_data(as_text=True))
        assert 'action="/language"' in html, path
        assert 'value="en" lang="en">English</button>' in html, path


def test_an_anonymous_choice_is_remembered_in_a_cookie(client):
    response = client.post("/language", data={"locale": "en", "next": "/signup"})

    assert response.status_code == 303 and response.headers["Location"] == "/signup"
    assert client.get_cookie(LOCALE_COOKIE).value == "en"
    page = client.get("/signup", headers={"Accept-Language": "fr"})
    assert page_lang(page) == "en" and "Create an account" in page.get_data(as_text=True)


def test_the_switcher_refuses_an_unknown_language_and_a_foreign_next(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get_cookie(LOCALE_COOKIE) is None
    assert client.post("/language", data={"locale": "fr", "next": "//evil.example"}).headers["Location"] == "/"


def test_the_cookies_choice_is_saved_on_an_account_that_never_chose(client, make_user, session):
    user = make_user("founder", locale="fr", chosen_locale=False)
    client.post("/language", data={"locale": "en", "next": "/login"})

    client.post("/login", data={"email": user.email, "password": PASSWORD}, headers={"Accept-Language": "fr"})

    session.expire_all()
    stored = session.get(User, user.id)
    assert (stored.locale, stored.has_chosen_locale) == ("en", True)


def test_an_account_that_never_chose_follows_the_browser(client, make_user, session):
    user = make_user("founder", locale="fr", chosen_locale=False)

    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           headers={"Accept-Language": "en-GB,en;q=0.9"}, follow_redirects=True)

    assert page_lang(response) == "en" and "Welcome" in response.get_data(as_text=True)
    assert page_lang(client.get("/projects", headers={"Accept-Language": "fr"})) == "fr"
    session.expire_all()
    stored = session.get(User, user.id)
    assert (stored.locale, stored.has_chosen_locale) == ("en", False)  # emails follow the guess


def test_a_chosen_language_wins_over_the_browser_and_the_switcher_saves_it(client, make_user, login_as, session):
    user = make_user("founder", locale="fr", chosen_locale=False)
    login_as(user)

    client.post("/language", data={"locale": "en", "next": "/projects"})

    session.expire_all()
    assert session.get(User, user.id).has_chosen_locale
    client.delete_cookie(LOCALE_COOKIE)
    assert page_lang(client.get("/projects", headers={"Accept-Language": "fr"})) == "en"


def test_the_api_reads_and_sets_the_effective_language(api, make_user, session):
    user = make_user("founder", locale="fr", chosen_locale=False)
    caller = api(user)

    assert caller.get("/api/v1/me", headers={"Accept-Language": "en"}).get_json()["locale"] == "en"
    body = caller.patch("/api/v1/me", json={"locale": "en", "timezone": "Europe/Paris", "name": "Nadia B."},
                        headers={"Accept-Language": "fr"}).get_json()
    assert (body["locale"], body["timezone"], body["name"]) == ("en", "Europe/Paris", "Nadia B.")
    assert caller.get("/api/v1/me", headers={"Accept-Language": "fr"}).get_json()["locale"] == "en"
    assert caller.patch("/api/v1/me", json={"locale": "de"}).status_code == 422
    assert caller.patch("/api/v1/me", json={"timezone": "Mars/Olympus"}).status_code == 422


def test_a_time_zone_alone_is_not_a_language_choice(api, make_user, session):
    user = make_user("founder", locale="fr", chosen_locale=False)

    assert api(user).patch("/api/v1/me", json={"timezone": "Europe/Paris"}).status_code == 200

    session.expire_all()
    assert not session.get(User, user.id).has_chosen_locale
