"""The slot generator (pure): recurrence, exceptions, one-offs, notice, horizon, buffers, caps, time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from app.officehours.slots import OneOff
from app.officehours.slots import Rules
from app.officehours.slots import Window
from app.officehours.slots import generate
from app.officehours.slots import week_of

CASA = ZoneInfo("Africa/Casablanca")
PARIS = ZoneInfo("Europe/Paris")
T = dt.time.fromisoformat
#: A Monday, 08:00 UTC.
NOW = dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)


def rules(**kw) -> Rules:
    base = {"timezone": "Africa/Casablanca", "slot_minutes": 30, "notice_hours": 0, "horizon_days": 14,
            "windows": (Window(1, T("10:00"), T("11:00"), "Room B2"),)}
    return Rules(**{**base, **kw})


def local(slot, zone=CASA) -> str:
    return slot.starts_at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


def test_weekly_windows_recur_and_split_into_slots_in_utc():
    found = generate(rules(), now=NOW)

    assert [local(s) for s in found] == ["Tue 2026-12-01 10:00", "Tue 2026-12-01 10:30",
                                         "Tue 2026-12-08 10:00", "Tue 2026-12-08 10:30"]
    assert all(s.starts_at.tzinfo == dt.UTC and s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in found)
    assert found[0].place == "Room B2"


def test_a_slot_must_fit_in_its_window_and_lengths_follow_the_setting():
    found = generate(rules(slot_minutes=45), now=NOW, end=NOW + dt.timedelta(days=2))

    assert [local(s) for s in found] == ["Tue 2026-12-01 10:00"]  # 10:45–11:30 would overflow


def test_buffers_space_the_slots_and_keep_room_around_bookings():
    spaced = generate(rules(buffer_minutes=15, windows=(Window(1, T("10:00"), T("12:00")),)), now=NOW,
                      end=NOW + dt.timedelta(days=2))
    assert [local(s)[-5:] for s in spaced] == ["10:00", "10:45", "11:30"]

    booked = spaced[1]
    free = generate(rules(buffer_minutes=15, windows=(Window(1, T("10:00"), T("12:00")),)), now=NOW,
                    end=NOW + dt.timedelta(days=2), taken=[(booked.starts_at, booked.ends_at)])
    assert [local(s)[-5:] for s in free] == ["10:00", "11:30"]
    # A meeting booked under other settings (10:20–10:50) blocks whatever lies within the buffer of it.
    odd = (booked.starts_at - dt.timedelta(minutes=25), booked.ends_at - dt.timedelta(minutes=25))
    free = generate(rules(buffer_minutes=15, windows=(Window(1, T("10:00"), T("12:00")),)), now=NOW,
                    end=NOW + dt.timedelta(days=2), taken=[odd])
    assert [local(s)[-5:] for s in free] == ["11:30"]


def test_exceptions_remove_a_day_and_one_offs_add_one():
    found = generate(rules(exceptions=frozenset({dt.date(2026, 12, 1)}),
                           one_offs=(OneOff(dt.date(2026, 12, 3), T("15:00"), T("15:30"), "https://meet.example/x"),
                                     OneOff(dt.date(2026, 12, 1), T("15:00"), T("15:30")))),
                     now=NOW, end=NOW + dt.timedelta(days=7))

    assert [(local(s), s.place) for s in found] == [("Thu 2026-12-03 15:00", "https://meet.example/x")]


def test_notice_and_horizon_bound_the_offer():
    # Tuesday 10:00 local (09:00 UTC) is less than 25 h after Monday 08:10 UTC: 10:30 stays.
    near = generate(rules(notice_hours=25), now=NOW + dt.timedelta(minutes=10))
    assert [local(s) for s in near][:2] == ["Tue 2026-12-01 10:30", "Tue 2026-12-08 10:00"]

    short = generate(rules(horizon_days=7), now=NOW)
    assert {local(s)[:14] for s in short} == {"Tue 2026-12-01"}

    assert generate(rules(), now=NOW, start=NOW + dt.timedelta(days=20)) == []


def test_the_weekly_cap_closes_a_full_week_only():
    this_week = week_of(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), CASA)
    found = generate(rules(weekly_cap=1), now=NOW, booked_per_week={this_week: 1})

    assert {local(s)[:14] for s in found} == {"Tue 2026-12-08"}


def test_casablanca_mentor_and_paris_founder_across_ramadan_and_dst():
    """The mentor's 10:00 stays 10:00 in Casablanca across Ramadan's hour (2027) while the instant moves;
    the Paris founder sees each slot at the local time their own zone gives, DST change included."""
    now = dt.datetime(2027, 1, 25, tzinfo=dt.UTC)
    found = generate(rules(windows=(Window(0, T("10:00"), T("10:30")),), horizon_days=80), now=now)
    mondays = list(found)

    assert {s.starts_at.astimezone(CASA).time() for s in mondays} == {T("10:00")}
    offsets = {s.starts_at.astimezone(CASA).utcoffset() for s in mondays}
    assert len(offsets) == 2, "tzdata moves Casablanca's clock for Ramadan 2027"
    # Each slot's UTC instant is the mentor's 10:00 under that day's offset, whatever it is.
    for s in mondays:
        assert s.starts_at == dt.datetime.combine(s.starts_at.astimezone(CASA).date(), T("10:00"), tzinfo=CASA)
    paris = {s.starts_at.astimezone(PARIS).strftime("%H:%M") for s in mondays}
    assert len(paris) > 1  # the same slot reads at different Paris times through Ramadan and DST
    paris_offsets = {s.starts_at.astimezone(PARIS).utcoffset() for s in mondays}
    assert len(paris_offsets) == 2, "the horizon crosses Europe's spring change"
    for s in mondays:  # both walls name the one instant
        for zone in (PARIS, CASA):
            wall = s.starts_at.astimezone(zone)
            assert wall.replace(tzinfo=None) - wall.utcoffset() == s.starts_at.replace(tzinfo=None)


def test_a_wall_time_skipped_by_the_clock_change_offers_no_slot():
    # Paris skips 02:00–03:00 on Sunday 2027-03-28.
    found = generate(Rules(timezone="Europe/Paris", slot_minutes=30, notice_hours=0, horizon_days=3,
                           windows=(Window(6, T("01:30"), T("03:30")),)),
                     now=dt.datetime(2027, 3, 27, tzinfo=dt.UTC))

    assert [s.starts_at.astimezone(PARIS).strftime("%H:%M") for s in found] == ["01:30", "03:00"]
