"""Arabic, the third shipped language: chosen like the others, written right to left, and
formatted the Moroccan way (`ar_MA`: Western digits, Moroccan month names, amounts in MAD).

The Arabic words of the catalogue are the translators'; these tests check the plumbing, so they
assert on what Babel and the markup give, not on the translation of a sentence."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import render_template_string

from app.auth import services as auth_services
from app.core import dates
from app.core.i18n import LANGUAGE_NAMES
from app.core.i18n import babel_locale
from app.core.i18n import localized
from app.core.locale import LOCALE_COOKIE
from app.notifications.render import render_message
from config import Config

#: Eastern Arabic (٠-٩) and Persian (۰-۹) digits: never in Moroccan Arabic text.
EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")
ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")
ARABIC = {"Accept-Language": "ar-MA,ar;q=0.9"}


def test_arabic_is_a_shipped_language_everywhere_a_language_is_chosen():
    assert Config.LANGUAGES == ("fr", "en", "ar")
    assert auth_services.LOCALES == Config.LANGUAGES
    assert set(LANGUAGE_NAMES) == set(Config.LANGUAGES)
    assert LANGUAGE_NAMES["ar"] == "العربية"


def test_arabic_is_formatted_as_moroccan_arabic_with_western_digits(app):
    instant = dt.datetime(2026, 11, 27, 13, 5, tzinfo=dt.UTC)  # 14:05 in Casablanca (UTC+1)
    with app.test_request_context(headers=ARABIC):
        html = render_template_string(
            "{{ lang }}|{{ text_dir }}|{{ 1234567.5|number }}|{{ 0.25|percent }}|{{ money(1234.5, 'MAD') }}|"
            "{{ when|day }}|{{ when|datetime }}|{{ 'Africa/Casablanca'|zone_name }}|{{ 2500|filesize }}",
            when=instant)
    lang, direction, number, percent, amount, day, moment, zone, size = html.split("|")

    assert (lang, direction) == ("ar", "rtl")
    assert number == "1.234.567,5"
    assert percent == "25%"
    assert "1.234,50" in amount and "د.م." in amount
    assert day == "27 نونبر 2026"  # Gregorian, with the month as Morocco names it
    assert "14:05" in moment and "2026" in moment
    assert zone == "توقيت المغرب"
    assert size.startswith("2") and ARABIC_LETTERS.search(size)
    assert not EASTERN_DIGITS.search(html), html


@pytest.mark.parametrize("language, expected", [("ar", "ar_MA"), ("fr", "fr"), ("en", "en"), (None, None)])
def test_the_formatting_locale_of_a_language(language, expected):
    assert babel_locale(language) == expected


def test_a_date_formatted_for_an_arabic_code_is_moroccan(app):
    with app.app_context():
        assert dates.format_date(dt.date(2026, 12, 3), "long", locale="ar") == "3 دجنبر 2026"


def test_arabic_pages_are_right_to_left_and_offer_the_other_languages(client):
    html = client.get("/login", headers=ARABIC).get_data(as_text=True)

    assert '<html lang="ar" dir="rtl">' in html
    assert 'value="fr" lang="fr">Français<' in html and 'value="en" lang="en">English<' in html
    assert 'value="ar"' not in html  # the current language is not offered


def test_french_and_english_pages_offer_arabic_and_stay_left_to_right(client):
    html = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)

    assert '<html lang="fr" dir="ltr">' in html
    assert 'value="ar" lang="ar">العربية<' in html


def test_the_switcher_sets_arabic_on_the_account_and_in_a_cookie(make_user, login_as, session):
    user = make_user("founder", locale="fr")
    client = login_as(user)

    response = client.post("/language", data={"locale": "ar", "next": "/projects"})

    assert response.status_code == 303
    assert f"{LOCALE_COOKIE}=ar" in response.headers["Set-Cookie"]
    session.refresh(user)
    assert (user.locale, user.has_chosen_locale) == ("ar", True)
    assert '<html lang="ar" dir="rtl">' in client.get("/projects").get_data(as_text=True)


def test_patch_me_sets_arabic_and_refuses_an_unshipped_language(api, make_user, session):
    user = make_user("mentor", locale="fr")
    client = api(user)

    response = client.patch("/api/v1/me", json={"locale": "ar"})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["locale"] == "ar"
    session.refresh(user)
    assert (user.locale, user.has_chosen_locale) == ("ar", True)
    assert client.patch("/api/v1/me", json={"locale": "de"}).status_code == 422


def test_the_settings_page_offers_arabic(make_user, login_as, session):
    user = make_user("founder", locale="en")
    client = login_as(user)

    assert ">العربية</option>" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("label, expected", [
    ({"en": "Idea", "fr": "Idée", "ar": "فكرة"}, "فكرة"),
    ({"en": "Idea", "fr": "Idée"}, "Idée"),  # no Arabic: French, the cluster's working language
    ({"en": "Idea"}, "Idea"),
    ({"de": "Idee"}, "Idee"),  # whatever text it has, never the key
    ({"ar": "", "fr": "Idée"}, "Idée"),
])
def test_a_label_without_arabic_falls_back_to_french_then_english(app, label, expected):
    with app.test_request_context(headers=ARABIC):
        assert localized(label, "idea") == expected


def test_an_email_to_an_arabic_reader_has_moroccan_dates(app, make_user):
    user = make_user("founder", locale="ar", name="أمينة")
    params = {"project": "Atlas", "mentor": "Salma", "due_at": "2026-11-02T09:00:00+00:00",
              "link": "https://parcours.example.org/projects/1"}

    with app.app_context():
        subject, body = render_message("checkin_reminder", user, params)

    assert "2 نونبر 2026" in subject + body
    assert not EASTERN_DIGITS.search(subject + body)


@pytest.mark.parametrize("header, lang", [
    ("ar-MA, fr;q=0.8", "ar"), ("ar", "ar"), ("fr-MA, ar;q=0.8", "fr"), ("en-US, ar;q=0.9", "en"),
    ("de-DE, ar-MA;q=0.5", "ar"), ("de-DE", "fr"),
])
def test_the_browsers_first_shipped_language_wins_regional_tags_included(client, header, lang):
    html = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)

    assert f'<html lang="{lang}"' in html


# Bidirectional text ---------------------------------------------------------------------------

FSI, PDI = "\u2068", "\u2069"


def test_values_filled_into_an_arabic_message_are_isolated(app):
    from flask_babel import gettext
    from flask_babel import ngettext

    with app.test_request_context(headers=ARABIC):
        welcome = gettext("Welcome, %(name)s.", name="Atlas TV!")
        plural = ngettext("%(num)s unread", "%(num)s unread", 3)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        french = gettext("Welcome, %(name)s.", name="Atlas TV!")

    assert f"{FSI}Atlas TV!{PDI}" in welcome
    assert f"{FSI}3{PDI}" in plural
    assert french == "Bienvenue, Atlas TV!."  # left-to-right languages are unchanged


def test_a_placeholder_in_a_tag_or_a_number_format_is_not_isolated(app):
    from app.core.bidi import fill

    with app.test_request_context(headers=ARABIC):
        link = fill('<a href="%(url)s">%(label)s</a>', {"url": "/privacy", "label": "Privacy"})
        count = fill("%(num)d items", {"num": 3})

    assert link == f'<a href="/privacy">{FSI}Privacy{PDI}</a>'
    assert count == "3 items"


def test_names_and_amounts_on_an_arabic_page_are_bdi_isolated(app):
    page = "{{ name|bdi }}|{{ money(250000, 'MAD')|bdi }}|{{ _('Welcome, %(name)s.', name=name) }}"
    with app.test_request_context(headers=ARABIC):
        arabic = render_template_string(page, name="Atlas <TV>")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string(page, name="Atlas <TV>")

    name, amount, sentence = arabic.split("|")
    assert name == "<bdi>Atlas &lt;TV&gt;</bdi>"
    assert amount.startswith("<bdi>") and "250.000,00" in amount
    assert f"{FSI}Atlas &lt;TV&gt;{PDI}" in sentence
    assert english.split("|")[0] == "Atlas &lt;TV&gt;"


def test_an_arabic_project_page_isolates_the_projects_name(make_user, make_project, login_as):
    owner = make_user("founder", locale="ar")
    project = make_project(owner=owner, name="Atlas TV")
    html = login_as(owner).get(f"/projects/{project.id}").get_data(as_text=True)

    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1><bdi>Atlas TV</bdi></h1>" in html


# The API and the command line ---------------------------------------------------------------


def test_problem_json_is_in_arabic_when_the_client_asks(client):
    body = client.get("/api/v1/projects", headers=ARABIC).get_json()
    english = client.get("/api/v1/projects", headers={"Accept-Language": "en"}).get_json()

    assert body["status"] == 401 and body["type"] == english["type"]  # programs read `type`, people the rest
    assert english["title"] == "Unauthorized"
    for key in ("title", "detail"):
        assert ARABIC_LETTERS.search(body[key]), body
        assert body[key] != english[key]


def test_an_arabic_callers_domain_error_is_in_arabic(api, make_user, make_project):
    owner = make_user("founder", locale="ar")
    project = make_project(owner=owner)

    body = api(owner).post(f"/api/v1/projects/{project.id}/events", json={"event": "advance", "version": 1},
                           headers={"Accept-Language": "en"}).get_json()

    assert body["status"] == 422
    assert ARABIC_LETTERS.search(body["title"]) and ARABIC_LETTERS.search(body["detail"])
    assert all(ARABIC_LETTERS.search(reason) for reason in body["reasons"])


@pytest.mark.parametrize("lang, expected", [("fr_FR.UTF-8", "Données de démonstration chargées."),
                                            ("en_GB.UTF-8", "Demo data loaded.")])
def test_the_command_line_speaks_the_terminals_language(runner, monkeypatch, lang, expected):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", lang)

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    assert expected in result.output


def test_the_command_line_speaks_arabic_under_an_arabic_terminal(runner, monkeypatch, make_user):
    make_user("founder")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ar_MA.UTF-8")

    result = runner.invoke(args=["demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert ARABIC_LETTERS.search(result.output), result.output
    assert "demo data not loaded" not in result.output


def test_the_demo_loads_in_arabic(runner, session):
    from sqlalchemy import select

    from app.auth.models import User

    result = runner.invoke(args=["demo", "--locale", "ar"])

    assert result.exit_code == 0, result.output
    assert set(session.scalars(select(User.locale))) == {"ar"}
