"""Every main page in Arabic (the pages the browser run visits, as in test_french_pages.py), signed in
as each demo role over the demo data loaded in Arabic (`flask demo --locale ar`): right to left, and
no Latin-script word that is not a proper noun, a number, an email address or a URL. A Latin word
on an Arabic page is a string someone forgot to mark or translate (or a label without `ar`).

Proper nouns are the demo's people, projects, organisations and products (read from the database)
and a short list of names and codes; everything else must be Arabic."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.calls.models import Application
from app.calls.models import Call
from app.cluster.models import Organisation
from app.demo import DEMO_PASSWORD
from app.demo import load_demo
from app.kpis.models import KpiReport
from app.projects.models import Cohort
from app.projects.models import Project
from tests.test_french_pages import PAGES
from tests.test_french_pages import texts

#: Names and codes written in Latin letters in Arabic too: the product, the switcher's language names
#: (each in itself), currencies, file formats.
PROPER = {"Parcours", "Français", "English", "Ctrl", "iCal", "Google Calendar", "Outlook", "Thunderbird",
          # The name an erased account is shown under, the same in every language (app/privacy).
          "Former member"}
#: Codes and acronyms: currencies (MAD, EUR), formats (PDF, XLSX), UTC, a label number (PC-2026-0001).
CODE = re.compile(r"\b[A-Z]{2,5}\b(?:-\d+)*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://\S*|/[^\s]*[\w/]")
#: A time zone's IANA name in a field's hint ("Africa/Casablanca"), and a Latin gloss in parentheses
#: after the Arabic term ("العرض التقديمي (pitch deck)"), as Arabic technical writing does.
ZONE = re.compile(r"\b[A-Z][a-z]+/[A-Z][A-Za-z_]+")
GLOSS = re.compile(r"(?<=[\u0600-\u06ff]) \([A-Za-z][A-Za-z -]*\)")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*")
#: Values filled into messages are isolated with these (app.core.bidi); they are not text.
ISOLATES = re.compile("[\u2066-\u2069\u200e\u200f]")


@pytest.fixture
def arabic_demo(session, now) -> tuple[dict[str, int], set[str]]:
    """The demo loaded in Arabic: its ids (as test_french_pages' `demo_ids`) and its proper nouns."""
    load_demo(session, now=now, default_workflow="innovation_path", locale="ar")
    session.commit()
    ids = {p.name: p.id for p in session.scalars(sa.select(Project))}
    ids["call"] = session.scalars(sa.select(Call.id).order_by(Call.id)).first()
    ids["streamkids"] = session.scalars(sa.select(Application.id).where(Application.title == "StreamKids")).one()
    ids["report"] = session.scalars(sa.select(KpiReport.id).where(KpiReport.submitted_at.is_not(None))
                                    .order_by(KpiReport.id)).first()
    ids["cohort"] = session.scalars(sa.select(Cohort.id).order_by(Cohort.id)).first()
    names = set(PROPER)
    for column in (User.name, Project.name, Organisation.name, Application.title):
        names.update(session.scalars(sa.select(column)))
    return ids, {n for n in names if n}


def latin_problems(piece: str, names: set[str]) -> list[str]:
    """The Latin words of a text piece once names, emails, URLs, codes and numbers are taken out."""
    rest = EMAIL.sub(" ", ISOLATES.sub("", piece))
    for name in sorted(names, key=len, reverse=True):  # "Atlas TV" before "Atlas"
        if name in rest:
            rest = rest.replace(name, " ")
    for pattern in (ZONE, URL, CODE, GLOSS):
        rest = pattern.sub(" ", rest)
    return [w for w in LATIN_WORD.findall(rest) if len(w) > 1]


def test_latin_problems_finds_sentences_and_spares_names_numbers_emails_and_urls():
    names = {"Amina Benali", "Atlas TV"}

    assert latin_problems("مرحبا، \u2068Amina Benali\u2069. لديك 3 مشاريع", names) == []
    assert latin_problems("راسل amina@example.org أو https://parcours.example.org/projects/7", names) == []
    assert latin_problems("Atlas TV · 250.000,00 MAD", names) == []
    assert latin_problems("Move to the next stage", names) == ["Move", "to", "the", "next", "stage"]
    assert latin_problems("مشروع Idée", names) == ["Idée"]
    assert latin_problems("مثلا Africa/Casablanca، رابط (http:// أو https://)، العرض (pitch deck)", names) == []


def test_arabic_pages_are_right_to_left_and_show_no_latin_sentence(app, arabic_demo):
    ids, names = arabic_demo
    headers = {"Accept-Language": "ar-MA,ar;q=0.9"}
    found: dict[str, list[str]] = {}
    clients: dict[str | None, object] = {}
    for who, path in PAGES:
        if who not in clients:
            clients[who] = app.test_client()
            if who:
                response = clients[who].post("/login", headers=headers,
                                             data={"email": f"{who}@example.org", "password": DEMO_PASSWORD})
                assert response.status_code == 302, who
        url = re.sub(r"\{([^}]+)\}", lambda m: str(ids[m.group(1)]), path)
        response = clients[who].get(url, headers=headers)
        assert response.status_code in (200, 404), f"{who} {url}: {response.status_code}"
        html = response.get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in html, url
        problems = sorted({f"{' '.join(words)!r} in {piece!r}" for piece in texts(html)
                           if (words := latin_problems(piece, names))})
        if problems:
            found[f"{who} {path}"] = problems
    report = "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in found.items())
    assert not found, f"Arabic pages with Latin-script text:\n{report}"
