"""Calls a manager can run and forms that help, in a real browser, in French and in English: a form
with three errors shows them all at once in a summary; a grid with a bad row is refused naming the
row; a draft call is edited, an open one extended; an applicant types answers, then attaches the
deck in the same submit, and keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.models import User
from app.calls import services
from app.calls.models import Call
from app.core.dates import format_date
from app.core.time import utcnow
from tests.browser.conftest import expect
from tests.browser.conftest import expect_flashes
from tests.browser.conftest import langs
from tests.browser.conftest import sign_in
from tests.calls.conftest import pdf_bytes

DAY = dt.timedelta(days=1)
QUESTIONS = [services.QuestionInput("problem", "Which problem do you solve?"),
             services.QuestionInput("team", "How many are you?", "number")]


def make_call(live_server, *, title: str, opens_in: int) -> int:
    """A call of the multimedia pole opening `opens_in` days from today (negative: already open)."""
    now = utcnow()
    with live_server.session() as session:
        manager = live_server.user(session, "manager@example.org")
        call = services.create_call(
            session, actor=manager, now=now, title=title, description="Set up by a browser test.",
            poles=["multimedia"], opens_on=(now + opens_in * DAY).date(), closes_on=(now + 30 * DAY).date(),
            criteria=[services.CriterionInput("innovation", "Innovation", 3),
                      services.CriterionInput("market", "Market", 2)],
            questions=QUESTIONS, workflow="innovation_path", stage="idea", timezone="Africa/Casablanca",
            requires_deck=True)
        session.commit()
        return call.id


@pytest.mark.parametrize("lang", langs("fr"))
def test_manager_sees_every_error_at_once_then_edits_a_draft_and_extends_an_open_call(open_page, live_server, t,
                                                                                       lang):
    draft_id = make_call(live_server, title=f"Draft call {lang}", opens_in=5)
    open_id = make_call(live_server, title=f"Open call {lang}", opens_in=-1)
    with live_server.session() as session:  # the demo manager reads the pages in this test's language
        live_server.user(session, "manager@example.org").locale = lang
        session.commit()
    page = open_page(lang)
    sign_in(page, "manager@example.org", lang, t)

    # Three errors at once: no title, a call closing before it opens, a malformed row of the grid.
    page.goto("/calls/new")
    page.locator("input[name=poles]").first.check()
    page.locator("#opens_on").fill("2030-05-10")
    page.locator("#closes_on").fill("2030-05-01")
    page.locator("#criteria-0-title").fill("Innovation")
    page.locator("#criteria-0-weight").fill("9")
    page.get_by_role("button", name=t(lang, "Save the call")).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(summary).to_contain_text(t(lang, "The call cannot close before it opens."))
    expect(summary).to_contain_text(t(lang, "Criterion %(n)s: weight must be between %(min)s and %(max)s.",
                                      n=1, min=1, max=5))
    expect(page.locator("#criteria-0-title")).to_have_value("Innovation")  # what was typed stays

    # The draft: a bad row is refused naming it; the title typed is kept; then fixed and saved.
    page.goto(f"/calls/{draft_id}/edit")
    title = f"Edited call {lang}"
    page.get_by_label(t(lang, "Title"), exact=True).fill(title)
    expect(page.locator("#title-counter")).to_have_text(t(lang, "%(n)s characters left", n=200 - len(title)))
    page.locator("#criteria-1-weight").fill("0")
    page.get_by_role("button", name=t(lang, "Save the changes")).click()
    expect(page.locator(".error-summary")).to_contain_text(
        t(lang, "Criterion %(n)s: weight must be between %(min)s and %(max)s.", n=2, min=1, max=5))
    expect(page.get_by_label(t(lang, "Title"), exact=True)).to_have_value(f"Edited call {lang}")
    page.locator("#criteria-1-weight").fill("4")
    page.get_by_role("button", name=t(lang, "Save the changes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edited call {lang}")
    expect_flashes(page, [t(lang, "Call “%(title)s” saved.", title=f"Edited call {lang}")])

    # The open call: extended by a week, the new last day written the reader's way.
    with live_server.session() as session:
        closes_on = session.get(Call, open_id).closes_on + 7 * DAY
    page.goto(f"/calls/{open_id}")
    page.get_by_label(t(lang, "New last day to submit")).fill(closes_on.isoformat())
    page.get_by_role("button", name=t(lang, "Extend the call")).click()
    day = format_date(closes_on, "long", locale=lang)
    expect_flashes(page, [t(lang, "The call is extended until %(date)s; applicants with a draft are told.",
                            date=day)])
    expect(page.locator("#history-title + ul")).to_contain_text(day)


@pytest.mark.parametrize("lang", langs("en"))
def test_applicant_types_answers_then_attaches_the_deck_and_keeps_them(open_page, live_server, t, lang, tmp_path,
                                                                      monkeypatch):
    call_id = make_call(live_server, title=f"Deck call {lang}", opens_in=-1)
    founder = live_server.make_user("founder", lang)
    with live_server.session() as session:
        draft = services.create_application(session, session.get(Call, call_id), actor=session.get(User, founder.id),
                                             now=utcnow(), title=f"Atlas {lang}", summary="Fast payments.")
        session.commit()
    deck = tmp_path / "deck.pdf"
    deck.write_bytes(pdf_bytes())
    page = open_page(lang)
    sign_in(page, founder.email, lang, t)

    monkeypatch.setitem(live_server.app.config, "CALL_DECK_MAX_BYTES", 50_000)
    page.goto(f"/applications/{draft.id}")
    page.get_by_label("Which problem do you solve?").fill("Payments are slow.")
    page.get_by_label("How many are you?").fill("three")
    # A deck over the limit is cleared as soon as it is chosen, with the reason beside it.
    big = tmp_path / "big.pdf"
    big.write_bytes(pdf_bytes() + b"%" + b"x" * 60_000)
    deck_input = page.get_by_label(t(lang, "Pitch deck (PDF)"))
    deck_input.set_input_files(str(big))
    expect(page.get_by_role("alert")).to_have_text(t(
        lang, "“%(name)s” is larger than %(limit)s. Choose a smaller file; your answers are kept.", name="big.pdf",
        limit=live_server.filesize(50_000, lang)))
    assert deck_input.evaluate("input => input.files.length") == 0
    page.get_by_label(t(lang, "Pitch deck (PDF)")).set_input_files(str(deck))
    page.get_by_role("button", name=t(lang, "Save the draft")).click()
    # A wrong answer refuses the save naming the question; nothing typed is lost.
    expect(page.locator(".error-summary")).to_contain_text(
        t(lang, "“%(question)s”: give a number.", question="How many are you?"))
    expect(page.get_by_label("Which problem do you solve?")).to_have_value("Payments are slow.")

    page.get_by_label("How many are you?").fill("3")
    page.get_by_label(t(lang, "Pitch deck (PDF)")).set_input_files(str(deck))
    page.get_by_role("button", name=t(lang, "Save the draft")).click()
    expect_flashes(page, [t(lang, "Draft and pitch deck saved.")])
    expect(page.get_by_label("Which problem do you solve?")).to_have_value("Payments are slow.")
    expect(page.get_by_label("How many are you?")).to_have_value("3")
    expect(page.locator("#pitch-deck")).to_contain_text("deck.pdf")
