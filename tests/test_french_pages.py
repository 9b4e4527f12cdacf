"""Every main page in French, signed in as each demo role over the demo data: no raw key (a
snake_case token, a stage, metric or pole key), no English sentence of the catalogue, no ISO date
in a sentence, no seconds, no decimal point, no raw time zone name, no "KB".

The browser run visits these pages; the test client renders them much faster. The French
catalogue tells which English sentences have a French translation: one of them on a French page
is a string someone forgot to translate."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from app.calls.models import Application
from app.calls.models import Call
from app.cohorts import services as _cohorts  # noqa: F401  (the area's models are loaded)
from app.demo import DEMO_PASSWORD
from app.demo import load_demo
from app.kpis.models import KpiReport
from app.projects.models import Cohort
from app.projects.models import Project
from app.workflow.catalog import catalog_of

#: (who signs in — None: nobody —, the path; `{…}` are demo ids, see `demo_ids`)
PAGES = [
    (None, "/login"), (None, "/signup"), (None, "/password-reset"), (None, "/calls"), (None, "/calls/{call}"),
    ("founder", "/projects"), ("founder", "/projects/{AtlasTV}"), ("founder", "/projects/{SecureID}"),
    ("founder", "/projects/{EduStream}"), ("founder", "/projects/new"), ("founder", "/applications"),
    ("founder", "/applications/{streamkids}"), ("founder", "/account"), ("founder", "/notifications"),
    ("founder", "/projects/{AtlasTV}/progress"), ("founder", "/projects/{AtlasTV}/sessions"),
    ("founder", "/checkins"), ("founder", "/projects/{SecureID}/funding/new"),
    ("founder2", "/projects/{Darija Voice}"), ("founder2", "/projects/{AgriSMS}"),
    ("mentor", "/mentees"), ("mentor", "/projects/{AtlasTV}"), ("mentor", "/projects/{AtlasTV}/sessions/new"),
    ("mentor", "/checkins"), ("mentor", "/projects/{AtlasTV}/readiness/new"),
    ("manager", "/cockpit"), ("manager", "/pipeline"), ("manager", "/projects"), ("manager", "/projects/{PayMobile}"),
    ("manager", "/projects/{SecureID}"), ("manager", "/projects/{Darija Voice}"),
    ("manager", "/projects/{PayMobile}/history"), ("manager", "/projects/{AgriSMS}/history"),
    ("manager", "/projects/{PayMobile}/partners"), ("manager", "/projects/{PayMobile}/mentors"),
    ("manager", "/mentors"), ("manager", "/people"), ("manager", "/people/invitations"),
    ("manager", "/organisations"), ("manager", "/support?status=all"), ("manager", "/kpi-reports"),
    ("manager", "/kpi-reports/{report}"), ("manager", "/reports/funders"), ("manager", "/calls/{call}/ranking"),
    ("manager", "/calls/new"), ("manager", "/cohorts"), ("manager", "/cohorts/{cohort}/edit"),
    ("manager", "/commissions"), ("manager", "/projects/999999"),
    ("admin", "/people"), ("applicant", "/applications"), ("applicant", "/calls"),
    ("mentor", "/office-hours"), ("founder", "/projects/{AtlasTV}/office-hours"), ("manager", "/bookings"),
]
#: Words that are the same in both languages or names: demo people, organisations, products.
ALLOWED = {"Parcours", "Founder", "Manager", "Mentor", "Admin", "Applicant", "Former", "Women in Tech Maroc",
           "Club des Développeurs", "Startup Maroc", "Atlas Software", "Casablanca Systems", "Medina Payments",
           "Rabat Digital", "Souss Data", "Tanger Media", "English", "Email", "email", "Pitch", "pitch",
           "Total", "Stop", "Action", "Actions", "Budget", "Contact", "Description", "Minimum", "Maximum",
           "Demo day", "Date", "Note", "Notes", "Source", "Sources", "Type", "Pipeline", "Commission",
           "Commissions", "Organisation", "Organisations", "Mentors", "Cohorte", "Impact", "Transitions",
           "Innovation", "Industrialisation", "Commercialisation", "Internationalisation", "Important",
           # A field's hint showing the format it takes (IANA zone names), not a zone shown to the reader.
           "Par exemple Africa/Casablanca ou Europe/Paris."}
#: Common English words that no French sentence uses.
ENGLISH_WORDS = {"the", "and", "with", "your", "you", "is", "are", "this", "that", "has", "have", "was", "were",
                 "for", "of", "to", "not", "will", "from", "which", "who", "what", "by", "on", "at", "it"}
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
ZONE = re.compile(r"\b(?:Africa|Europe|America|Asia|Atlantic|Pacific|Indian|Australia|Antarctica)/[A-Z][A-Za-z_]+")
SIZE = re.compile(r"\d\s?(?:KB|MB|GB|bytes)\b")
#: French puts a (no-break) space before : ; ? ! — a word glued to one is English typography ("Équipe: 4/5").
GLUED_PUNCTUATION = re.compile(r"[^\W\d_][:;?!](?=\s|$)")
#: Attributes whose text is read out or shown.
SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class Texts(HTMLParser):
    """The visible text pieces of a page (text nodes, labels read out), scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.pieces.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(" ".join(data.split()))


def texts(html: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return parser.pieces


def english_of_the_catalogue() -> tuple[set[str], list[re.Pattern]]:
    """The English msgids translated differently into French: whole ones, and patterns of those with
    placeholders."""
    path = Path(__file__).parents[1] / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    french = set()
    english: set[str] = set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        french.update(strings)
        english.update(i for i, s in zip(ids, strings, strict=False) if i != s)
    english -= french  # a word the same in both (e.g. "Actions") says nothing
    whole = {e for e in english if "%" not in e and len(e.split()) >= 2 and e not in ALLOWED}
    patterns = [re.compile(re.escape(e).replace(r"%\(", "%(").replace(r"\)s", ")s")) for e in ()]
    for e in english:
        if "%(" in e and len(re.sub(r"%\(\w+\)[sd]", "", e).split()) >= 3:
            parts = re.split(r"%\(\w+\)[sd]", e)
            patterns.append(re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$"))
    return whole, patterns


def problems_of(pieces: list[str], whole: set[str], patterns: list[re.Pattern], keys: set[str]) -> list[str]:
    found = []
    for piece in pieces:
        if piece in ALLOWED:
            continue
        words = set(re.findall(r"[^\W\d_]+", piece))
        checks = [
            ("snake_case key", SNAKE.search(piece)), ("raw key", piece in keys),
            ("English", piece in whole or any(p.match(piece) for p in patterns)),
            ("English words", len(words & ENGLISH_WORDS) >= 1 and not _allowed_inside(piece)),
            ("ISO date", ISO_DATE.search(piece)), ("seconds", SECONDS.search(piece)),
            ("decimal point", DECIMAL_POINT.search(piece)), ("time zone key", ZONE.search(piece)),
            ("file size", SIZE.search(piece)), ("no space before : ; ? !", GLUED_PUNCTUATION.search(piece)),
        ]
        found += [f"{what}: {piece!r}" for what, hit in checks if hit]
    return found


def _allowed_inside(piece: str) -> bool:
    rest = piece
    for name in ALLOWED:
        rest = rest.replace(name, "")
    return not (set(re.findall(r"[^\W\d_]+", rest)) & ENGLISH_WORDS)


def workflow_keys(session) -> set[str]:
    """Stage, event, deliverable and KPI keys of every workflow, and the poles' keys: never shown as such."""
    from app.projects.models import Pole

    keys = set(session.scalars(sa.select(Pole.key)))
    for definition in catalog_of(session).all_latest():
        keys.update(definition.events)
        for stage in definition.stages:
            keys.add(stage.name)
            keys.update(d.key for d in stage.deliverables)
            if stage.kpis is not None:
                keys.update(m.key if hasattr(m, "key") else m["key"] for m in stage.kpis.metrics)
    return keys


@pytest.fixture
def demo_ids(session, now) -> dict[str, int]:
    load_demo(session, now=now, default_workflow="innovation_path")
    session.commit()
    ids = {p.name: p.id for p in session.scalars(sa.select(Project))}
    ids["call"] = session.scalars(sa.select(Call.id).order_by(Call.id)).first()
    ids["streamkids"] = session.scalars(sa.select(Application.id).where(Application.title == "StreamKids")).one()
    ids["report"] = session.scalars(sa.select(KpiReport.id).where(KpiReport.submitted_at.is_not(None))
                                    .order_by(KpiReport.id)).first()
    ids["cohort"] = session.scalars(sa.select(Cohort.id).order_by(Cohort.id)).first()
    return ids


def test_french_pages_show_no_key_and_no_english(app, session, demo_ids):
    whole, patterns = english_of_the_catalogue()
    keys = workflow_keys(session) - ALLOWED
    found: dict[str, list[str]] = {}
    clients: dict[str | None, object] = {}
    for who, path in PAGES:
        if who not in clients:
            clients[who] = app.test_client()
            if who:
                response = clients[who].post("/login", data={"email": f"{who}@example.org", "password": DEMO_PASSWORD},
                                             headers={"Accept-Language": "fr-FR,fr;q=0.9"})
                assert response.status_code == 302, who
        url = re.sub(r"\{([^}]+)\}", lambda m: str(demo_ids[m.group(1)]), path)
        response = clients[who].get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        assert response.status_code in (200, 404), f"{who} {url}: {response.status_code}"
        html = response.get_data(as_text=True)
        assert '<html lang="fr"' in html, url
        problems = problems_of(texts(html), whole, patterns, keys)
        if problems:
            found[f"{who} {path}"] = sorted(set(problems))
    report = "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in found.items())
    assert not found, f"French pages with keys or English:\n{report}"
