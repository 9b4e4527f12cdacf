"""The charts' text: width estimates per script, wrapping, bidi isolation and the mirrored frame.

`text_boxes` and `overlapping` read a chart back as the boxes its texts take by the estimate, for the
charts' own tests (pipeline, readiness, impact): what the browser check measures, without a browser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from app.core import svgtext
from app.core.svgtext import ARABIC_EM
from app.core.svgtext import GLYPH_EM
from app.core.svgtext import LRI
from app.core.svgtext import PDI
from app.core.svgtext import Frame
from app.core.svgtext import isolate
from app.core.svgtext import text_width
from app.core.svgtext import wrap

SVG = "{http://www.w3.org/2000/svg}"
#: The stylesheet's font sizes of the charts' text classes (static/css/parcours.css).
FONT_SIZES = {"chart-title": 15, "chart-label": 13, "chart-legend": 13, "chart-value": 13, "chart-axis": 12}


def text_boxes(svg: str) -> tuple[float, list[tuple[str, float, float, float, float]]]:
    """The chart's width and, per line of text, (text, left, right, top, bottom) by the estimate,
    reading `text-anchor` in the chart's direction as a browser does ("start" is the right end in rtl)."""
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    rtl = root.get("direction") == "rtl"
    boxes = []
    for text in root.iter(f"{SVG}text"):
        size = FONT_SIZES[text.get("class")]
        anchor = text.get("text-anchor", "start")
        baseline = float(text.get("y"))
        spans = list(text.iter(f"{SVG}tspan"))
        lines = [(float(s.get("x")), float(s.get("dy")), s.text or "") for s in spans] or [
            (float(text.get("x")), 0.0, text.text or "")]
        for x, dy, line in lines:
            baseline += dy
            w = text_width(line, size)
            if anchor == "middle":
                left = x - w / 2
            elif (anchor == "start") != rtl:  # start left to right, end right to left: the text runs rightwards
                left = x
            else:
                left = x - w
            boxes.append((line, left, left + w, baseline - size, baseline + size * 0.2))
    return width, boxes


def overlapping(boxes) -> list[tuple[str, str]]:
    """Pairs of lines whose boxes overlap (by more than half a unit each way)."""
    found = []
    for i, (a, al, ar, at, ab) in enumerate(boxes):
        for b, bl, br, bt, bb in boxes[i + 1:]:
            if al < br - 0.5 and bl < ar - 0.5 and at < bb - 0.5 and bt < ab - 0.5:
                found.append((a, b))
    return found


def outside(width: float, boxes) -> list[str]:
    return [line for line, left, right, *_ in boxes if left < -0.5 or right > width + 0.5]


def old_wrap(text: str, width: float, font_size: float, max_lines: int = 3) -> list[str]:
    """svgtext.wrap as it was before Arabic (a character is a character): French and English must not move."""
    per_line = max(4, int(width / (font_size * GLYPH_EM)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > per_line:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= per_line:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return lines or [""]


@pytest.mark.parametrize("text", [
    "Idéation et découverte du client", "Projets par étape et par pôle", "Propriété intellectuelle",
    "Multimédia et audiovisuel · Électronique embarquée et objets connectés", "https://example.org/" + "x" * 90,
    "▼ Customer (weakest)", "12 (+3 / −1)", "", "Q1 2030"])
@pytest.mark.parametrize("width", [40, 120, 398])
def test_latin_text_wraps_and_measures_as_before(text, width):
    assert wrap(text, width, 13) == old_wrap(text, width, 13)
    assert text_width(text, 13) == len(text) * 13 * GLYPH_EM


def test_arabic_letters_have_their_own_width_and_marks_and_isolates_none():
    assert text_width("الزبون", 10) == pytest.approx(6 * 10 * ARABIC_EM)
    assert text_width("مُحَمَّد", 10) == pytest.approx(text_width("محمد", 10))  # harakat take no room
    assert text_width(f"{LRI}12{PDI}", 10) == text_width("12", 10)
    assert text_width("\u200f1,234.50\xa0د.م.\u200f", 10) == pytest.approx(
        (8 + 1 + 2) * 10 * GLYPH_EM + 2 * 10 * ARABIC_EM)  # digits, space and dots Latin; two letters


def test_arabic_text_wraps_within_its_width_and_keeps_every_word():
    label = "الوسائط المتعددة والسمعي البصري · التفكير واكتشاف الزبون والتحقق من الحاجة"
    lines = wrap(label, 150, 13, max_lines=6)

    assert len(lines) > 1 and " ".join(lines) == label
    assert all(text_width(line, 13) <= 150 for line in lines)
    # Arabic letters are narrower than the Latin average: more of them fit on a line than by counting.
    twenty = "الاستراتيجياتالتسويق"
    assert len(twenty) == 20 > int(150 / (13 * GLYPH_EM))
    assert wrap(twenty, 150, 13) == [twenty] != old_wrap(twenty, 150, 13)


def test_a_long_arabic_word_is_cut_by_its_width():
    word = "الاستراتيجياتالتسويقيةالرقمية" * 2
    lines = wrap(word, 100, 13, max_lines=10)

    assert "".join(lines) == word
    assert all(text_width(line, 13) <= 100 for line in lines)


def test_numbers_and_latin_text_are_isolated_left_to_right_and_arabic_left_alone():
    assert isolate("12 (+3 / −1)") == f"{LRI}12 (+3 / −1){PDI}"
    assert isolate("AtlasTV") == f"{LRI}AtlasTV{PDI}"
    assert isolate("الزبون (الأضعف)") == "الزبون (الأضعف)"
    assert isolate("ف1 2030") == "ف1 2030"
    assert isolate("\u200f1,234.50\xa0د.م.\u200f") == "\u200f1,234.50\xa0د.م.\u200f"  # CLDR's marks order it
    assert isolate("") == ""


def test_the_frame_mirrors_right_to_left_and_changes_nothing_left_to_right():
    ltr, rtl = Frame(420), Frame(420, rtl=True)

    assert (ltr.x(10), ltr.left(10, 50), ltr.text("12"), ltr.root) == (10, 10, "12", "")
    assert (rtl.x(10), rtl.left(10, 50), rtl.text("12"), rtl.root) == (410, 360, f"{LRI}12{PDI}", ' direction="rtl"')


def test_text_lines_isolate_each_line_right_to_left_only():
    ltr = str(svgtext.text_lines(["12 (+3)", "الزبون"], x=5, y=10, css_class="chart-label", line_height=16))
    rtl = str(svgtext.text_lines(["12 (+3)", "الزبون"], x=5, y=10, css_class="chart-label", line_height=16, rtl=True))

    assert LRI not in ltr
    assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", rtl) == [f"{LRI}12 (+3){PDI}", "الزبون"]


def test_the_reader_language_decides_the_direction(app):
    app.config["LANGUAGES"] = ("fr", "en", "ar")
    for language, rtl in (("ar", True), ("fr", False), ("en", False)):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert svgtext.reads_right_to_left() is rtl
            assert svgtext.reads_right_to_left(not rtl) is not rtl
