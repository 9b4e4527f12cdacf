"""A manager's morning on the cockpit, in a real browser, in French and in English: the gate review a
founder asked for is on top, approved from the project's page; a project left without a mentor gets
one from the suggestions; the board's five columns fit a 1280 px screen. (The cockpit's screenshot and
axe check are with every main page's, in test_accessibility.py.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from app.auth.models import User
from app.core.time import utcnow
from app.projects import services as project_services
from app.projects.models import Project
from tests.browser.conftest import DESKTOP
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import sign_in

APPROVE = {"en": "Approve the gate", "fr": "Valider le jalon"}
MENTOR_PROFILE = {"poles": ["multimedia"], "stages": ["idea"], "capacity": 5, "languages": ["fr", "en"],
                  "bio": "Set up by a browser test.", "dimensions": []}


def ask_for_review(live_server, project_id: int, founder) -> None:
    """The founder's `request_review` (the founder's side is test_gates_journeys.py's)."""
    with live_server.session() as session:
        project = session.get(Project, project_id)
        project_services.fire_event(session, project, "request_review", actor=session.get(User, founder.id),
                                    now=utcnow(), version=project.version, comment="Ready for the gate.")
        session.commit()


def waiting_since_long_ago(live_server, project_id: int) -> None:
    """The project entered its stage long ago: it heads the lists, which show the longest waits first."""
    with live_server.session() as session:
        session.execute(update(Project).where(Project.id == project_id)
                        .values(stage_entered_at=utcnow() - dt.timedelta(days=3000)))
        session.commit()


@pytest.mark.parametrize("lang", langs("en"))
def test_a_manager_s_morning(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    mentor = live_server.make_user("mentor", lang, profile=MENTOR_PROFILE)
    manager = live_server.make_user("manager", lang)
    asked = f"Oasis {lang} {founder.id}"
    asked_id = live_server.make_project(founder, name=asked, deliverables_done=True, mentor=mentor)
    ask_for_review(live_server, asked_id, founder)
    orphan = f"Palmier {lang} {founder.id}"
    orphan_id = live_server.make_project(founder, name=orphan)
    waiting_since_long_ago(live_server, orphan_id)
    page = open_page(lang)

    # Signed in, the manager lands on the cockpit: the review request comes first.
    sign_in(page, manager.email, lang, t)
    expect(page).to_have_url(re.compile(r"/cockpit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Cockpit"))
    reviews = page.locator('[data-attention-kind="gate_review_requested"]')
    expect(reviews.get_by_role("heading")).to_contain_text(t(lang, "Gate reviews requested"))
    first_block = page.locator("[data-attention-kind]").first
    expect(first_block).to_have_attribute("data-attention-kind", "gate_review_requested")

    # The project's page: the manager approves the gate.
    reviews.get_by_role("link", name=asked, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/projects/{asked_id}$"))
    approve = page.locator("#events .event").filter(has=page.get_by_role("heading", name=APPROVE[lang], exact=True))
    approve.get_by_role("textbox").fill("Problem and team are convincing.")
    approve.get_by_role("button", name=APPROVE[lang], exact=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Done: %(event)s.", event=APPROVE[lang]))

    # Back on the cockpit the request is answered; a project without a mentor gets one.
    page.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "Cockpit")).click()
    expect(reviews.get_by_role("link", name=asked, exact=True)).to_have_count(0)
    needing = page.locator('[data-attention-kind="no_mentor"]')
    needing.get_by_role("link", name=orphan, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/projects/{orphan_id}/mentors$"))
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text(mentor.name)
    suggestions.get_by_role("button", name=t(lang, "Assign %(name)s", name=mentor.name)).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "%(name)s now mentors this project.", name=mentor.name))

    page.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "Cockpit")).click()
    expect(page.locator('[data-attention-kind="no_mentor"]').get_by_role("link", name=orphan, exact=True)
           ).to_have_count(0)


@pytest.mark.parametrize("lang", langs("fr"))
def test_the_cockpit_board_shows_five_columns_at_1280_px(open_page, live_server, t, lang):
    page = open_page(lang, viewport=DESKTOP)
    sign_in(page, "manager@example.org", lang, t)
    expect(page).to_have_url(re.compile(r"/cockpit$"))

    board = page.locator('[data-board="innovation_path"]')
    boards = page.locator("[data-board]")
    expect(boards.first).to_have_attribute("data-board", "innovation_path")  # the default path first
    scroller = board.locator(".board").bounding_box()
    columns = [c.bounding_box() for c in board.locator(".column").all()]
    assert len(columns) == 5
    for box in columns:
        assert box["width"] >= 120, box
        assert scroller["x"] <= box["x"] and box["x"] + box["width"] <= scroller["x"] + scroller["width"] + 0.5, (
            box, scroller)
        assert box["x"] + box["width"] <= DESKTOP["width"], box
    # Above the fold: the list of what waits comes before the board.
    assert page.locator("[data-attention]").bounding_box()["y"] < scroller["y"]


@pytest.mark.parametrize("lang", langs("fr"))
def test_manager_filters_the_pipeline_by_a_mentor_typed_by_name(browser, live_server, t, lang):
    """A national cluster's mentors are too many for a list: the manager types part of a name, picks
    one of the mentors it matches, and the board shows that mentor's projects only."""
    tag = f"Qx{live_server.make_user('founder', lang).id}"
    alaoui = live_server.make_user("mentor", lang, name=f"Zineb Alaoui {tag}")
    bennani = live_server.make_user("mentor", lang, name=f"Zineb Bennani {tag}")
    manager, founder = live_server.make_user("manager", lang), live_server.make_user("founder", lang)
    followed, other = f"Suivi par Alaoui {tag}", f"Suivi par Bennani {tag}"
    live_server.make_project(founder, name=followed, mentor=alaoui)
    live_server.make_project(founder, name=other, mentor=bennani)
    context = browser.new_context(base_url=live_server.url, locale={"fr": "fr-FR", "en": "en-GB"}[lang])
    try:
        page = context.new_page()
        sign_in(page, manager.email, lang, t)
        page.goto("/pipeline")
        field = page.get_by_label(t(lang, "Mentor"), exact=True)
        field.fill(tag)
        page.locator("form.filters button[type=submit]").click()
        problems = page.locator("#f-mentor-errors")
        expect(problems).to_contain_text(t(lang, "Several mentors match “%(text)s”: choose one.", text=tag))
        expect(field).to_have_attribute("aria-invalid", "true")
        problems.get_by_role("link", name=alaoui.name).click()

        expect(field).to_have_value(alaoui.name)
        board = page.locator("[data-board='innovation_path']")
        expect(board.get_by_role("link", name=followed)).to_be_visible()
        expect(board.get_by_role("link", name=other)).to_have_count(0)

        field.fill(f"bennani {tag.lower()}")  # part of a name, case aside: the one mentor who has it
        page.locator("form.filters button[type=submit]").click()
        expect(field).to_have_value(bennani.name)
        expect(board.get_by_role("link", name=other)).to_be_visible()
        expect(board.get_by_role("link", name=followed)).to_have_count(0)
    finally:
        context.close()
