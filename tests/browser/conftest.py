"""Browser tests: Debian's chromium, driven by Playwright, against the app served on 127.0.0.1.

The app runs once per test session in a background thread (werkzeug) with CSRF on, on a migrated
SQLite file holding the demo data; each test opens its own browser context (cookies, language,
viewport, JavaScript on or off) and creates the accounts and projects it changes, so tests do not
depend on each other's order. Nothing is fetched from the network: chromium is the system's, axe-core
is vendored in `vendor/`.

Without /usr/bin/chromium (or the playwright package) the browser tests are skipped on a developer's
machine, and FAIL when `CI` or `REQUIRE_BROWSER=1` is set (`.ci/run` sets it).

Every main page is saved as a screenshot at desktop and phone width under docs/screenshots/
(`<page>-<desktop|phone>-<lang>.png`), for reviewers who do not run the product.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.core.bidi import FSI
from app.core.bidi import PDI
from app.core.time import utcnow
from app.demo import DEMO_PASSWORD
from app.demo import load_demo
from app.extensions import db as flask_db
from app.mentoring import services as mentoring_services
from app.projects import services as project_services
from app.projects.models import Project
from app.workflow.catalog import catalog_of
from config import TestConfig
from tests.test_i18n import TRANSLATIONS
from tests.test_i18n import compile_stale_catalogs

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (a developer's machine) or fails (CI) before any use
    expect = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "docs" / "screenshots")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: A full-page screenshot is cut at this height (a long page's top is what a reviewer looks at).
MAX_SHOT_HEIGHT = 2400
LANGS = ("fr", "en")
#: The main journeys (founder, mentor, manager) run in every language, Arabic (right to left) included.
JOURNEY_LANGS = (*LANGS, "ar")
#: Every browser test in every language when asked: `BROWSER_LANGS=all`, or `make screenshots` (its
#: pictures exist in each language). Otherwise each other journey runs in one language, French and
#: English taking turns across the files, which keeps the suite in its time budget: what differs
#: between languages is the catalogue (checked for every page by tests/test_french_pages.py and
#: tests/test_arabic_pages.py) and the text's length and direction (the main journeys and the
#: accessibility pass see each language).
ALL_LANGS = os.environ.get("BROWSER_LANGS") == "all" or os.environ.get("SCREENSHOTS") == "1"


def langs(one: str) -> tuple[str, ...]:
    """The languages a secondary browser test runs in: `one`, or all of LANGS when asked (ALL_LANGS)."""
    return LANGS if ALL_LANGS else (one,)
BROWSER_LOCALES = {"fr": "fr-FR", "en": "en-GB", "ar": "ar-MA"}
#: Playwright's default wait; a page of this app answers in milliseconds.
TIMEOUT_MS = 10_000
PASSWORD = DEMO_PASSWORD

_counter = itertools.count(1)


def browser_required() -> bool:
    """CI (any truthy `CI`) and `REQUIRE_BROWSER=1` make a missing browser an error, never a skip."""
    ci = os.environ.get("CI", "").strip().lower()
    return os.environ.get("REQUIRE_BROWSER") == "1" or ci not in ("", "0", "false", "no")


def unavailable(reason: str):
    if browser_required():
        pytest.fail(f"{reason}. Browser tests are mandatory here (CI or REQUIRE_BROWSER=1): install Debian's "
                    "chromium (`apt-get install -y chromium`) and `pip install -r requirements-dev.txt`.",
                    pytrace=False)
    pytest.skip(f"{reason}: browser tests skipped on this machine (`apt-get install -y chromium` to run them)")


# Texts in both languages -------------------------------------------------------------------------------


class Texts:
    """`t(lang, msgid, context=None, **values)`: what a page shows in `lang`, read from that language's
    catalog (`context` is the msgctxt of a pgettext string). In Arabic, the values filled in are
    isolated (FSI … PDI) as the app does (app.core.bidi)."""

    def __init__(self) -> None:
        self.catalogs = {}
        for lang in ("fr", "ar"):
            with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
                self.catalogs[lang] = {(m.context, m.id): m.string for m in read_po(f)
                                       if m.id and isinstance(m.id, str)}
        self.french = self.catalogs["fr"]

    def __call__(self, lang: str, msgid: str, context: str | None = None, **values) -> str:
        text = msgid if lang == "en" else (self.catalogs[lang][context, msgid] or msgid)
        if values and lang == "ar":
            values = {k: f"{FSI}{v}{PDI}" for k, v in values.items()}
        return text % values if values else text


@pytest.fixture(scope="session")
def t() -> Texts:
    return Texts()


# The served application ---------------------------------------------------------------------------------


@dataclass
class LiveServer:
    """The app served on 127.0.0.1, and helpers that arrange data in its database."""

    url: str
    app: Flask
    engine: sa.Engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def user(self, session: Session, email: str) -> User:
        return session.scalars(sa.select(User).where(User.email == email)).one()

    def filesize(self, value: int, lang: str) -> str:
        """A file size as the pages write it in `lang`."""
        from flask_babel import force_locale

        from app.core.templating import filesize

        with self.app.test_request_context(), force_locale(lang):
            return filesize(value)

    def project_id(self, name: str) -> int:
        with self.session() as session:
            return session.scalars(sa.select(Project.id).where(Project.name == name)).one()

    def make_user(self, role: str, lang: str, *, name: str | None = None, profile: dict | None = None) -> User:
        """A fresh verified account in `lang` (password PASSWORD); a mentor gets `profile` if given."""
        n = next(_counter)
        with self.session() as session:
            user = auth_services.create_user(session, email=f"{role}-{lang}-{n}@browser.example.org",
                                             name=name or f"{role.title()} {lang.upper()} {n}", role=role,
                                             password=PASSWORD, locale=lang)
            if profile is not None:
                known_stages = {s.name for d in catalog_of(session).all_latest() for s in d.stages}
                mentoring_services.update_profile(
                    session, user, actor=self.user(session, "manager@example.org"), now=utcnow(),
                    known_poles={"mobile_services", "security_payment_digital_rights", "multimedia",
                                 "software_packages"},
                    known_stages=known_stages, known_dimensions=set(), **profile)
            session.commit()
            return user

    def make_project(self, owner: User, *, name: str, pole: str = "multimedia", stage: str | None = None,
                     mentor: User | None = None, deliverables_done: bool = False, gate_approved: bool = False) -> int:
        """A project of `owner` on the innovation path, moved to `stage` by the demo manager."""
        now = utcnow()
        with self.session() as session:
            manager = self.user(session, "manager@example.org")
            owner = session.get(User, owner.id)
            project = project_services.create_project(
                session, name=name, summary=f"{name}, made by a browser test.", pole=pole, workflow="innovation_path",
                default_workflow="innovation_path", actor=owner, now=now)
            while stage and project.stage != stage:
                project_services.fire_event(session, project, "advance", actor=manager, now=now,
                                            version=project.version, comment="test setup", override=True)
            if deliverables_done:
                definition = project_services.definition_of(session, project)
                for d in definition.stage(project.stage).deliverables:
                    project_services.set_deliverable(session, project, d.key, done=True, actor=owner, now=now)
            if gate_approved:
                project_services.fire_event(session, project, "approve_gate", actor=manager, now=now,
                                            version=project.version, comment="test setup", override=True)
            if mentor is not None:
                mentoring_services.assign_mentor(session, project, session.get(User, mentor.id), actor=manager,
                                                 now=now)
            session.commit()
            return project.id

    def log_session(self, project_id: int, mentor: User, items: list[str]) -> None:
        """An advice session held an hour ago by `mentor`, with these action items (no owner)."""
        now = utcnow()
        with self.session() as session:
            mentoring_services.log_session(
                session, session.get(Project, project_id), actor=session.get(User, mentor.id), now=now,
                held_at=now - dt.timedelta(hours=1), duration_minutes=30, summary="Set up by a browser test.",
                notes="", checkin_id=None,
                action_items=[mentoring_services.ActionItemInput(title, None, None) for title in items])
            session.commit()


def crash():
    raise RuntimeError("a crash on purpose, to show the error page")


@pytest.fixture(scope="session")
def live_server(sqlite_template, tmp_path_factory) -> LiveServer:
    compile_stale_catalogs()
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "parcours.db"
    shutil.copyfile(sqlite_template, path)
    config = type("BrowserConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "WTF_CSRF_ENABLED": True,  # as in production: every form carries its token
        "UPLOADS_DIR": str(folder / "uploads"),
    })
    app = create_app(config)
    app.add_url_rule("/_test/crash", "test_crash", crash)  # shows the page people see on an unexpected error
    with app.app_context():
        load_demo(flask_db.session, now=utcnow() - dt.timedelta(minutes=1),
                  default_workflow=app.config["DEFAULT_WORKFLOW"])
        flask_db.session.commit()
        engine = flask_db.engine
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, _RememberingBody(app), threaded=True,
                         request_handler=_ClosingRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, engine=engine)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        flask_db.session.remove()
        flask_db.engine.dispose()


_responses = threading.local()


class _ClosedOnce:
    """A response body whose `close` runs once, whoever calls it first."""

    def __init__(self, body) -> None:
        self.body = body
        self.closed = False

    def __iter__(self):
        return iter(self.body)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if hasattr(self.body, "close"):
                self.body.close()


class _RememberingBody:
    """Notes each response body on its request's thread, for `_ClosingRequestHandler`."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        _responses.body = _ClosedOnce(self.app(environ, start_response))
        return _responses.body


class _ClosingRequestHandler(WSGIRequestHandler):
    """Closes the body werkzeug's dev server leaves open when a browser hangs up mid-response.

    Its cleanup reads the dropped socket before closing the body, and a reset connection raises
    there: the stylesheet's open file then reaches the garbage collector in some later test, whose
    ResourceWarning fails that test.
    """

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            body = _responses.__dict__.pop("body", None)
            if body is not None:
                body.close()


# The browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - a browser that cannot start is a missing browser
        playwright.stop()
        unavailable(f"{CHROMIUM} did not start: {exc}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(lang, js=True, viewport=DESKTOP)`: a page in a fresh context (no cookies)."""
    contexts = []

    def make(lang: str = "fr", *, js: bool = True, viewport: dict | None = None):
        context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[lang],
                                      java_script_enabled=js, viewport=viewport or DESKTOP,
                                      accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email: str, lang: str, t: Texts, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would, and wait for the landing page."""
    page.goto("/login")
    page.get_by_label(t(lang, "Email"), exact=True).fill(email)
    page.get_by_label(t(lang, "Password"), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=t(lang, "Sign in")).click()
    page.wait_for_url(lambda url: "/login" not in url)


def expect_flashes(page, texts: list[str]) -> None:
    """The page shows exactly these flash messages, waiting for them: a click returns before the page
    it leads to arrives, and the page it left may show flashes of its own."""
    expect(page.locator(".flashes .flash")).to_have_text(texts)


# Screenshots -------------------------------------------------------------------------------------------


class Screenshots:
    """Saves a page at desktop and phone width: docs/screenshots/<name>-<desktop|phone>-<lang>.png."""

    def __init__(self, folder: Path, *, enabled: bool) -> None:
        self.folder = folder
        #: Off unless asked (`make screenshots`): encoding them is a quarter of the browser tests' time,
        #: and a test run has nothing to learn from rewriting the pictures.
        self.enabled = enabled
        self.saved: list[Path] = []

    def take(self, page, name: str, lang: str) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            height = page.evaluate("document.documentElement.scrollHeight")
            path = self.folder / f"{name}-{label}-{lang}.png"
            png = page.screenshot(full_page=True, animations="disabled", caret="hide",
                                  clip={"x": 0, "y": 0, "width": size["width"], "height": min(height, MAX_SHOT_HEIGHT)})
            # 256 colours are plenty for a user interface and make the files three times smaller.
            image = Image.open(io.BytesIO(png)).convert("RGB")
            image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
                path, optimize=True)
            self.saved.append(path)
        page.set_viewport_size(DESKTOP)


@pytest.fixture(scope="session")
def screenshots() -> Screenshots:
    return Screenshots(SCREENSHOTS, enabled=os.environ.get("SCREENSHOTS") == "1")


# Accessibility ----------------------------------------------------------------------------------------


def run_axe(page, *, reflowed: bool = False) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2 A/AA and best practices).

    `reflowed`: the same page again at another width. Colours do not change with the width (the
    stylesheet's media queries change layout only), so contrast, axe's costliest rule by far, is
    checked again only in the header, whose folded menu appears at phone width.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async (reflowed) => {
        const options = {resultTypes: ['violations']};
        const found = reflowed
            ? [...(await axe.run(document, {...options, rules: {'color-contrast': {enabled: false}}})).violations,
               ...(await axe.run('header', {...options, runOnly: ['color-contrast']})).violations]
            : (await axe.run(document, options)).violations;
        return found.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""", reflowed)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)
