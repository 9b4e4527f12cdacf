"""The exports, the funders' charts and privacy in a real browser, in French and in English.

A manager filters the projects list and downloads its CSV, which opens as the reader's Excel would
(byte order mark; `;` and a decimal comma in French, `,` and a point in English), then reads the
funders' report with its charts. A newcomer cannot sign up without accepting the privacy notice; a
founder asks for erasure from their account page and a manager carries it out."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.cluster import services as cluster_services
from app.core.time import utcnow
from app.projects.models import Project
from tests.browser.conftest import PASSWORD
from tests.browser.conftest import describe_violations
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import run_axe
from tests.browser.conftest import sign_in

BOM = b"\xef\xbb\xbf"


def context_for(browser, live_server, lang: str):
    # axe is injected as a script of the page: no CSP for it; downloads are saved.
    return browser.new_context(base_url=live_server.url, locale={"fr": "fr-FR", "en": "en-GB"}[lang],
                               bypass_csp=True, accept_downloads=True)


def assert_accessible(page) -> None:
    fatal = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not fatal, describe_violations(fatal)


@pytest.mark.parametrize("lang", langs("fr"))
def test_a_manager_downloads_the_filtered_projects_csv_as_excel_opens_it(browser, live_server, t, screenshots,
                                                                        tmp_path, lang):
    manager = live_server.make_user("manager", lang)
    founder = live_server.make_user("founder", lang)
    name = f"Export journey {lang} {founder.id}"
    project_id = live_server.make_project(founder, name=name)
    with live_server.session() as session:
        cluster_services.save_funding(session, session.get(Project, project_id), None,
                                      actor=session.get(User, founder.id), now=utcnow(), source="grant",
                                      amount="1234.50", status="granted",
                                      decided_on=utcnow().date() - dt.timedelta(days=1))
        session.commit()
    context = context_for(browser, live_server, lang)
    try:
        page = context.new_page()
        sign_in(page, manager.email, lang, t)
        page.goto("/projects")
        page.get_by_label(t(lang, "Search")).fill(name)
        page.get_by_role("button", name=t(lang, "Apply", "apply filters")).click()
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()

        with page.expect_download() as download_info:
            page.get_by_role("link", name=t(lang, "Export CSV")).click()
        download = download_info.value
        assert download.suggested_filename == "projects.csv"
        path = tmp_path / "projects.csv"
        download.save_as(path)
        body = path.read_bytes()

        assert body.startswith(BOM)  # Excel reads UTF-8 only with it
        separator, decimal = (";", "1234,50") if lang == "fr" else (",", "1234.50")
        header, *rows = list(csv.reader(io.StringIO(body[len(BOM):].decode("utf-8")), delimiter=separator))
        assert header[0] == t(lang, "Name") and header[3] == t(lang, "Stage")
        assert [r[0] for r in rows] == [name]  # the list's filter applied
        assert rows[0][12] == decimal and rows[0][3] == ("Idée" if lang == "fr" else "Idea")

        page.goto("/reports/funders")
        charts = page.locator("[data-funder-charts]")
        for title in ("Projects per stage and their moves", "Money raised by source (MAD)",
                      "Jobs created per quarter"):
            expect(charts.locator("svg title").filter(has_text=t(lang, title))).to_have_count(1)
        assert_accessible(page)
        screenshots.take(page, "funders-report", lang)
        page.goto("/exchange-rates")
        expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Exchange rates"))
        assert_accessible(page)
        screenshots.take(page, "exchange-rates", lang)
    finally:
        context.close()


@pytest.mark.parametrize("lang", langs("en"))
def test_consent_at_sign_up_and_erasure_carried_out_by_a_manager(browser, live_server, t, screenshots, lang):
    manager = live_server.make_user("manager", lang)
    founder = live_server.make_user("founder", lang)
    context = context_for(browser, live_server, lang)
    try:
        page = context.new_page()
        page.goto("/signup")
        page.get_by_label(t(lang, "Email"), exact=True).fill(f"newcomer-{lang}-{founder.id}@browser.example.org")
        page.get_by_label(t(lang, "Full name")).fill("Newcomer")
        page.get_by_label(t(lang, "Password"), exact=True).fill(PASSWORD)
        page.evaluate("document.querySelector('form').noValidate = true")  # the server's answer, not the browser's
        page.get_by_role("button", name=t(lang, "Create my account")).click()
        expect(page.locator(".errors")).to_contain_text(t(lang, "Tick the box to accept the privacy notice."))
        page.locator("main form a[href='/privacy']").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Privacy notice"))
        assert_accessible(page)
        screenshots.take(page, "privacy", lang)

        sign_in(page, founder.email, lang, t)
        page.goto("/account")
        page.get_by_text(t(lang, "Ask for my account to be erased"), exact=True).click()
        page.get_by_label(t(lang, "I ask for my account to be erased")).check()
        page.get_by_role("button", name=t(lang, "Send my request")).click()
        expect(page.locator("[data-deletion-status=requested]")).to_be_visible()
        page.locator("form[action='/logout'] button").click()

        sign_in(page, manager.email, lang, t)
        page.goto("/privacy/requests")
        card = page.locator("article", has_text=founder.email)
        assert_accessible(page)
        screenshots.take(page, "deletion-requests", lang)
        card.locator("input[name=confirm]").check()
        card.get_by_role("button", name=t(lang, "Anonymise the account")).click()
        expect(page.locator("#flashes")).to_contain_text(f"#{founder.id}")
        with live_server.session() as session:
            user = session.get(User, founder.id)
            assert user.name == f"Former member #{founder.id}" and user.is_disabled
            assert session.scalar(sa.select(User).where(User.email == founder.email)) is None
    finally:
        context.close()
