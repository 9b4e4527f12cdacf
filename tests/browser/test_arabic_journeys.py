"""Arabic, right to left, in the browser: the layout mirrors (the stage stepper starts at the right
edge, the primary action sits at the inline start, the board's first stage is its rightmost column),
Latin names stay whole inside Arabic text, and the pages of each role are free of serious or
critical accessibility violations at desktop and phone width. The journeys themselves run in Arabic
in test_journeys.py; this file checks what only a right-to-left page can get wrong."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.core.time import utcnow
from app.projects.models import Project
from tests.browser.conftest import BROWSER_LOCALES
from tests.browser.conftest import DESKTOP
from tests.browser.conftest import PHONE
from tests.browser.conftest import describe_violations
from tests.browser.conftest import expect
from tests.browser.conftest import run_axe
from tests.browser.conftest import sign_in

#: A pixel or two of rounding between two edges that line up.
SLACK = 2


@pytest.fixture
def arabic_page(browser, live_server, request):
    """`arabic_page(viewport)`: a page in a fresh Arabic context (axe is injected: no CSP for it)."""

    def make(viewport: dict):
        context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES["ar"], viewport=viewport,
                                      bypass_csp=True)
        request.addfinalizer(context.close)
        return context.new_page()

    return make


def assert_right_to_left(page) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def assert_accessible(page, *, reflowed: bool = False) -> None:
    fatal = [v for v in run_axe(page, reflowed=reflowed) if v["impact"] in ("serious", "critical")]
    assert not fatal, describe_violations(fatal)


def box(locator) -> dict:
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right}; }")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_arabic_project_page_mirrors_the_layout(arabic_page, live_server, t, screenshots, viewport):
    founder = live_server.make_user("founder", "ar")
    name = f"Atlas TV! {founder.id}"  # Latin, punctuation at its end: scrambled without isolation
    project_id = live_server.make_project(founder, name=name, deliverables_done=True, gate_approved=True)
    page = arabic_page(viewport)
    sign_in(page, founder.email, "ar", t)
    page.goto(f"/projects/{project_id}")
    assert_right_to_left(page)

    # The project's Latin name is isolated and reads as typed.
    heading = page.get_by_role("heading", level=1)
    expect(heading.locator("bdi")).to_have_text(name)

    # The stepper starts at the right edge and runs leftwards; its arrows point left.
    path, steps = page.locator("ol.path"), page.locator("ol.path > li.step")
    first, second = box(steps.nth(0)), box(steps.nth(1))
    assert abs(first["right"] - box(path)["right"]) <= SLACK, (first, box(path))
    assert second["right"] <= first["left"] + SLACK or viewport is PHONE  # a phone may wrap the second below
    arrow = steps.nth(0).evaluate("e => getComputedStyle(e, '::after').content")
    assert arrow == '"←"', arrow

    # The primary action sits at the inline start (the right) of its block.
    primary = page.locator("#events button.primary").first
    expect(primary).to_be_visible()
    form = primary.locator("xpath=ancestor::form[1]")
    assert abs(box(primary)["right"] - box(form)["right"]) <= SLACK, (box(primary), box(form))

    assert_accessible(page, reflowed=viewport is PHONE)
    if viewport is DESKTOP:
        screenshots.take(page, "project", "ar")


def test_an_arabic_managers_board_reads_from_the_right(arabic_page, live_server, t, screenshots):
    manager = live_server.make_user("manager", "ar")
    founder = live_server.make_user("founder", "ar")
    project_id = live_server.make_project(founder, name=f"Kasbah Pay {founder.id}")
    with live_server.session() as session:  # among the board's first cards, whatever other tests created
        session.execute(sa.update(Project).where(Project.id == project_id)
                        .values(stage_entered_at=utcnow() - dt.timedelta(days=5000)))
        session.commit()
    page = arabic_page(DESKTOP)
    sign_in(page, manager.email, "ar", t)
    page.goto("/cockpit")
    assert_right_to_left(page)

    board = page.locator("[data-board] .board").first  # one board per path
    columns = board.locator(".column")
    assert columns.count() >= 2
    first, second = box(columns.nth(0)), box(columns.nth(1))
    assert first["left"] > second["left"], (first, second)  # idea, the first stage, is the rightmost
    board = box(board)
    assert abs(first["right"] - board["right"]) <= SLACK, (first, board)
    assert_accessible(page)
    screenshots.take(page, "cockpit", "ar")

    page.goto("/pipeline")
    assert_right_to_left(page)
    assert_accessible(page)
    screenshots.take(page, "pipeline", "ar")


def test_an_arabic_mentor_reads_mentees_and_sessions_at_phone_width(arabic_page, live_server, t, screenshots):
    founder = live_server.make_user("founder", "ar")
    mentor = live_server.make_user("mentor", "ar", profile={
        "poles": ["multimedia"], "stages": ["idea"], "capacity": 5, "languages": ["ar", "fr"],
        "bio": "Set up by a browser test.", "dimensions": []})
    project_id = live_server.make_project(founder, name=f"Sahel Data {founder.id}", mentor=mentor)
    live_server.log_session(project_id, mentor, ["Call three pilot farms"])
    page = arabic_page(PHONE)
    sign_in(page, mentor.email, "ar", t)

    page.goto("/mentees")
    assert_right_to_left(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("ar", "My mentees"))
    assert_accessible(page, reflowed=True)
    screenshots.take(page, "mentees", "ar")

    page.goto(f"/projects/{project_id}/sessions")
    assert_right_to_left(page)
    expect(page.locator("#sessions")).to_contain_text("Call three pilot farms")
    assert_accessible(page, reflowed=True)
