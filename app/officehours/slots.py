"""The slot generator: a mentor's office hours turned into bookable slots. Pure: no database, no Flask.

Windows are wall-clock times in the mentor's zone (`zoneinfo`), so a 10:00 window stays at 10:00
local across a DST change or Morocco's Ramadan hour; slots come out as UTC instants. A wall time
that does not exist (the hour skipped when clocks go forward) yields no slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from zoneinfo import ZoneInfo

SLOT_LENGTHS = (30, 45, 60)


@dataclass(frozen=True)
class Window:
    """A weekly window: `weekday` 0 = Monday … 6 = Sunday, local wall times."""

    weekday: int
    start: dt.time
    end: dt.time
    place: str = ""


@dataclass(frozen=True)
class OneOff:
    """A window on one date only (local wall times)."""

    date: dt.date
    start: dt.time
    end: dt.time
    place: str = ""


@dataclass(frozen=True)
class Rules:
    """What a mentor publishes: where the slots come from and how they are spaced."""

    timezone: str
    slot_minutes: int = 30
    buffer_minutes: int = 0
    notice_hours: int = 24
    horizon_days: int = 28
    weekly_cap: int | None = None
    windows: tuple[Window, ...] = ()
    one_offs: tuple[OneOff, ...] = ()
    #: Local dates with no slot at all (a day off), one-off windows included.
    exceptions: frozenset[dt.date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str


def week_of(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The Monday of the local week `instant` falls in (the weekly cap counts per local week)."""
    day = instant.astimezone(zone).date()
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a local wall time, or None when that wall time does not exist that day."""
    local = dt.datetime.combine(day, wall, tzinfo=zone)
    instant = local.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # skipped by a clock change
    return instant


def _windows_on(rules: Rules, day: dt.date) -> list[tuple[dt.time, dt.time, str]]:
    if day in rules.exceptions:
        return []
    found = [(w.start, w.end, w.place) for w in rules.windows if w.weekday == day.weekday()]
    return found + [(o.start, o.end, o.place) for o in rules.one_offs if o.date == day]


def _slots_in(day: dt.date, start: dt.time, end: dt.time, place: str, rules: Rules,
              zone: ZoneInfo) -> Iterable[Slot]:
    length = dt.timedelta(minutes=rules.slot_minutes)
    step = length + dt.timedelta(minutes=rules.buffer_minutes)
    window_end = _at(day, end, zone) or dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)
    wall = dt.datetime.combine(day, start)
    while wall.date() == day:
        instant = _at(day, wall.time(), zone)
        if instant is not None:
            if instant + length > window_end:
                return
            yield Slot(instant, instant + length, place)
        wall += step


def _overlaps(slot: Slot, taken: list[tuple[dt.datetime, dt.datetime]], buffer: dt.timedelta) -> bool:
    return any(slot.starts_at < end + buffer and start - buffer < slot.ends_at for start, end in taken)


def generate(rules: Rules, *, now: dt.datetime, start: dt.datetime | None = None, end: dt.datetime | None = None,
             taken: Iterable[tuple[dt.datetime, dt.datetime]] = (),
             booked_per_week: Mapping[dt.date, int] | None = None) -> list[Slot]:
    """The free slots between `start` and `end` (UTC instants), soonest first.

    Only slots at least `notice_hours` after `now` and before `now + horizon_days` are offered;
    a slot closer than `buffer_minutes` to a `taken` interval (the active bookings) is not free,
    nor a slot in a local week whose bookings reached `weekly_cap`.
    """
    zone = ZoneInfo(rules.timezone)
    earliest = now + dt.timedelta(hours=rules.notice_hours)
    latest = now + dt.timedelta(days=rules.horizon_days)
    if start is not None:
        earliest = max(earliest, start)
    if end is not None:
        latest = min(latest, end)
    if earliest >= latest:
        return []
    taken = list(taken)
    buffer = dt.timedelta(minutes=rules.buffer_minutes)
    booked = booked_per_week or {}
    found: dict[dt.datetime, Slot] = {}
    day = earliest.astimezone(zone).date() - dt.timedelta(days=1)
    while day <= latest.astimezone(zone).date():
        for w_start, w_end, place in _windows_on(rules, day):
            for slot in _slots_in(day, w_start, w_end, place, rules, zone):
                if not earliest <= slot.starts_at < latest or slot.starts_at in found:
                    continue
                if _overlaps(slot, taken, buffer):
                    continue
                if rules.weekly_cap is not None and booked.get(week_of(slot.starts_at, zone), 0) >= rules.weekly_cap:
                    continue
                found[slot.starts_at] = slot
        day += dt.timedelta(days=1)
    return [found[k] for k in sorted(found)]


def is_offered(rules: Rules, starts_at: dt.datetime, *, now: dt.datetime) -> Slot | None:
    """The slot starting exactly at `starts_at` if the rules offer it (ignoring bookings), else None."""
    for slot in generate(rules, now=now, start=starts_at, end=starts_at + dt.timedelta(minutes=1)):
        if slot.starts_at == starts_at:
            return slot
    return None
