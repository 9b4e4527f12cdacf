"""The radar and the trend for an Arabic reader: mirrored, time from the right, numbers left to right."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.core.svgtext import LRI
from app.readiness import charts
from app.workflow.definition import ReadinessDimension
from app.workflow.definition import ReadinessScale
from app.workflow.readiness_default import DEFAULT_READINESS
from tests.core.test_svgtext import outside
from tests.core.test_svgtext import overlapping
from tests.core.test_svgtext import text_boxes
from tests.readiness.conftest import DIMENSIONS
from tests.readiness.conftest import scores

#: The default scale with its Arabic labels (the dimensions' labels are data, {en, fr, ar}).
SCALE = ReadinessScale(1, 9, tuple(ReadinessDimension(d["key"], {"en": d["label"]["ar"]}, ())
                                   for d in DEFAULT_READINESS["dimensions"]))
SIDES = {"founder": "حاملو المشروع", "mentor": "المرشد"}
START = dt.datetime(2030, 1, 15, tzinfo=dt.UTC)


def radar(rtl: bool) -> str:
    return str(charts.radar(chart_id="r", title="الجاهزية", description="وصف", scale=SCALE,
                            pair={"founder": scores(customer=2), "mentor": scores()}, side_labels=SIDES,
                            weakest=("customer",), weakest_label="الأضعف", rtl=rtl))


def trend(rtl: bool) -> str:
    points = [charts.Point(START + dt.timedelta(days=60 * n), side, scores(team=2 + n))
              for n in range(3) for side in ("founder", "mentor")]
    return str(charts.trend(chart_id="t", title="الجاهزية عبر الزمن", description="وصف", scale=SCALE, points=points,
                            side_labels=SIDES, date_format=lambda d: d.date().isoformat(), rtl=rtl))


def label_x(svg: str, text: str) -> float:
    return float(re.search(rf'<text x="([\d.]+)"[^>]*>(?:<tspan[^>]*>)?[^<]*{text}', svg).group(1))


def test_the_radars_dimensions_run_anticlockwise_from_the_top_right_to_left():
    ltr, rtl = radar(False), radar(True)
    second = SCALE.dimension(DIMENSIONS[1]).label  # clockwise next to the top one, left to right

    assert 'direction="rtl"' in rtl.split(">", 1)[0]
    assert label_x(ltr, second) > 210 > label_x(rtl, second)
    assert label_x(rtl, second) == pytest.approx(420 - label_x(ltr, second))


def test_the_trend_runs_from_the_right_first_panel_and_earliest_date_at_the_right():
    svg = trend(True)
    first, second = (SCALE.dimension(k).label for k in DIMENSIONS[:2])
    dates = [(float(x), d) for x, d in re.findall(r'<text x="([\d.]+)"[^>]*class="chart-axis">\u2066?(2030-[\d-]+)',
                                                  svg)]

    assert label_x(svg, first) > label_x(svg, second)  # the first panel at the right
    earliest = [x for x, d in dates if d == "2030-01-15"]
    latest = [x for x, d in dates if d == "2030-05-15"]
    assert earliest and latest and all(e > lt for e, lt in zip(earliest, latest, strict=True))
    # The first panel's mentor points (circles), oldest first in the SVG: the oldest at the right.
    mentor = [(float(x), d) for x, d in re.findall(r'<circle cx="([\d.]+)"[^>]*><title>المرشد · ([\d-]+)', svg)][:3]
    assert [d for _x, d in mentor] == ["2030-01-15", "2030-03-16", "2030-05-15"]
    assert mentor[0][0] > mentor[1][0] > mentor[2][0]


def test_the_legends_keys_are_right_of_their_labels_from_the_right():
    svg = radar(True)
    keys = [float(x) for x in re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" stroke="#[0-9a-f]+" '
                                         r'stroke-width="2.5"', svg)]
    labels = [label_x(svg, side) for side in SIDES.values()]

    assert keys[0] == 400 and keys[0] > keys[1]  # the first key at the right edge, the next to its left
    assert all(label < key - 26 for label, key in zip(labels, keys, strict=True))


def test_no_text_overlaps_another_or_leaves_the_chart_and_digits_are_latin_and_isolated():
    for svg in (radar(True), trend(True)):
        width, boxes = text_boxes(svg)
        assert overlapping(boxes) == []
        assert outside(width, boxes) == []
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", svg)
        assert f">{LRI}9\u2069<" in svg  # the scale's top
    assert LRI not in radar(False) + trend(False) and "direction" not in radar(False) + trend(False)
