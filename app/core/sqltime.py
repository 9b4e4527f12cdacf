"""Date arithmetic in SQL that means the same on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement
from sqlalchemy import Float
from sqlalchemy import cast
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import literal

from app.core.models import UTCDateTime


def instant(value: dt.datetime) -> ColumnElement:
    """A datetime parameter stored the way the UTC columns are."""
    return literal(value, UTCDateTime())


def days_between(start: ColumnElement, end: ColumnElement, dialect: str) -> ColumnElement[float]:
    """(end - start) in days, fractional."""
    if dialect == "postgresql":
        return extract("epoch", end - start) / 86400.0
    return cast(func.julianday(end) - func.julianday(start), Float)
