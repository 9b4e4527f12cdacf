"""The journeys of a founder, a mentor and a manager, in a real browser, in French and in English
(and in Arabic, right to left, the founder's on a phone):
what each sees on landing, the flash after each action, why a move is blocked, the confirmation
asked before final events, and the small interactions that work with and without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.time import utcnow
from app.projects.models import Project
from app.workflow.loader import load_file
from config import Config
from tests.browser.conftest import JOURNEY_LANGS
from tests.browser.conftest import PHONE
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import sign_in

#: Labels that come from workflows/innovation_path.yaml, not from the catalog.
WORKFLOW = {
    "en": {"idea": "Idea", "problem_statement": "Problem statement", "team_formed": "Founding team formed",
           "market_sketch": "First market sketch", "advance": "Move to the next stage",
           "approve_gate": "Approve the gate", "abandon": "Abandon the project", "graduate": "Graduate"},
    "fr": {"idea": "Idée", "problem_statement": "Énoncé du problème", "team_formed": "Équipe fondatrice constituée",
           "market_sketch": "Première esquisse du marché", "advance": "Passer à l'étape suivante",
           "approve_gate": "Valider le jalon", "abandon": "Abandonner le projet", "graduate": "Diplômer le projet"},
}


def _words(lang: str) -> dict[str, str]:
    """The same labels in `lang` read from the workflow file (French where it has no `lang` text yet)."""
    definition = load_file(Path(Config.WORKFLOWS_DIR) / "innovation_path.yaml")
    idea = definition.stage("idea")
    texts = {"idea": idea.label_text, **{d.key: d.title for d in idea.deliverables},
             **{e: definition.events[e].label_text for e in ("advance", "approve_gate", "abandon", "graduate")}}
    return {key: text.get(lang) or text["fr"] for key, text in texts.items()}


WORKFLOW["ar"] = _words("ar")
MENTOR_PROFILE = {"poles": ["multimedia"], "stages": ["idea"], "capacity": 5, "languages": ["fr", "en"],
                  "bio": "Set up by a browser test.", "dimensions": []}


def event_block(page, label: str):
    """The block of one event under "What you can do now"."""
    return page.locator("#events .event").filter(has=page.get_by_role("heading", name=label, exact=True))


def tick_button(page, t, lang: str, title: str, *, done: bool, action_item: bool = False):
    """The tick button of a deliverable or an action item, by what pressing it would do."""
    label = "Mark “%(title)s” as not done" if done else "Mark “%(title)s” as done"
    return page.get_by_role("button", name=t(lang, label, "action item" if action_item else None, title=title),
                            exact=True)


def mark_document(page) -> None:
    """Set a flag on this document: it survives only if the page is not reloaded."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


# Founder ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", JOURNEY_LANGS)
def test_founder_creates_a_project_ticks_deliverables_and_reads_why_it_cannot_advance(open_page, live_server, t,
                                                                                      lang):
    founder = live_server.make_user("founder", lang)
    words = WORKFLOW[lang]
    page = open_page(lang, viewport=PHONE if lang == "ar" else None)  # Arabic: right to left, on a phone

    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Sign in"))
    sign_in(page, founder.email, lang, t)

    # Founders land on their projects; with none yet, the page says what to do.
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.locator("#flashes")).to_have_text(t(lang, "Welcome, %(name)s.", name=founder.name))
    if lang == "ar":
        page.get_by_role("button", name=t(lang, "Menu")).click()  # folded behind its button on a phone
    expect(page.get_by_role("navigation", name=t(lang, "Main"))).to_contain_text(t(lang, "My applications"))
    expect(page.locator(".empty")).to_contain_text(
        t(lang, "No project yet. Start with your idea: create your first project."))

    page.locator(".empty").get_by_role("link", name=t(lang, "New project")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "New project"))
    name = f"Oasis {lang} {founder.id}"
    page.get_by_label(t(lang, "Name"), exact=True).fill(name)
    page.get_by_label(t(lang, "Summary"), exact=True).fill("Water sensors for oasis farms.")
    page.get_by_label(t(lang, "Pole of excellence")).select_option("multimedia")
    page.get_by_role("button", name=t(lang, "Create the project")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("#flashes")).to_have_text(t(lang, "Project “%(name)s” created.", name=name))
    advance = event_block(page, words["advance"])
    for key in ("problem_statement", "team_formed"):
        expect(advance).to_contain_text(t(lang, "Deliverable “%(title)s” is not done.", title=words[key]))
    expect(advance.get_by_role("button")).to_have_count(0)  # nothing to press: the reasons say why

    # Ticking happens in place: no reload, focus stays on the button, the message is announced.
    mark_document(page)
    for key in ("problem_statement", "team_formed"):
        tick_button(page, t, lang, words[key], done=False).click()
        ticked = tick_button(page, t, lang, words[key], done=True)
        expect(ticked).to_have_attribute("aria-pressed", "true")
        expect(ticked).to_be_focused()
        expect(page.locator("#flashes[role=status]")).to_have_text(t(lang, "Deliverable updated."))
    assert same_document(page)

    # Asking to advance: the deliverables are done, the gate is not approved yet, and the page says so.
    advance = event_block(page, words["advance"])
    expect(advance.locator(".reasons li")).to_have_text(
        [t(lang, "The gate of stage “%(stage)s” has not been approved.", stage=words["idea"])])
    page.reload()
    expect(tick_button(page, t, lang, words["problem_statement"], done=True)).to_have_attribute("aria-pressed", "true")


# Mentor -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", JOURNEY_LANGS)
def test_mentor_logs_a_session_with_action_items_and_approves_the_gate(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    mentor = live_server.make_user("mentor", lang, profile=MENTOR_PROFILE)
    name = f"Sahel {lang} {founder.id}"
    project_id = live_server.make_project(founder, name=name, mentor=mentor, deliverables_done=True)
    words = WORKFLOW[lang]
    page = open_page(lang)

    sign_in(page, mentor.email, lang, t)
    # Mentors land on their mentees.
    expect(page).to_have_url(re.compile(r"/mentees$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "My mentees"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    row.get_by_role("link", name=t(lang, "Log a session")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Log a session with %(name)s", name=name))
    held = utcnow() - dt.timedelta(days=1)
    page.get_by_label(t(lang, "Held at")).fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(t(lang, "Duration (minutes)")).fill("45")
    page.get_by_label(t(lang, "Summary (shared with the founders)")).fill("Pricing and the first pilot customers.")
    page.locator("#action_items-0-title").fill("Call three pilot farms")
    page.locator("#action_items-0-owner_id").select_option(label=founder.name)
    page.locator("#action_items-0-due_on").fill((held + dt.timedelta(days=14)).strftime("%Y-%m-%d"))
    page.locator("#action_items-1-title").fill("Draft the price list")
    page.get_by_role("button", name=t(lang, "Save the session")).click()

    # Back on the project's mentoring tab.
    expect(page).to_have_url(re.compile(rf"/projects/{project_id}/sessions#sessions$"))
    expect(page.locator("#flashes")).to_have_text(t(lang, "Session logged."))
    sessions = page.locator("#sessions")
    expect(sessions).to_contain_text("Pricing and the first pilot customers.")
    expect(sessions.locator(".checklist li")).to_have_count(2)

    # An action item is ticked in place.
    mark_document(page)
    tick_button(page, t, lang, "Call three pilot farms", done=False, action_item=True).click()
    ticked = tick_button(page, t, lang, "Call three pilot farms", done=True, action_item=True)
    expect(ticked).to_have_attribute("aria-pressed", "true")
    expect(ticked).to_be_focused()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Action item updated."))
    assert same_document(page)

    # The deliverables are done: the mentor approves the gate, on the project's overview.
    page.get_by_role("navigation", name=t(lang, "Project sections")).get_by_role(
        "link", name=t(lang, "Overview")).click()
    approve = event_block(page, words["approve_gate"])
    approve.get_by_role("textbox").fill("Problem and team are convincing.")
    approve.get_by_role("button", name=words["approve_gate"], exact=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Done: %(event)s.", event=words["approve_gate"]))
    expect(page.locator(".badge.ok", has_text=t(lang, "Gate approved"))).to_be_visible()
    expect(page.locator("section[aria-labelledby=latest-title]")).to_contain_text(
        "Problem and team are convincing.")


# Manager ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", JOURNEY_LANGS)
def test_manager_assigns_a_suggested_mentor_reads_the_pipeline_and_exports_it(open_page, live_server, t, lang,
                                                                               tmp_path):
    founder = live_server.make_user("founder", lang)
    mentor = live_server.make_user("mentor", lang, profile=MENTOR_PROFILE)
    manager = live_server.make_user("manager", lang)
    name = f"Kasbah {lang} {founder.id}"
    project_id = live_server.make_project(founder, name=name)
    with live_server.session() as session:  # the oldest in its stage: among the board's first cards, whatever
        session.execute(sa.update(Project).where(Project.id == project_id)  # the other tests created
                        .values(stage_entered_at=utcnow() - dt.timedelta(days=5000)))
        session.commit()
    page = open_page(lang)

    sign_in(page, manager.email, lang, t)
    # Managers land on the cockpit; the pipeline shows the new project waiting for a mentor.
    expect(page).to_have_url(re.compile(r"/cockpit$"))
    page.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "Pipeline")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Pipeline"))
    card = page.locator(".project-card").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(card).to_contain_text(t(lang, "no mentor for this stage"))

    card.get_by_role("link", name=name).click()
    page.locator("#mentoring").get_by_role("link", name=t(lang, "Assign a mentor")).click()
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text(mentor.name)
    suggestions.get_by_role("button", name=t(lang, "Assign %(name)s", name=mentor.name)).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "%(name)s now mentors this project.", name=mentor.name))
    expect(page.locator("#mentoring ul").first).to_contain_text(mentor.name)

    page.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "Pipeline")).click()
    card = page.locator(".project-card").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(card).to_contain_text(mentor.name)
    expect(card).not_to_contain_text(t(lang, "no mentor for this stage"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name=t(lang, "Export CSV")).click()
    download = download_info.value
    assert download.suggested_filename == "pipeline.csv"
    path = tmp_path / "pipeline.csv"
    download.save_as(path)
    content = Path(path).read_text(encoding="utf-8-sig")  # the byte order mark Excel needs
    assert content.splitlines()[0] == t(lang, "Stages")
    assert t(lang, "Mentor load") in content and mentor.name in content


# Confirmation before final events ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", langs("fr"))
def test_abandoning_asks_for_confirmation_first(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    project_id = live_server.make_project(founder, name=f"Mirage {lang} {founder.id}")
    words = WORKFLOW[lang]
    page = open_page(lang)
    sign_in(page, founder.email, lang, t)
    page.goto(f"/projects/{project_id}")
    status = page.locator(".page-head .badge")
    expect(status).to_have_text(t(lang, "active"))

    # A tick in place first: the event forms below must carry the project's new version.
    mark_document(page)
    tick_button(page, t, lang, words["market_sketch"], done=False).click()
    expect(tick_button(page, t, lang, words["market_sketch"], done=True)).to_be_focused()

    # Abandoning is out of the way: behind a disclosure, after the actions that move the project on.
    aside = page.locator("#events details.set-aside > summary")
    expect(aside).to_have_text(t(lang, "Pause or stop this project"))
    expect(event_block(page, words["abandon"])).to_be_hidden()
    expect(event_block(page, words["advance"])).to_be_visible()
    aside.click()
    abandon = event_block(page, words["abandon"])
    abandon.get_by_role("textbox").fill("No market after all.")
    button = abandon.get_by_role("button", name=words["abandon"], exact=True)
    button.click()
    # Not confirmed: the browser keeps the form (the box is required) and nothing happens.
    confirm = abandon.get_by_role("checkbox", name=t(lang, "I confirm: this cannot be undone."))
    assert confirm.evaluate("box => box.validity.valueMissing")
    expect(status).to_have_text(t(lang, "active"))
    assert same_document(page)

    # A client that skips the browser's check is refused by the server, with the reason.
    abandon.locator("form").evaluate("form => { form.noValidate = true; }")
    button.click()
    expect(page.locator("#flashes")).to_have_text(
        t(lang, "Please confirm “%(event)s”: it cannot be undone.", event=words["abandon"]))
    expect(status).to_have_text(t(lang, "active"))

    page.locator("#events details.set-aside > summary").click()
    abandon = event_block(page, words["abandon"])
    abandon.get_by_role("textbox").fill("No market after all.")
    abandon.get_by_role("checkbox", name=t(lang, "I confirm: this cannot be undone.")).check()
    abandon.get_by_role("button", name=words["abandon"], exact=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Done: %(event)s.", event=words["abandon"]))
    expect(status).to_have_text(t(lang, "abandoned"))
    expect(page.locator("#events")).not_to_contain_text(words["abandon"])


@pytest.mark.parametrize("lang", langs("en"))
def test_graduating_asks_for_confirmation_first(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    manager = live_server.make_user("manager", lang)
    project_id = live_server.make_project(founder, name=f"Zenith {lang} {founder.id}", stage="internationalisation",
                                          gate_approved=True)
    words = WORKFLOW[lang]
    page = open_page(lang)
    sign_in(page, manager.email, lang, t)
    page.goto(f"/projects/{project_id}")
    status = page.locator(".page-head .badge")

    graduate = event_block(page, words["graduate"])
    graduate.get_by_role("button", name=words["graduate"], exact=True).click()
    assert graduate.get_by_role("checkbox").evaluate("box => box.validity.valueMissing")
    expect(status).to_have_text(t(lang, "active"))

    graduate.get_by_role("checkbox", name=t(lang, "I confirm: this cannot be undone.")).check()
    graduate.get_by_role("button", name=words["graduate"], exact=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Done: %(event)s.", event=words["graduate"]))
    expect(status).to_have_text(t(lang, "graduated"))


# Language and JavaScript ------------------------------------------------------------------------------


def test_a_user_switches_language_in_the_account_settings(open_page, live_server, t):
    founder = live_server.make_user("founder", "fr")
    page = open_page("fr")
    sign_in(page, founder.email, "fr", t)
    nav = page.get_by_role("navigation", name=t("fr", "Main"))
    expect(nav.get_by_role("link", name="Projets", exact=True)).to_be_visible()

    page.get_by_role("link", name=founder.name).click()
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.locator("#flashes")).to_have_text("Settings saved.")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Projects", exact=True)).to_be_visible()


@pytest.mark.parametrize("lang", langs("fr"))
def test_without_javascript_every_tick_still_works_with_a_full_page_load(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    mentor = live_server.make_user("mentor", lang, profile=MENTOR_PROFILE)
    project_id = live_server.make_project(founder, name=f"Nojs {lang} {founder.id}", mentor=mentor)
    live_server.log_session(project_id, mentor, ["Send the deck"])
    words = WORKFLOW[lang]
    page = open_page(lang, js=False)
    sign_in(page, founder.email, lang, t)
    page.goto(f"/projects/{project_id}")

    with page.expect_navigation():
        tick_button(page, t, lang, words["problem_statement"], done=False).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Deliverable updated."))
    expect(tick_button(page, t, lang, words["problem_statement"], done=True)).to_have_attribute("aria-pressed", "true")
    expect(event_block(page, words["advance"])).not_to_contain_text(words["problem_statement"])

    page.goto(f"/projects/{project_id}/sessions")
    with page.expect_navigation():
        tick_button(page, t, lang, "Send the deck", done=False, action_item=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Action item updated."))
    ticked = tick_button(page, t, lang, "Send the deck", done=True, action_item=True)
    expect(ticked).to_have_attribute("aria-pressed", "true")

    # At phone width without the script, the menu is simply shown: no button that cannot work.
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("button", name=t(lang, "Menu"))).to_be_hidden()
    expect(page.get_by_role("navigation", name=t(lang, "Main")).get_by_role(
        "link", name=t(lang, "Projects"), exact=True)).to_be_visible()


@pytest.mark.parametrize("lang", langs("en"))
def test_at_phone_width_the_menu_folds_behind_a_button(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    page = open_page(lang, viewport=PHONE)
    sign_in(page, founder.email, lang, t)
    projects = page.get_by_role("navigation", name=t(lang, "Main")).get_by_role(
        "link", name=t(lang, "Projects"), exact=True)
    menu = page.get_by_role("button", name=t(lang, "Menu"))
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(projects).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(projects).to_be_visible()
    page.keyboard.press("Escape")
    expect(projects).to_be_hidden()
    expect(menu).to_be_focused()


def test_the_page_script_runs_under_the_content_security_policy(open_page, live_server, t):
    """No inline script or style: the browser reports no CSP violation on the main pages."""
    founder = live_server.make_user("founder", "en")
    project_id = live_server.make_project(founder, name=f"Csp {founder.id}")
    page = open_page("en")
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, founder.email, "en", t)
    for path in ("/projects", f"/projects/{project_id}", "/projects/new", "/account", "/calls"):
        page.goto(path)
        expect(page.locator("html.js")).to_have_count(1)  # the script ran
    assert not problems, problems
