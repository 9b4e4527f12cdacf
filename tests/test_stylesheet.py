"""One stylesheet for both directions: the layout is written with logical properties
(`margin-inline-start`, `inset-inline-start`, `text-align: start`…), so an Arabic page
(`dir="rtl"`) mirrors without a second stylesheet. A physical left or right would stay put."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "parcours.css"
PHYSICAL = re.compile(
    r"(?:margin|padding|border|inset)-(?:left|right)\b"  # margin-left, border-right-color…
    r"|(?<![-\w])(?:left|right)\s*:"  # position offsets
    r"|(?:float|clear|text-align)\s*:\s*(?:left|right)\b"
    r"|border-(?:top|bottom)-(?:left|right)-radius"
    r"|translateX\(|row-reverse")


def declarations() -> str:
    return re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)


def test_the_stylesheet_uses_no_physical_left_or_right():
    found = [m.group(0) for m in PHYSICAL.finditer(declarations())]

    assert not found, f"use the logical property instead: {found}"


def test_the_check_finds_a_physical_property():
    assert PHYSICAL.search(".a { margin-left: 1rem; }") and PHYSICAL.search(".a { left: 0 }")
    assert PHYSICAL.search(".a { text-align: right; }")
    assert not PHYSICAL.search(".a { margin-inline-start: 1rem; inset-inline-start: 0; text-align: start; }")


def test_the_stage_stepper_points_the_way_the_page_reads():
    css = declarations()

    assert '.step:not(:last-child)::after { content: "→"' in css
    assert '[dir="rtl"] .step:not(:last-child)::after { content: "←"; }' in css
