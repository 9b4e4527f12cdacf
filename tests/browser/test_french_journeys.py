"""French that is French, at a phone's width, in French and in English: the language switcher of
an anonymous page (remembered, then saved on the account), list tables that become stacked cards,
a pasted link that wraps inside the page, and charts whose labels and legends fit the screen."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.core.time import utcnow
from app.projects import services as project_services
from app.projects.models import Project
from tests.browser.conftest import BROWSER_LOCALES
from tests.browser.conftest import PHONE
from tests.browser.conftest import describe_violations
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import run_axe
from tests.browser.conftest import sign_in

_numbers = itertools.count(1)
OTHER = {"fr": ("en", "English"), "en": ("fr", "Français")}
#: Every text of every chart on the page that sticks out of its chart, or overlaps another text.
CHART_TEXT_PROBLEMS = """() => {
    const problems = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].map(t => [t, t.getBoundingClientRect()]);
        for (const [t, r] of texts) {
            if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                problems.push('outside: ' + t.textContent);
        }
        const legends = texts.filter(([t]) => t.classList.contains('chart-legend'));
        for (let i = 0; i < legends.length; i++) for (let j = i + 1; j < legends.length; j++) {
            const [a, ra] = legends[i], [b, rb] = legends[j];
            if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom)
                problems.push('overlap: ' + a.textContent + ' / ' + b.textContent);
        }
    }
    return problems;
}"""


@pytest.fixture
def phone_page(browser, live_server, request):
    """`phone_page(lang)`: a page 390 px wide in a fresh context (axe is injected: no CSP for it)."""

    def make(lang: str):
        context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[lang], viewport=PHONE,
                                      bypass_csp=True)
        request.addfinalizer(context.close)
        return context.new_page()

    return make


def assert_accessible(page) -> None:
    fatal = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not fatal, describe_violations(fatal)


@pytest.mark.parametrize("lang", langs("en"))
def test_the_switcher_of_an_anonymous_page_is_remembered_then_saved_on_the_account(phone_page, live_server, t, lang):
    other, name = OTHER[lang]
    page = phone_page(lang)
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == lang

    page.get_by_role("button", name=name).click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    page.goto("/signup")  # remembered by the cookie on the next page
    expect(page.locator("html")).to_have_attribute("lang", other)
    assert_accessible(page)

    person = live_server.make_user("founder", lang)  # never chose: follows its browser until now
    sign_in(page, person.email, other, t)
    expect(page.locator("html")).to_have_attribute("lang", other)
    with live_server.session() as session:
        saved = session.scalars(sa.select(User).where(User.id == person.id)).one()
        assert (saved.locale, saved.has_chosen_locale) == (other, True)


@pytest.mark.parametrize("lang", langs("fr"))
def test_at_phone_width_tables_are_cards_links_wrap_and_charts_fit(phone_page, live_server, t, screenshots, lang):
    founder = live_server.make_user("founder", lang)
    link = "https://example.org/" + "un-lien-colle-sans-aucune-espace-" * 6 + str(next(_numbers))
    with live_server.session() as session:
        project = project_services.create_project(
            session, name=f"Lien {lang}", summary=f"{t(lang, 'Summary')}: {link}", pole="multimedia",
            workflow="innovation_path", default_workflow="innovation_path",
            actor=live_server.user(session, founder.email), now=utcnow())
        session.commit()
        project_id = project.id
    page = phone_page(lang)
    sign_in(page, founder.email, lang, t)

    page.goto("/projects")
    row = page.locator("table.list.cards tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card, not a table row
    heading = page.locator("table.list.cards thead th").first.inner_text().strip()
    assert row.locator("td").first.get_attribute("data-label") == heading
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshots.take(page, "projects-phone-cards", lang)
    page.set_viewport_size(PHONE)  # taking the screenshots (`make screenshots`) leaves a desktop width

    page.goto(f"/projects/{project_id}")
    summary = page.locator("p.summary")
    expect(summary).to_contain_text(link[:40])
    assert summary.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    with live_server.session() as session:  # off the boards (12 cards a stage) other journeys read
        project = session.get(Project, project_id)
        project_services.fire_event(session, project, "abandon", actor=live_server.user(session, founder.email),
                                    now=utcnow(), version=project.version, comment="Fin du test.")
        session.commit()

    manager = phone_page(lang)
    sign_in(manager, live_server.make_user("manager", lang).email, lang, t)
    for path in ("/pipeline", f"/projects/{live_server.project_id('AtlasTV')}/progress"):
        manager.goto(path)
        assert manager.locator("svg.chart").count() >= 2, path
        assert manager.evaluate(CHART_TEXT_PROBLEMS) == [], path
    screenshots.take(manager, "progress-phone-charts", lang)
    assert_accessible(manager)
