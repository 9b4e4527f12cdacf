"""A manager's cohort journey in a real browser, in French and in English: create a cohort (a refused
date shown on the form first), put a project in it from the project's edit page, and filter the
pipeline by it. The cohorts' page passes axe at desktop and phone width."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.core.time import utcnow
from tests.browser.conftest import PHONE
from tests.browser.conftest import describe_violations
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import run_axe
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import AFTER_THE_RESIZE
from tests.browser.test_accessibility import FATAL
from tests.browser.test_accessibility import WIDER_THAN_THE_SCREEN


@pytest.mark.parametrize("lang", langs("en"))
def test_manager_creates_a_cohort_puts_a_project_in_it_and_filters_the_pipeline(browser, live_server, t,
                                                                                 screenshots, lang):
    manager = live_server.make_user("manager", lang)
    founder = live_server.make_user("founder", lang)
    project = f"Cohort journey {lang} {founder.id}"
    project_id = live_server.make_project(founder, name=project)
    name = f"Cohorte {lang} {manager.id}"
    today = utcnow().date()
    context = browser.new_context(base_url=live_server.url, locale={"fr": "fr-FR", "en": "en-GB"}[lang],
                                  bypass_csp=True)  # axe is injected as a script of the page
    try:
        page = context.new_page()
        sign_in(page, manager.email, lang, t)

        page.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "Cohorts")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Cohorts"))
        page.locator("main").get_by_role("link", name=t(lang, "New cohort")).first.click()

        page.get_by_label(t(lang, "Name"), exact=True).fill(name)
        page.get_by_label(t(lang, "Programme (path)")).select_option("innovation_path")
        page.get_by_label(t(lang, "Starts on")).fill(today.isoformat())
        page.get_by_label(t(lang, "Ends on")).fill((today - dt.timedelta(days=1)).isoformat())
        page.get_by_role("button", name=t(lang, "Create the cohort")).click()
        expect(page.locator(".errors")).to_have_text(t(lang, "The cohort cannot end before it starts."))

        page.get_by_label(t(lang, "Ends on")).fill((today + dt.timedelta(days=120)).isoformat())
        page.get_by_label(t(lang, "Demo day")).fill((today + dt.timedelta(days=100)).isoformat())
        page.get_by_role("button", name=t(lang, "Create the cohort")).click()
        expect(page).to_have_url(re.compile(r"/cohorts$"))
        expect(page.locator("#flashes")).to_contain_text(t(lang, "Cohort “%(name)s” created.", name=name))
        row = page.locator("tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator("td").nth(4)).to_have_text("0")

        violations = run_axe(page)
        page.set_viewport_size(PHONE)
        page.evaluate(AFTER_THE_RESIZE)
        violations += run_axe(page)
        assert not page.evaluate(WIDER_THAN_THE_SCREEN)
        screenshots.take(page, "cohorts", lang)
        fatal = [v for v in violations if v["impact"] in FATAL]
        assert not fatal, describe_violations(fatal)

        page.goto(f"/projects/{project_id}")
        page.get_by_role("link", name=t(lang, "Put in a cohort")).click()
        page.get_by_label(t(lang, "Cohort"), exact=True).select_option(label=name)
        page.get_by_role("button", name=t(lang, "Save")).click()
        expect(page.locator("#flashes")).to_contain_text(t(lang, "Project saved."))
        expect(page.locator(".page-head .meta")).to_contain_text(t(lang, "Cohort: %(name)s", name=name))

        page.goto("/pipeline")
        page.get_by_label(t(lang, "Cohort"), exact=True).select_option(label=name)
        page.get_by_role("button", name=t(lang, "Apply", "apply filters")).click()
        expect(page).to_have_url(re.compile(r"cohort=\d+"))
        expect(page.locator(".project-card a")).to_have_text([project])
    finally:
        context.close()
