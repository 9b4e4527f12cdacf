"""Time helpers: everything is stored in UTC and shown in the user's zone."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Return the current instant, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def isoformat(value: dt.datetime | None) -> str | None:
    """Format an instant as RFC 3339 with a `Z` suffix, the API's form."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
