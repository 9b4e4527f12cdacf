"""The pipeline's bar charts for an Arabic reader: mirrored, shaped right to left, numbers in Latin digits."""

from __future__ import annotations

import re

import pytest

from app.core.svgtext import LRI
from app.core.svgtext import PDI
from app.pipeline import charts
from tests.core.test_svgtext import outside
from tests.core.test_svgtext import overlapping
from tests.core.test_svgtext import text_boxes

STAGES = ["التفكير واكتشاف الزبون والتحقق من الحاجة لدى المستعملين في الأسواق المحلية والدولية",
          "النموذج الأولي", "الاحتضان", "التسريع"]
POLES = ["الوسائط المتعددة والسمعي البصري", "البرمجيات", "الإلكترونيات المدمجة والأشياء المتصلة", "الأمن"]


def stacked(rtl: bool | None = None, categories=STAGES, poles=POLES) -> str:
    return str(charts.stacked_bars(
        chart_id="p", title="المشاريع حسب المرحلة والقطب", description="وصف", categories=categories,
        series=[charts.Series(p, (3, 2, 0, 1)) for p in poles], x_label="المشاريع", y_label="المرحلة",
        value_labels=["12 (+3 / −1)", "7 (+2 / −0)", "0", "1234"], rtl=rtl))


def rects(svg: str) -> list[tuple[float, float]]:
    """The bars (and legend swatches): (left, right)."""
    found = re.findall(r'<rect x="([\d.-]+)" y="[\d.]+" width="([\d.]+)"', svg)
    return [(float(x), float(x) + float(w)) for x, w in found]


def test_the_chart_is_mirrored_for_an_arabic_reader():
    ltr, rtl = stacked(rtl=False), stacked(rtl=True)

    assert 'direction="rtl"' in rtl.split(">", 1)[0] and "direction" not in ltr
    for (left, right), (mirrored_left, mirrored_right) in zip(rects(ltr), rects(rtl), strict=True):
        assert mirrored_left == pytest.approx(420 - right, abs=0.11)
        assert mirrored_right == pytest.approx(420 - left, abs=0.11)
    label_x = re.search(r'class="chart-label"><tspan x="([\d.]+)"', rtl).group(1)
    assert float(label_x) == 420 - 12  # the category labels and the axis at the right, the inline start
    assert '<line x1="408" y1=' in rtl
    bars = rects(rtl)[:3]  # the first category's three series, first series at the right
    assert bars[0][1] == 408 and bars[0][0] == pytest.approx(bars[1][1], abs=0.15)
    assert bars[1][0] == pytest.approx(bars[2][1], abs=0.15)
    value_x = float(re.search(r'<text x="([\d.]+)" y="[\d.]+" class="chart-value">', rtl).group(1))
    assert value_x < bars[2][0]  # the total after the bars' end, at their left


def test_the_legend_runs_from_the_right_with_each_swatch_right_of_its_label():
    svg = stacked(rtl=True)
    swatches = [(float(x), float(y))
                for x, y in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="14" height="14"', svg)]
    labels = [(float(x), float(y)) for x, y in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="start" '
                                                           r'class="chart-legend">', svg)]

    assert len(swatches) == len(labels) == len(POLES)
    for (sx, _), (lx, _) in zip(swatches, labels, strict=True):
        assert lx < sx  # the label's right end (its start, right to left) left of the swatch
    assert swatches[0][0] + 14 == 420 - 10  # the first entry at the right edge
    first_row = [x for x, y in swatches if y == swatches[0][1]]
    assert first_row == sorted(first_row, reverse=True)  # flowing leftwards


@pytest.mark.parametrize("width_of", ["short", "long"])
def test_arabic_labels_wrap_and_no_text_overlaps_another_or_leaves_the_chart(width_of):
    poles = POLES if width_of == "short" else [p + " والتحول الرقمي للمقاولات الصغرى" for p in POLES]
    width, boxes = text_boxes(stacked(rtl=True, poles=poles))

    assert overlapping(boxes) == []
    assert outside(width, boxes) == []
    assert sum(1 for line, *_ in boxes if line in STAGES[0]) > 1  # the long stage name is on several lines


def test_numbers_stay_latin_digits_isolated_left_to_right():
    svg = stacked(rtl=True)

    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", svg)
    assert f">{LRI}12 (+3 / −1){PDI}</text>" in svg
    assert f">{LRI}1234{PDI}</text>" in svg


def test_the_readers_language_turns_the_chart(app):
    app.config["LANGUAGES"] = ("fr", "en", "ar")
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        arabic, mirrored = stacked(), stacked(rtl=True)  # the same words (the tooltips are translated)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        french, unmirrored = stacked(), stacked(rtl=False)

    assert arabic == mirrored and french == unmirrored
    assert LRI not in french and "direction" not in french
