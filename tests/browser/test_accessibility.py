"""Accessibility: axe-core on every main page, at desktop and phone width, finds no serious or
critical violation (in French; in every language under `make screenshots`, which also saves each page
at both widths in docs/screenshots/); every page loads in English and Arabic with its language and
direction and fits a phone; the sign-in form works with the keyboard alone."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.calls.models import Application
from app.calls.models import Call
from tests.browser.conftest import ALL_LANGS
from tests.browser.conftest import BROWSER_LOCALES
from tests.browser.conftest import LANGS
from tests.browser.conftest import PASSWORD
from tests.browser.conftest import PHONE
from tests.browser.conftest import describe_violations
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import run_axe
from tests.browser.conftest import sign_in

FOUNDER = "founder@example.org"
MENTOR = "mentor@example.org"
MANAGER = "manager@example.org"

#: (screenshot name, who signs in (None: nobody), the path; `{…}` are demo ids, see `demo_ids`)
PAGES = [
    ("login", None, "/login"),
    ("signup", None, "/signup"),
    ("calls", None, "/calls"),
    ("call", None, "/calls/{call}"),
    ("projects", FOUNDER, "/projects"),
    ("project-founder", FOUNDER, "/projects/{atlastv}"),
    ("project-new", FOUNDER, "/projects/new"),
    ("applications", FOUNDER, "/applications"),
    ("application", FOUNDER, "/applications/{streamkids}"),
    ("account", FOUNDER, "/account"),
    ("notifications", FOUNDER, "/notifications"),
    ("forbidden", FOUNDER, "/pipeline"),
    ("mentees", MENTOR, "/mentees"),
    ("project-mentor", MENTOR, "/projects/{atlastv}"),
    ("session-new", MENTOR, "/projects/{atlastv}/sessions/new"),
    ("checkins", MENTOR, "/checkins"),
    ("office-hours", MENTOR, "/office-hours"),
    ("project-office-hours", FOUNDER, "/projects/{atlastv}/office-hours"),
    ("bookings", MANAGER, "/bookings"),
    ("cockpit", MANAGER, "/cockpit"),
    ("pipeline", MANAGER, "/pipeline"),
    ("project-manager", MANAGER, "/projects/{paymobile}"),
    ("project-sessions", MENTOR, "/projects/{atlastv}/sessions"),
    ("project-history", MANAGER, "/projects/{paymobile}/history"),
    ("project-progress", FOUNDER, "/projects/{atlastv}/progress"),
    ("project-partners", MANAGER, "/projects/{paymobile}/partners"),
    ("mentor-assignment", MANAGER, "/projects/{paymobile}/mentors"),
    ("mentors", MANAGER, "/mentors"),
    ("people", MANAGER, "/people"),
    ("people-invitations", MANAGER, "/people/invitations"),
    ("organisations", MANAGER, "/organisations"),
    ("support", MANAGER, "/support?status=all"),
    ("kpi-reports", MANAGER, "/kpi-reports"),
    ("funders-report", MANAGER, "/reports/funders"),
    ("ranking", MANAGER, "/calls/{call}/ranking"),
    ("call-manager", MANAGER, "/calls/{call}"),
    ("call-new", MANAGER, "/calls/new"),
    ("commissions", MANAGER, "/commissions?pole=multimedia&q=a"),
    ("not-found", MANAGER, "/projects/999999"),
    ("server-error", FOUNDER, "/_test/crash"),
]
#: The friendly pages of errors: their status and heading.
ERROR_PAGES = {"not-found": (404, "Nothing here"), "forbidden": (403, "You may not do this"),
               "server-error": (500, "Something went wrong")}
#: Impacts that fail the test; moderate and minor ones are printed, not fatal.
FATAL = {"serious", "critical"}
#: Resolves once the page has handled the resize (its handlers run before the next frames).
AFTER_THE_RESIZE = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
#: The elements sticking out of the page (on the right; on the left in a right-to-left page), scrolling
#: containers excepted, if any.
WIDER_THAN_THE_SCREEN = """() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) return [];
    const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
    return [...document.querySelectorAll('main *, header *')]
        .filter(e => { const r = e.getBoundingClientRect();
            return (r.right > window.innerWidth + 1 || r.left < -1) && !inScroller(e); })
        .slice(0, 10).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
            (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''));
}"""


@pytest.fixture(scope="module")
def demo_ids(live_server) -> dict[str, int]:
    with live_server.session() as session:
        return {
            "atlastv": live_server.project_id("AtlasTV"),
            "paymobile": live_server.project_id("PayMobile"),
            "call": session.scalars(sa.select(Call.id).order_by(Call.id)).first(),
            "streamkids": session.scalars(sa.select(Application.id).where(Application.title == "StreamKids")).one(),
        }


@pytest.fixture(scope="module")
def signed_in_states() -> dict:
    """Cookies of a signed-in demo account, kept per (account, language) for the module."""
    return {}


def set_language(live_server, email: str, lang: str) -> None:
    with live_server.session() as session:
        session.execute(sa.update(User).where(User.email == email).values(locale=lang))
        session.commit()


#: axe's full pass (desktop, then phone width) runs in French, the longest text; every language when asked
#: (`make screenshots`: the pictures of every page in each language). The other languages are loaded page
#: after page by the lighter test below.
AXE_LANGS = (*LANGS, "ar") if ALL_LANGS else ("fr",)


@pytest.mark.parametrize("lang", AXE_LANGS)
@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_accessibility_violation(browser, live_server, t, screenshots, demo_ids, signed_in_states,
                                            name, who, path, lang):
    context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[lang],
                                  bypass_csp=True,  # axe is injected as a script of the page
                                  storage_state=signed_in_states.get((who, lang)))
    try:
        page = context.new_page()
        if who is not None:
            set_language(live_server, who, lang)
            if (who, lang) not in signed_in_states:
                sign_in(page, who, lang, t)
                signed_in_states[(who, lang)] = context.storage_state()
        response = page.goto(path.format(**demo_ids))
        expected, heading = ERROR_PAGES.get(name, (200, None))
        assert response.status == expected, f"{path}: {response.status}"
        assert page.locator("html").get_attribute("lang") == lang
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, heading))
            expect(page.get_by_role("main").get_by_role("link")).to_have_text(t(lang, "Back to your projects"))

        violations = run_axe(page)
        page.set_viewport_size(PHONE)  # again at phone width: scrolling regions, reflowed content
        page.evaluate(AFTER_THE_RESIZE)
        violations += [v for v in run_axe(page, reflowed=True) if v["id"] not in {seen["id"] for seen in violations}]
        too_wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        screenshots.take(page, name, lang)
    finally:
        context.close()
    fatal = [v for v in violations if v["impact"] in FATAL]
    if violations:
        print(f"axe on {name} ({lang}):\n{describe_violations(violations)}")
    assert not fatal, f"axe found serious or critical violations on {path} ({lang}):\n{describe_violations(fatal)}"
    assert not too_wide, f"{path} ({lang}) is wider than a phone's screen ({PHONE['width']} px): {too_wide}"


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_every_page_speaks_its_language_and_fits_a_phone(browser, live_server, t, demo_ids, lang):
    """Every page of the pass above in the other languages, one after the other at phone width: the
    expected status, the language and direction of the document, and nothing wider than the screen
    (longer words and right-to-left layout are where a page breaks)."""
    direction = "rtl" if lang == "ar" else "ltr"
    wrong, too_wide = [], {}
    for who in (None, FOUNDER, MENTOR, MANAGER):
        context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[lang], viewport=PHONE)
        try:
            page = context.new_page()
            if who is not None:
                set_language(live_server, who, lang)
                sign_in(page, who, lang, t)
            for name, owner, path in PAGES:
                if owner != who:
                    continue
                response = page.goto(path.format(**demo_ids))
                found = (response.status, page.locator("html").get_attribute("lang"),
                         page.locator("html").get_attribute("dir"))
                if found != (ERROR_PAGES.get(name, (200, None))[0], lang, direction):
                    wrong.append((path, found))
                if wide := page.evaluate(WIDER_THAN_THE_SCREEN):
                    too_wide[path] = wide
        finally:
            context.close()
    assert not wrong, f"status, lang and dir ({lang}): {wrong}"
    assert not too_wide, f"wider than a phone's screen ({PHONE['width']} px) in {lang}: {too_wide}"


@pytest.mark.parametrize("lang", langs("en"))
def test_signing_in_with_the_keyboard_alone(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    page = open_page(lang)
    page.goto("/login")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == t(lang, "Skip to content")
    page.keyboard.press("Enter")  # the skip link jumps over the navigation, to the main content
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(founder.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == t(lang, "Sign in")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/projects(#main)?$"))  # a redirect keeps the skip link's fragment
    assert t(lang, "Welcome, %(name)s.", name=founder.name) in page.locator(".flashes").inner_text()


@pytest.mark.parametrize("lang", langs("fr"))
def test_every_control_of_the_project_page_is_reachable_with_tab(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    live_server.make_project(founder, name=f"Keyboard {lang}")
    page = open_page(lang)
    sign_in(page, founder.email, lang, t)
    page.get_by_role("table").get_by_role("link", name=f"Keyboard {lang}").click()  # (the next step links it too)
    page.locator("#deliverables button.tick").first.wait_for()  # counted on the project page, not the list

    controls = page.evaluate("""() => [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
        .filter(e => e.offsetParent !== null && !e.disabled).length""")
    reached = set()
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("""() => { const e = document.activeElement;
            return e.tagName + '|' + (e.id || e.name || e.getAttribute('aria-label') || e.textContent.trim()) + '|'
                + (e.closest('form') ? e.closest('form').action : e.getAttribute('href')); }"""))
    ticks = page.locator("#deliverables button.tick")
    labels = {f"BUTTON|{ticks.nth(i).get_attribute('aria-label')}" for i in range(ticks.count())}
    assert labels and all(any(r.startswith(label) for r in reached) for label in labels), reached
    # Hold and abandon wait behind a disclosure: its summary is reached, the forms inside once it is open.
    assert any(r.startswith(f"SUMMARY|{t(lang, 'Pause or stop this project')}") for r in reached), reached
    assert not any(r.startswith("TEXTAREA|comment-abandon") for r in reached)
    page.locator("#events details.set-aside > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "comment-hold"
