"""Dates and times in the reader's language and time zone, through `zoneinfo` only.

Flask-Babel's `format_datetime`, `format_date`, `format_time` and `to_user_timezone` convert with
pytz, whose rules for Africa/Casablanca are wrong after 2026 (UTC+0 where Morocco is UTC+1), so
every time shown by Parcours was an hour early. Here the zone is always a `ZoneInfo` (the
system's tzdata, kept current by the `tzdata` package) and Babel only spells the result.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from babel import dates as babel_dates
from flask import current_app
from flask import has_app_context
from flask_babel import get_locale

from app.core.i18n import babel_locale

FALLBACK_ZONE = "Africa/Casablanca"
FALLBACK_LOCALE = "en"


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The `ZoneInfo` called `name`; the cluster's default zone when the name is empty or unknown."""
    for candidate in (name, _default_zone_name(), FALLBACK_ZONE):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo(FALLBACK_ZONE)


def _default_zone_name() -> str | None:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None


def reader_zone() -> ZoneInfo:
    """The zone of the signed-in reader (web session or bearer token), else the default zone."""
    from app.core.locale import select_timezone

    return zone(select_timezone() if has_app_context() else None)


def _locale(locale) -> object:
    """A Babel locale: the one given (a language code becomes its formatting locale, "ar" → "ar_MA"),
    else the request's."""
    if isinstance(locale, str):
        return babel_locale(locale)
    return locale or get_locale() or FALLBACK_LOCALE


def to_local(value: dt.datetime, tz: ZoneInfo | str | None = None) -> dt.datetime:
    """`value` (aware; naive means UTC) as a wall-clock time in `tz` (the reader's zone by default)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    target = tz if isinstance(tz, ZoneInfo) else (zone(tz) if tz else reader_zone())
    return value.astimezone(target)


def format_datetime(value: dt.datetime | None, fmt: str = "medium", *, tz: ZoneInfo | str | None = None,
                    locale=None, seconds: bool = False) -> str:
    """An instant written in the reader's language and zone ("" for none).

    A named format ("short", "medium", "long", "full") gives the day in that length and the time
    of day to the minute: seconds say nothing to a reader (`seconds=True` keeps Babel's own)."""
    if value is None:
        return ""
    local = to_local(value, tz)
    if seconds or fmt not in ("short", "medium", "long", "full"):
        return babel_dates.format_datetime(local, fmt, tzinfo=local.tzinfo, locale=_locale(locale))
    language = _locale(locale)
    pattern = babel_dates.get_datetime_format(fmt, locale=language)
    time = babel_dates.format_time(local, "short", tzinfo=local.tzinfo, locale=language)
    day = babel_dates.format_date(local.date(), fmt, locale=language)
    return pattern.replace("'", "").replace("{0}", time).replace("{1}", day)


def format_date(value: dt.date | dt.datetime | None, fmt: str = "medium", *, tz: ZoneInfo | str | None = None,
                locale=None) -> str:
    """A day in the reader's language; an instant gives its day in the reader's zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value, tz).date()
    return babel_dates.format_date(value, fmt, locale=_locale(locale))


def format_time(value: dt.datetime | None, fmt: str = "short", *, tz: ZoneInfo | str | None = None,
                locale=None) -> str:
    """The time of day of an instant in the reader's language and zone."""
    if value is None:
        return ""
    local = to_local(value, tz)
    return babel_dates.format_time(local, fmt, tzinfo=local.tzinfo, locale=_locale(locale))


def zone_name(name: str | None, *, locale=None) -> str:
    """A time zone the reader's way ("heure : Maroc", "Morocco Time"), not its IANA key."""
    if not name:
        return ""
    if name in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        return babel_dates.get_timezone_location(zone(name), locale=_locale(locale))
    except (LookupError, ValueError):
        return name
