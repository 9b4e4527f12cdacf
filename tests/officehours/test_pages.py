"""The office hours pages: a mentor publishes, a founder books and cancels, the mentor logs the meeting."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.officehours.models import Booking
from app.officehours.models import MentorAvailability


def test_a_mentor_publishes_hours_through_the_form(client, login_as, session, mentor, project):
    login_as(mentor)
    assert client.get("/office-hours").status_code == 200
    form = {"timezone": "Africa/Casablanca", "slot_minutes": "45", "buffer_minutes": "15", "notice_hours": "24",
            "horizon_days": "21", "weekly_cap": "", "windows-0-weekday": "1", "windows-0-start": "09:00",
            "windows-0-end": "12:00", "windows-0-place": "Room B2", "windows-1-weekday": "",
            "one_offs-0-date": "", "days_off-0-date": ""}
    response = client.post("/office-hours", data=form)
    assert response.status_code == 303
    saved = session.get(MentorAvailability, mentor.id)
    assert (saved.slot_minutes, saved.windows) == (45, [{"weekday": 1, "start": "09:00", "end": "12:00",
                                                         "place": "Room B2"}])
    bad = client.post("/office-hours", data={**form, "windows-0-end": "08:00"})
    assert bad.status_code == 422 and "The end comes after the start." in bad.get_data(as_text=True)


def test_a_founder_books_from_the_project_page_and_cancels(client, login_as, session, founder, mentor, project, slot):
    login_as(founder)
    page = client.get(f"/projects/{project.id}/office-hours")
    value = f"{mentor.id}|{slot.starts_at.isoformat()}"
    assert value in page.get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/office-hours", data={"slot": value, "topic": ""}).status_code == 422

    response = client.post(f"/projects/{project.id}/office-hours", data={"slot": value, "topic": "Pricing"})
    assert response.status_code == 303
    booking = session.scalars(select(Booking)).one()
    assert (booking.starts_at, booking.topic) == (slot.starts_at, "Pricing")

    client.post(f"/bookings/{booking.id}/cancel", data={"reason": "Ill"})  # not confirmed
    session.expire_all()
    assert session.get(Booking, booking.id).status == "booked"
    client.post(f"/bookings/{booking.id}/cancel", data={"reason": "Ill", "confirm": "y"})
    session.expire_all()
    assert session.get(Booking, booking.id).status == "cancelled"


def test_the_mentor_logs_the_session_from_the_booking(client, login_as, session, mentor, now, book, slot):
    booking = book(slot)
    booking.starts_at, booking.ends_at = now - dt.timedelta(hours=2), now - dt.timedelta(hours=1, minutes=30)
    session.commit()
    login_as(mentor)
    mine = client.get("/office-hours").get_data(as_text=True)
    assert f"/bookings/{booking.id}/log" in mine

    form = client.get(f"/bookings/{booking.id}/log").get_data(as_text=True)
    assert 'value="30"' in form and "Pricing" in form
    held = booking.starts_at.astimezone(dt.timezone(dt.timedelta(hours=1))).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/bookings/{booking.id}/log", data={
        "held_at": held, "duration_minutes": "30", "summary": "Pricing tiers agreed.", "notes": ""})
    assert response.status_code == 303, response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Booking, booking.id).session_id is not None


def test_the_calendar_feed_lists_bookings_for_both_sides(client, session, founder, mentor, book, slot):
    from icalendar import Calendar

    booking = book(slot)
    for user in (founder, mentor):
        feed = Calendar.from_ical(client.get(f"/calendar/{user.calendar_token}.ics").data)
        [event] = [e for e in feed.walk("VEVENT") if str(e["UID"]).startswith(f"booking-{booking.id}@")]
        assert event.decoded("DTSTART") == booking.starts_at and str(event["STATUS"]) == "CONFIRMED"
