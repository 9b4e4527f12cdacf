"""Publishing office hours, booking (no double booking, caps), cancelling, no-shows, logging, reminders."""

from __future__ import annotations

import datetime as dt
import email
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.core.errors import Conflict
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.notifications.mailer import SmtpSettings
from app.notifications.mailer import build_message
from app.notifications.models import OutgoingEmail
from app.officehours import services
from app.officehours import sweep
from app.officehours.models import Booking
from app.officehours.slots import Slot
from app.officehours.slots import week_of
from tests.officehours.conftest import publish

SMTP = SmtpSettings("localhost", 25, "parcours@example.org")
CASA = ZoneInfo("Africa/Casablanca")


def invitations(session, booking_id: int) -> list[tuple[OutgoingEmail, Calendar]]:
    """The booking's emails, each with the iCalendar part of the message as built for SMTP, parsed back."""
    found = []
    for row in session.scalars(select(OutgoingEmail).where(OutgoingEmail.ics.is_not(None)).order_by(OutgoingEmail.id)):
        message = email.message_from_bytes(build_message(row, SMTP).as_bytes())
        [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        if str(calendar.walk("VEVENT")[0]["UID"]).startswith(f"booking-{booking_id}@"):
            found.append((row, part.get_param("method"), calendar))
    return found


def test_a_mentor_publishes_windows_and_bad_rows_are_named(session, mentor, founder, now, project):
    availability = publish(session, mentor, now, weekly_cap=3, exceptions=[{"date": "2030-01-01"}])
    assert availability.windows[0] == {"weekday": 0, "start": "09:00", "end": "12:00", "place": "Room B2"}

    with pytest.raises(ValidationFailed) as refused:
        services.update_availability(session, mentor, services.AvailabilityInput(
            timezone="Mars/Olympus", slot_minutes=50, windows=[{"weekday": 7, "start": "11:00", "end": "10:00"}]),
            actor=mentor, now=now)
    assert set(refused.value.errors) == {"timezone", "slot_minutes", "windows.0.weekday", "windows.0.end"}
    with pytest.raises(Forbidden):
        services.update_availability(session, mentor, services.AvailabilityInput("UTC"), actor=founder, now=now)


def test_booking_sends_both_sides_an_invitation_parsed_back(session, founder, mentor, project, slot, book):
    booking = book(slot)

    assert (booking.status, booking.starts_at, booking.place) == ("booked", slot.starts_at, "Room B2")
    sent = invitations(session, booking.id)
    assert sorted(row.to_address for row, _, _ in sent) == sorted([founder.email, mentor.email])
    for _row, method, calendar in sent:
        assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert event.decoded("DTSTART") == slot.starts_at and event.decoded("DTEND") == slot.ends_at
        assert event["DTSTART"].to_ical().endswith(b"Z")  # in UTC
        assert str(event["ORGANIZER"]) == f"mailto:{mentor.email}"
        attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
        assert [str(a) for a in attendees] == [f"mailto:{founder.email}"]
        assert attendees[0].params["CN"] == founder.name
        assert event["SEQUENCE"] == 0
        assert calendar["X-WR-TIMEZONE"] == "Africa/Casablanca"


def test_the_same_slot_cannot_be_booked_twice_and_a_cancelled_one_can(session, founder, mentor, now, project, slot,
                                                                       book):
    first = book(slot)
    with pytest.raises(services.SlotTaken):
        book(slot, topic="Again")
    session.rollback()
    assert slot.starts_at not in {s.starts_at for s in services.free_slots(session, mentor.id, now=now)}

    services.cancel_booking(session, first, actor=mentor, now=now, reason="Travelling")
    session.commit()
    [(_, method, calendar)] = [i for i in invitations(session, first.id) if i[1] == "CANCEL"][:1]
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"booking-{first.id}@") and event["SEQUENCE"] == 1
    uids = {str(e["UID"]) for _, _, c in invitations(session, first.id) for e in c.walk("VEVENT")}
    assert uids == {str(event["UID"])}

    again = book(slot, topic="Rebooked")
    assert again.id != first.id and again.status == "booked"


def test_buffers_and_the_weekly_cap_refuse_with_a_clear_code(session, mentor, now, project, hours, book):
    publish(session, mentor, now, buffer_minutes=15, weekly_cap=1)
    free = services.free_slots(session, mentor.id, now=now)
    book(free[0])
    later = services.free_slots(session, mentor.id, now=now)
    full_week = week_of(free[0].starts_at, CASA)
    assert later and all(week_of(s.starts_at, CASA) != full_week for s in later)

    same_week = next(s for s in free[1:] if s.starts_at >= free[0].ends_at + dt.timedelta(minutes=15))
    with pytest.raises(services.WeeklyCapReached) as refused:
        book(same_week)
    assert refused.value.code == "weekly_cap_reached"
    session.rollback()
    publish(session, mentor, now, buffer_minutes=15)
    with pytest.raises(ValidationFailed):  # 30 minutes after the start: not one of the slots any more
        book(Slot(free[0].starts_at + dt.timedelta(minutes=30), free[0].ends_at, ""))


def test_only_founders_of_a_project_of_the_mentors_stage_book(session, mentor, manager, other_founder, now,
                                                              make_project, founder, slot, book, make_user):
    with pytest.raises(Forbidden):
        book(slot, actor=other_founder)
    with pytest.raises(Forbidden):
        book(slot, actor=manager)
    elsewhere = make_project(name="Unmentored", owner=founder)
    with pytest.raises(ValidationFailed) as refused:
        services.book_slot(session, actor=founder, mentor=mentor, project=elsewhere, starts_at=slot.starts_at,
                           topic="x", now=now)
    assert "mentor_id" in refused.value.errors


def test_cancellation_needs_a_reason_and_the_cut_off(session, founder, mentor, other_founder, now, slot, book):
    booking = book(slot)
    with pytest.raises(ValidationFailed):
        services.cancel_booking(session, booking, actor=founder, now=now, reason=" ")
    with pytest.raises(Forbidden):
        services.cancel_booking(session, booking, actor=other_founder, now=now, reason="No")
    late = booking.starts_at - dt.timedelta(hours=1)
    with pytest.raises(ValidationFailed):
        services.cancel_booking(session, booking, actor=founder, now=late, reason="Sick")
    services.cancel_booking(session, booking, actor=founder, now=now, reason="Sick")
    assert (booking.status, booking.cancelled_by_id, booking.sequence) == ("cancelled", founder.id, 1)
    with pytest.raises(Conflict):
        services.cancel_booking(session, booking, actor=founder, now=now, reason="Twice")


def test_after_the_start_the_mentor_logs_the_session_or_marks_a_no_show(session, founder, mentor, now, slot, book):
    booking = book(slot)
    with pytest.raises(Conflict):  # not started yet
        services.log_booking(session, booking, actor=mentor, now=now, summary="Early")
    after = booking.ends_at + dt.timedelta(minutes=5)
    with pytest.raises(Forbidden):
        services.mark_no_show(session, booking, actor=founder, now=after)

    record = services.log_booking(session, booking, actor=mentor, now=after, summary="Pricing tiers agreed.")
    session.commit()

    assert (booking.status, booking.session_id) == ("held", record.id)
    assert (record.held_at, record.duration_minutes) == (booking.starts_at, 30)
    with pytest.raises(Conflict):
        services.mark_no_show(session, booking, actor=mentor, now=after)


def test_reminders_go_once_a_day_and_an_hour_before(session, founder, mentor, now, slot, book):
    booking = book(slot)
    booking.created_at = booking.starts_at - dt.timedelta(days=3)
    session.commit()

    def run(at: dt.datetime, which: str) -> int:
        claimed = sweep.claim_reminders(session, now=at, which=which)
        count = services.notifications.queue(session, sweep.reminder_messages(claimed, now=at, which=which), now=at)
        session.commit()
        return count

    day_before = booking.starts_at - dt.timedelta(hours=23)
    assert (run(day_before, "day"), run(day_before, "day"), run(day_before, "hour")) == (2, 0, 0)
    hour_before = booking.starts_at - dt.timedelta(minutes=50)
    assert (run(hour_before, "hour"), run(hour_before, "hour")) == (2, 0)
    keys = set(session.scalars(select(OutgoingEmail.dedupe_key).where(OutgoingEmail.kind == "booking_reminder")))
    assert keys == {f"booking:{booking.id}:reminder:{w}:{u.id}" for w in ("day", "hour") for u in (founder, mentor)}
    assert session.scalar(select(Booking.reminded_hour_at).where(Booking.id == booking.id)) == hour_before


def test_a_started_meeting_waits_in_the_mentors_attention_list_until_logged(session, mentor, now, slot, book):
    from app.attention.queries import attention

    booking = book(slot)
    waiting = {k.kind: k for k in attention(session, mentor, now=booking.starts_at + dt.timedelta(minutes=40))}
    assert waiting["booking_to_log"].count == 1
    item = waiting["booking_to_log"].items[0]
    assert (item.endpoint, item.args) == ("officehours.log", {"booking_id": booking.id})
    assert {k.kind: k for k in attention(session, mentor, now=now)}["booking_to_log"].count == 0


def test_managers_see_mentors_who_follow_projects_without_office_hours(session, manager, mentor, now, project):
    from app.attention.queries import attention

    def waiting():
        return {k.kind: k for k in attention(session, manager, now=now)}["mentor_without_availability"]

    assert [i.args for i in waiting().items] == [{"mentor": mentor.id}]
    publish(session, mentor, now)
    assert waiting().count == 0


def test_managers_see_projects_that_never_booked_their_mentor(session, manager, mentor, now, project, book):
    from app.attention.queries import attention

    def waiting():
        return {k.kind: k for k in attention(session, manager, now=now)}["never_booked"]

    assert waiting().count == 0  # the mentor publishes no hours: nothing to book yet
    publish(session, mentor, now)
    assert [i.args for i in waiting().items] == [{"project_id": project.id}]
    book(services.free_slots(session, mentor.id, now=now)[0])
    assert waiting().count == 0


def test_the_funders_report_counts_booked_and_held_office_hours(session, mentor, now, hours, book):
    from decimal import Decimal

    from app.impact.queries import ReportFilters
    from app.impact.queries import funders_report

    free = services.free_slots(session, mentor.id, now=now)
    held, booked, cancelled = book(free[0]), book(free[1]), book(free[2])
    services.cancel_booking(session, cancelled, actor=mentor, now=now, reason="Away")
    services.log_booking(session, held, actor=mentor, now=held.ends_at, summary="Done.")
    session.commit()

    report = funders_report(session, ReportFilters(start=now.date(), end=(now + dt.timedelta(days=30)).date()),
                            members_target=0)

    assert booked.status == "booked"
    assert (report.office_hours_booked, report.office_hours_held) == (Decimal("1.0"), Decimal("0.5"))
