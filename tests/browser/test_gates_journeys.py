"""A founder requests a gate review with evidence, and a mentor decides: in a real browser, in
French (with JavaScript) and in English (without: every form is a plain form)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import sign_in
from tests.calls.conftest import pdf_bytes

#: Labels that come from workflows/innovation_path.yaml, not from the catalog.
WORKFLOW = {
    "en": {"problem_statement": "Problem statement", "team_formed": "Founding team formed",
           "request_review": "Request a gate review", "approve_gate": "Approve the gate"},
    "fr": {"problem_statement": "Énoncé du problème", "team_formed": "Équipe fondatrice constituée",
           "request_review": "Demander la revue du jalon", "approve_gate": "Valider le jalon"},
}
MENTOR_PROFILE = {"poles": ["multimedia"], "stages": ["idea"], "capacity": 5, "languages": ["fr", "en"],
                  "bio": "Set up by a browser test.", "dimensions": []}


def event_block(page, label: str):
    """The block of one event under "What you can do now"."""
    return page.locator("#events .event").filter(has=page.get_by_role("heading", name=label, exact=True))


def add_evidence(page, t, lang: str, key: str, title: str):
    """Open the evidence panel of one deliverable."""
    page.locator(f"#evidence-{key} details.add-evidence summary").filter(
        has_text=t(lang, "Add evidence to “%(title)s”", title=title)).click()
    return page.locator(f"#evidence-{key}")


@pytest.mark.parametrize("lang", langs("fr"))
def test_a_founder_requests_a_review_with_evidence_and_a_mentor_approves(open_page, live_server, t, screenshots,
                                                                         lang):
    founder = live_server.make_user("founder", lang)
    mentor = live_server.make_user("mentor", lang, profile=MENTOR_PROFILE)
    name = f"Tafilalt {lang} {founder.id}"
    project_id = live_server.make_project(founder, name=name, mentor=mentor)
    words = WORKFLOW[lang]
    page = open_page(lang, js=lang == "fr")

    sign_in(page, founder.email, lang, t)
    page.goto(f"/projects/{project_id}")
    # Not everything is done yet: the request says what is missing, and offers no button.
    request = event_block(page, words["request_review"])
    expect(request).to_contain_text(t(lang, "Deliverable “%(title)s” is not done.", title=words["team_formed"]))
    expect(request.get_by_role("button")).to_have_count(0)

    for key in ("problem_statement", "team_formed"):
        page.get_by_role("button", name=t(lang, "Mark “%(title)s” as done", title=words[key]), exact=True).click()
        expect(page.get_by_role("button", name=t(lang, "Mark “%(title)s” as not done", title=words[key]),
                                exact=True)).to_have_attribute("aria-pressed", "true")

    # A PDF for the problem statement, a link for the team: each with a comment.
    panel = add_evidence(page, t, lang, "problem_statement", words["problem_statement"])
    panel.get_by_label(t(lang, "File (PDF, office document or image)")).set_input_files(
        {"name": "probleme.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(text="Problem")})
    panel.locator("form[enctype] textarea").fill("Interviews with twelve farmers.")
    panel.get_by_role("button", name=t(lang, "Attach the file")).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Evidence added."))
    expect(page.locator("#evidence-problem_statement").get_by_role("link", name="probleme.pdf")).to_be_visible()

    panel = add_evidence(page, t, lang, "team_formed", words["team_formed"])
    panel.get_by_label(t(lang, "Link (http:// or https://)")).fill("https://example.org/tafilalt/team")
    panel.locator("form:not([enctype]) textarea").fill("Our founders' page.")
    panel.get_by_role("button", name=t(lang, "Add the link")).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Evidence added."))
    evidence = page.locator("#evidence-team_formed")
    expect(evidence.get_by_role("link", name="https://example.org/tafilalt/team")).to_be_visible()
    expect(evidence).to_contain_text("Our founders' page.")
    sketch = {"en": "First market sketch", "fr": "Première esquisse du marché"}[lang]
    add_evidence(page, t, lang, "market_sketch", sketch)  # an open panel, for the screenshot
    screenshots.take(page, "evidence-panel", lang)

    request = event_block(page, words["request_review"])
    request.get_by_role("textbox").fill("All done, the evidence is attached.")
    request.get_by_role("button", name=words["request_review"], exact=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Done: %(event)s.", event=words["request_review"]))
    expect(page.locator("#gate-review")).to_contain_text(founder.name)
    expect(event_block(page, words["request_review"])).to_contain_text(
        t(lang, "A review of the gate of stage “%(stage)s” was already requested; it awaits a decision.",
          stage="Idée" if lang == "fr" else "Idea"))

    # The mentor sees the request, who asked and the evidence, downloads the file, and approves.
    page = open_page(lang, js=lang == "fr")
    sign_in(page, mentor.email, lang, t)
    page.goto(f"/projects/{project_id}")
    review = page.locator("#gate-review")
    expect(review.get_by_role("heading", level=2)).to_have_text(t(lang, "Gate review requested"))
    expect(review).to_contain_text("All done, the evidence is attached.")
    expect(review).to_contain_text({"en": "2 pieces of evidence are attached to the deliverables.",
                                    "fr": "2 justificatifs sont joints aux livrables."}[lang])
    with page.expect_download() as download:
        page.locator("#evidence-problem_statement").get_by_role("link", name="probleme.pdf").click()
    assert download.value.suggested_filename == "probleme.pdf"
    expect(page.locator("#evidence-team_formed")).to_contain_text("Our founders' page.")
    expect(page.locator("details.add-evidence")).to_have_count(0)  # mentors look, the team adds

    approve = event_block(page, words["approve_gate"])
    approve.get_by_role("textbox").fill("Convincing interviews.")
    approve.get_by_role("button", name=words["approve_gate"], exact=True).click()
    expect(page.locator("#flashes")).to_have_text(t(lang, "Done: %(event)s.", event=words["approve_gate"]))
    expect(page.locator("#gate-review")).to_have_count(0)
    expect(page.locator(".badge.ok", has_text=t(lang, "Gate approved"))).to_be_visible()

    # The decision kept the evidence it saw.
    page.goto(f"/projects/{project_id}/history")
    expect(page).to_have_url(re.compile(rf"/projects/{project_id}/history$"))
    decisions = page.locator("section[aria-labelledby=gates-title]")
    expect(decisions).to_contain_text("probleme.pdf")
    expect(decisions).to_contain_text("https://example.org/tafilalt/team")
