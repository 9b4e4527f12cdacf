"""Office hours in a real browser, in French and in English: a mentor publishes hours, a founder books a
slot, the mentor cancels it with a reason, the founder books again, and once the meeting has started
the mentor logs its session from the booking (the session form comes filled from it)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.core.time import utcnow
from app.officehours.models import Booking
from tests.browser.conftest import expect
from tests.browser.conftest import langs
from tests.browser.conftest import sign_in


def _start_now(live_server, booking_id: int) -> None:
    """Move the meeting to have begun a few minutes ago (time passing, without waiting)."""
    with live_server.session() as session:
        booking = session.get(Booking, booking_id)
        length = booking.ends_at - booking.starts_at
        booking.starts_at = utcnow().replace(microsecond=0) - dt.timedelta(minutes=5)
        booking.ends_at = booking.starts_at + length
        session.commit()


@pytest.mark.parametrize("lang", langs("en"))
def test_publish_book_cancel_rebook_and_log(browser, live_server, t, lang):
    mentor = live_server.make_user("mentor", lang)
    founder = live_server.make_user("founder", lang)
    project_id = live_server.make_project(founder, name=f"Hours {lang} {founder.id}", mentor=mentor)
    locale = {"fr": "fr-FR", "en": "en-GB"}[lang]
    context = browser.new_context(base_url=live_server.url, locale=locale)
    founders = browser.new_context(base_url=live_server.url, locale=locale)  # the founder's own browser
    try:
        page = context.new_page()
        sign_in(page, mentor.email, lang, t)
        page.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "Office hours")).click()
        row = page.locator("[data-window-row]").first
        row.get_by_label(t(lang, "Day")).select_option(label=t(lang, "Monday"))
        row.get_by_label(t(lang, "From")).fill("09:00")
        row.get_by_label(t(lang, "To")).fill("12:00")
        row.get_by_label(t(lang, "Place (room or video link)")).fill("Room B2")
        second = page.locator("[data-window-row]").nth(1)
        second.get_by_label(t(lang, "Day")).select_option(label=t(lang, "Thursday"))
        second.get_by_label(t(lang, "From")).fill("14:00")
        second.get_by_label(t(lang, "To")).fill("16:00")
        page.get_by_label(t(lang, "Minimum notice (hours)")).fill("24")
        page.get_by_role("button", name=t(lang, "Publish my office hours")).click()
        expect(page.locator("#flashes")).to_contain_text(t(lang, "Your office hours are published."))

        founder_page = founders.new_page()
        sign_in(founder_page, founder.email, lang, t)
        founder_page.goto(f"/projects/{project_id}")
        founder_page.get_by_role("link", name=t(lang, "Office hours")).click()
        book(founder_page, t, lang, "Pricing")

        page.goto("/office-hours")
        page.get_by_text(t(lang, "Cancel…")).first.click()
        page.get_by_label(t(lang, "Reason (both sides read it)")).fill("Travelling")
        page.get_by_label(t(lang, "Yes, cancel this meeting")).check()
        page.get_by_role("button", name=t(lang, "Cancel the meeting")).click()
        expect(page.locator("#flashes")).to_contain_text(t(lang, "The meeting is cancelled; both sides are told."))

        founder_page.reload()
        expect(founder_page.locator("[data-status=cancelled]")).to_contain_text("Travelling")
        book(founder_page, t, lang, "Pricing, again")

        with live_server.session() as session:
            booking_id = session.query(Booking.id).filter(Booking.mentor_id == mentor.id,
                                                          Booking.status == "booked").scalar()
        _start_now(live_server, booking_id)
        page.goto("/office-hours")
        page.get_by_role("link", name=t(lang, "Log this session")).click()
        expect(page.get_by_label(t(lang, "Summary (shared with the founders)"))).to_have_value("Pricing, again")
        page.get_by_label(t(lang, "Summary (shared with the founders)")).fill("Pricing tiers agreed.")
        page.get_by_role("button", name=t(lang, "Save the session")).click()
        expect(page).to_have_url(re.compile(rf"/projects/{project_id}/sessions"))
        with live_server.session() as session:
            assert session.get(Booking, booking_id).session_id is not None
    finally:
        founders.close()
        context.close()


def book(page, t, lang: str, topic: str) -> None:
    """Choose the first free slot on the project's office hours page and book it with `topic`."""
    page.locator("input[name=slot]").first.check()
    page.get_by_label(t(lang, "What do you want to talk about?")).fill(topic)
    page.get_by_role("button", name=t(lang, "Book this slot")).click()
    expect(page.locator("#flashes")).to_contain_text(
        t(lang, "Booked. You and the mentor receive a calendar invitation by email."))
    expect(page.locator("[data-status=booked]")).to_contain_text(topic)
