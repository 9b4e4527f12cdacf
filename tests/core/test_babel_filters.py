"""Dates, numbers, sizes and zones through Babel, in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import render_template_string

from app.core.dates import format_datetime
from app.core.dates import zone_name

NBSP, NNBSP = "\u00a0", "\u202f"


def render(app, lang: str, template: str, **values) -> str:
    with app.test_request_context(headers={"Accept-Language": lang}):
        return render_template_string(template, **values)


@pytest.mark.parametrize(("lang", "expected"), [("fr", "400,5|1" + NNBSP + "200|3,80|45" + NBSP + "%"),
                                                ("en", "400.5|1,200|3.80|45%")])
def test_numbers_in_the_readers_locale(app, lang, expected):
    out = render(app, lang, "{{ a|number }}|{{ b|number }}|{{ c|number(2) }}|{{ d|percent }}",
                 a=Decimal("400.5000"), b=1200.0, c=3.8, d=0.45)
    assert out == expected


@pytest.mark.parametrize(("lang", "size", "expected"), [
    ("fr", 1024, "1" + NBSP + "ko"), ("fr", 2_621_440, "2,5" + NBSP + "Mo"), ("fr", 500, "500" + NBSP + "o"),
    ("en", 1024, "1" + NBSP + "KB"), ("en", 2_621_440, "2.5" + NBSP + "MB"),
])
def test_file_sizes_in_the_readers_units(app, lang, size, expected):
    assert render(app, lang, "{{ size|filesize }}", size=size) == expected


def test_an_instant_is_shown_to_the_minute_and_a_span_of_days_in_words(app):
    at = dt.datetime(2026, 11, 28, 9, 5, 42, tzinfo=dt.UTC)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        shown = format_datetime(at)
        assert ":42" not in shown and "10:05" in shown  # Casablanca is UTC+1
        assert format_datetime(at, seconds=True).endswith("10:05:42")
    out = render(app, "fr", "{{ period(a, b) }}", a=dt.date(2026, 11, 28), b=dt.date(2027, 1, 15))
    assert out == "du 28 nov. 2026 au 15 janv. 2027"
    assert render(app, "en", "{{ period(a, b) }}", a=dt.date(2026, 11, 28), b=dt.date(2027, 1, 15)) == \
        "from Nov 28, 2026 to Jan 15, 2027"


def test_a_time_zone_is_named_the_readers_way(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert zone_name("Africa/Casablanca") == "heure : Maroc"
        assert zone_name("UTC") == "UTC"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert zone_name("Africa/Casablanca") == "Morocco Time"
    assert render(app, "fr", "{{ z|zone_name }}", z="Europe/Paris") == "heure : France"
