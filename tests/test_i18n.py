"""Languages: pages, flash messages, form errors, API errors and emails follow the reader's
language (French by default, English second, Arabic third), and every catalog is complete.

`make test` compiles the catalogs first; `catalogs_compiled` does it too when the suite runs
without make (a fresh clone), so the French assertions never depend on a forgotten step.
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.notifications.render import render_message
from config import Config
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
NBSP = "\u00a0"


def compile_stale_catalogs() -> None:
    """Compile each .po whose .mo is missing or older (atomically: parallel runs may race)."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo)


@pytest.fixture(scope="module", autouse=True)
def catalogs_compiled():
    compile_stale_catalogs()


def text(response) -> str:
    return response.get_data(as_text=True)


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">(.*?)</p>', html, re.S)


def unescape(html: str) -> str:
    return html.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


# Web pages -----------------------------------------------------------------------------------


def test_a_french_user_sees_french_pages(make_user, make_project, login_as):
    owner = make_user("founder", locale="fr", name="Amina")
    project = make_project(owner=owner)
    client = login_as(owner)

    listing = unescape(text(client.get("/projects")))
    assert '<html lang="fr"' in listing
    assert "Bienvenue, Amina." in flashes(listing)
    for french in ("Projets", "Nouveau projet", "Filtrer les projets", "Se déconnecter", "Points d'étape"):
        assert french in listing, french
    assert "Sign out" not in listing

    page = unescape(text(client.get(f"/projects/{project.id}")))
    for french in ("Livrables de cette étape", "Ce que vous pouvez faire maintenant", "Équipe et mentors",
                   "Historique", "actif", "Énoncé du problème", "Parcours d'innovation"):
        assert french in page, french
    assert "Deliverables of this stage" not in page


def test_an_english_user_sees_english_pages(make_user, make_project, login_as):
    owner = make_user("founder", locale="en", name="John")
    project = make_project(owner=owner)
    client = login_as(owner)

    listing = unescape(text(client.get("/projects", headers={"Accept-Language": "fr"})))
    assert '<html lang="en"' in listing
    assert "New project" in listing and "Nouveau projet" not in listing

    page = unescape(text(client.get(f"/projects/{project.id}", headers={"Accept-Language": "fr"})))
    for english in ("Deliverables of this stage", "What you can do now", "Problem statement", "active"):
        assert english in page, english
    assert "Livrables" not in page


def test_the_welcome_message_is_in_the_language_of_the_user_who_signs_in(make_user, client):
    user = make_user("founder", locale="en", name="John")

    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           headers={"Accept-Language": "fr"}, follow_redirects=True)

    assert "Welcome, John." in flashes(text(response))


def test_flash_messages_follow_the_users_language(make_user, make_project, login_as):
    owner = make_user("founder", locale="fr")
    project = make_project(owner=owner)
    client = login_as(owner)
    client.get("/projects")  # consume the welcome message

    ticked = client.post(f"/projects/{project.id}/deliverables/problem_statement",
                         data={"version": project.version, "done": "y"}, follow_redirects=True)
    assert "Livrable mis à jour." in flashes(text(ticked))

    refused = client.post(f"/projects/{project.id}/events",
                          data={"event": "advance", "version": project.version + 1}, follow_redirects=True)
    (message,) = flashes(unescape(text(refused)))
    assert f"«{NBSP}Passer à l'étape suivante{NBSP}» n'est pas possible pour le moment." in message
    assert f"Le livrable «{NBSP}Équipe fondatrice constituée{NBSP}» n'est pas fait." in message


def test_form_errors_follow_the_users_language(make_user, login_as):
    client = login_as(make_user("founder", locale="fr"))

    response = client.post("/projects/new", data={"name": "", "pole": "multimedia"})

    assert response.status_code == 422
    html = unescape(text(response))
    assert "Ce champ est requis." in html  # WTForms' own French catalog
    assert "Pôle d'excellence" in html and "Créer le projet" in html
    assert "This field is required." not in html


def test_service_errors_on_a_form_follow_the_users_language(make_user, make_project, login_as):
    owner = make_user("founder", locale="fr")
    project = make_project(owner=owner)
    client = login_as(owner)

    response = client.post(f"/projects/{project.id}/edit",
                           data={"name": "Atlas 2", "pole": "multimedia", "version": project.version + 5})

    assert response.status_code == 409
    assert "Ce projet a été modifié par quelqu'un d'autre" in unescape(text(response))


@pytest.mark.parametrize("language, expected, unexpected", [
    ("en", "Sign in", "Se connecter"),
    ("fr", "Se connecter", "Sign in"),
    ("fr-MA, ar;q=0.8", "Se connecter", "Sign in"),
    ("en-GB, en;q=0.9, fr;q=0.5", "Sign in", "Se connecter"),
])
def test_anonymous_visitors_get_their_browsers_language(client, language, expected, unexpected):
    html = text(client.get("/login", headers={"Accept-Language": language}))

    assert f"<h1>{expected}</h1>" in html
    assert unexpected not in html


def test_an_anonymous_visitor_without_a_preference_gets_french(client):
    html = unescape(text(client.get("/login")))

    assert '<html lang="fr"' in html
    assert "Parcours accompagne les projets innovants de l'idée jusqu'au marché international." in html


def test_a_failed_sign_in_is_explained_in_the_browsers_language(client, founder):
    response = client.post("/login", data={"email": founder.email, "password": "wrong-password"},
                           headers={"Accept-Language": "fr"}, follow_redirects=True)

    assert "Adresse e-mail ou mot de passe incorrect." in text(response)


def test_one_english_word_gets_the_french_word_of_its_meaning(app):
    """`pgettext` in templates and `lazy_pgettext` in Python code pick the catalog entry of their context."""
    from flask import render_template_string

    from app.cluster.labels import MEMBERSHIP
    from app.core.i18n import lazy_pgettext

    page = ('{{ pgettext("apply to a call", "Apply") }}|{{ pgettext("apply filters", "Apply") }}|'
            '{{ pgettext("call status", "open") }}|{{ pgettext("support request status", "open") }}|'
            '{{ checkin_status_label("done") }}|{{ pgettext("application status", "submitted") }}')
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        french = render_template_string(page)
        words = [str(lazy_pgettext("survival rate", "Rate")), str(MEMBERSHIP["applicant"])]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string(page)

    assert french == "Candidater|Appliquer|ouvert|ouverte|effectué|transmise"
    assert words == ["Taux", "Candidate"]
    assert english == "Apply|Apply|open|open|done|submitted"


# API -----------------------------------------------------------------------------------------


def advance(api, user, project, language: str):
    return api(user).post(f"/api/v1/projects/{project.id}/events", json={"event": "advance", "version": 1},
                          headers={"Accept-Language": language})


def test_api_errors_use_the_callers_language_not_the_browsers(api, make_user, make_project):
    owner = make_user("founder", locale="fr")
    project = make_project(owner=owner)

    body = advance(api, owner, project, "en").get_json()

    assert body["status"] == 422
    assert body["detail"] == f"«{NBSP}Passer à l'étape suivante{NBSP}» n'est pas possible pour le moment."
    assert f"Le livrable «{NBSP}Énoncé du problème{NBSP}» n'est pas fait." in body["reasons"]


def test_api_errors_in_english_for_an_english_caller(api, make_user, make_project):
    owner = make_user("founder", locale="en")
    project = make_project(owner=owner)

    body = advance(api, owner, project, "fr").get_json()

    assert body["detail"] == "“Move to the next stage” is not possible now."
    assert "Deliverable “Problem statement” is not done." in body["reasons"]


def test_api_not_found_uses_the_callers_language(api, make_user):
    caller = make_user("founder", locale="fr")

    body = api(caller).get("/api/v1/projects/999999", headers={"Accept-Language": "en"}).get_json()

    assert body["status"] == 404
    assert body["detail"] == "Ce projet n'existe pas."


# Emails --------------------------------------------------------------------------------------


def test_a_checkin_reminder_is_written_in_french_for_a_french_recipient(app, make_user):
    user = make_user("founder", locale="fr", name="Amina")
    params = {"project": "Atlas", "mentor": "Salma", "due_at": "2026-11-02T09:00:00+00:00",
              "link": "https://parcours.example.org/projects/1"}

    with app.app_context():
        subject, body = render_message("checkin_reminder", user, params)
        english_subject, english_body = render_message("checkin_reminder", make_user("founder", locale="en"),
                                                       params)

    assert subject.startswith(f"Point d'étape pour Atlas{NBSP}: lundi 2 novembre 2026")
    assert body.startswith("Bonjour Amina,")
    assert "Un point d'étape de Atlas avec Salma est prévu le lundi 2 novembre 2026" in body
    assert f"Page du projet{NBSP}: https://parcours.example.org/projects/1" in body
    assert "désactiver les rappels par e-mail" in body
    assert english_subject.startswith("Check-in for Atlas: Monday, November 2, 2026")
    assert english_body.startswith("Hello ")


def test_a_reminder_without_a_mentor_name_says_its_mentor(app, make_user):
    user = make_user("founder", locale="fr")
    params = {"project": "Atlas", "due_at": "2026-11-02T09:00:00+00:00", "link": "https://x.test/p/1"}

    with app.app_context():
        _, body = render_message("checkin_reminder", user, params)

    assert "Un point d'étape de Atlas avec son mentor est prévu" in body


@pytest.mark.parametrize("count, subject", [
    (1, "1 point d'étape en retard"),
    (3, "3 points d'étape en retard"),
])
def test_the_overdue_digest_is_in_french_with_plurals(app, make_user, count, subject):
    user = make_user("manager", locale="fr", name="Karim")
    items = [{"project": f"Projet {n}", "due_at": "2026-11-02T09:00:00+00:00", "mentor": "Salma"}
             for n in range(min(count, 2))]
    params = {"count": count, "items": items, "link": "https://x.test/checkins?status=overdue"}

    with app.app_context():
        rendered_subject, body = render_message("checkin_overdue", user, params)

    assert rendered_subject == subject
    assert body.startswith("Bonjour Karim,")
    assert "Ces points d'étape ont dépassé leur date sans qu'aucune séance ne soit consignée" in body
    assert f"Points d'étape en retard{NBSP}: https://x.test/checkins?status=overdue" in body
    assert ("… et 1 autre(s)." in body) is (count == 3)


def test_a_support_answer_email_is_in_french(app, make_user):
    user = make_user("founder", locale="fr", name="Amina")
    params = {"answer": "Rendez-vous mardi avec le pôle.", "link": "https://x.test/projects/1#support"}

    with app.app_context():
        subject, body = render_message("support_closed", user, params)

    assert subject == "Votre demande d'accompagnement a reçu une réponse"
    assert f"L'équipe du cluster a répondu à votre demande{NBSP}:" in body
    assert "Rendez-vous mardi avec le pôle." in body
    assert f"Consultez-la sur votre projet{NBSP}: https://x.test/projects/1#support" in body


# The catalog ---------------------------------------------------------------------------------


def load_catalog(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def strings(message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def ids(message) -> list[str]:
    return list(message.id) if message.pluralizable else [message.id]


#: Every shipped language but English (the msgids): each has a catalogue that must be complete.
TRANSLATED = [language for language in Config.LANGUAGES if language != "en"]
#: gettext's plural rule of each language (Arabic has six forms: zero, one, two, few, many, other).
PLURAL_FORMS = {
    "fr": (2, "nplurals=2; plural=(n > 1);"),
    "ar": (6, "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 "
              ": n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);"),
}


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def test_every_shipped_language_has_a_catalog_and_a_plural_rule():
    assert {"fr", "ar"} <= set(TRANSLATED)
    for language in TRANSLATED:
        assert catalog_path(language).exists(), f"no catalog for {language}: add it to TRANSLATION_LANGUAGES"
        assert language in PLURAL_FORMS, f"say {language}'s plural rule in PLURAL_FORMS"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_is_complete_and_reviewed(language):
    path = catalog_path(language)
    catalog = load_catalog(path)
    messages = [m for m in catalog if m.id]

    assert (catalog.num_plurals, catalog.plural_forms) == PLURAL_FORMS[language]
    untranslated = [m.id for m in messages if not all(s.strip() for s in strings(m))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated in {path}, such as: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (review them and remove the flag), such as: {fuzzy[:20]}"
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"


def test_french_puts_a_no_break_space_before_high_punctuation_and_inside_guillemets():
    """French typography: `Nom\u00a0: …`, `«\u00a0titre\u00a0»`. An ordinary space lets the line break before the
    colon or after the guillemet, and the catalogue's conventions say so."""
    ordinary = [string for message in load_catalog(catalog_path("fr")) if message.id
                for string in (message.string if isinstance(message.string, tuple) else (message.string,))
                if re.search(r" [:;?!»]|« ", string)]

    assert not ordinary, f"{len(ordinary)} French strings with an ordinary space:\n" + "\n".join(ordinary[:20])


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    catalog = load_catalog(catalog_path(language))
    wrong = []
    for message in (m for m in catalog if m.id):
        expected = set(PLACEHOLDER.findall(ids(message)[-1])) | set(PLACEHOLDER.findall(ids(message)[0]))
        for string in strings(message):
            # A plural form may leave the number out ("one", "two" in Arabic say it in words).
            if set(PLACEHOLDER.findall(string)) - expected or (
                    not message.pluralizable and string and set(PLACEHOLDER.findall(string)) != expected):
                wrong.append((message.id, string))
            # Templates format every string with `%`: a lone percent sign would break the page.
            if "%" in PLACEHOLDER.sub("", string).replace("%%", ""):
                wrong.append((message.id, string))
    assert not wrong, wrong


def key(message) -> tuple:
    """A message as gettext looks it up: its context ("Rate" the ratio is not "Rate" the action) and its id."""
    return message.context, message.id if isinstance(message.id, str) else tuple(message.id)


def makefile_extract_args() -> list[str]:
    """The arguments `make translations` gives `pybabel extract` (the Makefile's EXTRACT_ARGS)."""
    line = re.search(r"^EXTRACT_ARGS := (.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    return shlex.split(line.group(1))


@pytest.fixture(scope="module")
def extraction(tmp_path_factory):
    """A fresh extraction of every marked string, as `make translations` does it."""
    template = tmp_path_factory.mktemp("extract") / "messages.pot"
    cwd = os.getcwd()
    os.chdir(ROOT)  # babel.cfg's patterns are relative to the project root
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", *makefile_extract_args(),
                                    "-o", str(template), "."])
    finally:
        os.chdir(cwd)
    return load_catalog(template)


def test_the_extraction_reads_every_template_that_marks_a_string(extraction):
    """pybabel skips directories starting with `_` unless told otherwise: templates/_macros/ went untranslated."""
    sources = {path for message in extraction for path, _line in message.locations}
    marking = {str(path.relative_to(ROOT)) for path in (ROOT / "templates").rglob("*.html")
               if re.search(r"\b(_|gettext|ngettext|pgettext)\(", path.read_text(encoding="utf-8"))}
    assert "templates/_macros/forms.html" in marking
    assert not sorted(marking - sources)


def test_every_string_of_the_code_is_in_every_catalog(extraction):
    """A fresh extraction (as `make translations` does it) finds no message the catalog lacks."""
    extracted = {key(m) for m in extraction if m.id}

    assert len(extracted) > 400  # the extraction did run over the app and the templates
    for language in TRANSLATED:
        path = catalog_path(language)
        translated = {key(m) for m in load_catalog(path) if m.id}
        missing = sorted(map(str, extracted - translated))
        assert not missing, (f"{len(missing)} strings are not in {path.relative_to(ROOT)}; run `make translations` "
                             "and translate them:\n" + "\n".join(missing))
