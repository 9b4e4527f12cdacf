"""The funders' report page in Arabic: its four charts mirrored, their figures in Latin digits, left to right."""

from __future__ import annotations

import re

from app.core.svgtext import LRI
from app.core.svgtext import PDI
from tests.core.test_svgtext import outside
from tests.core.test_svgtext import overlapping
from tests.core.test_svgtext import text_boxes
from tests.impact.test_exports import PERIOD


def charts_of(session, web, manager, language: str) -> list[str]:
    manager.locale = language  # the language the manager chose
    session.commit()
    html = web(manager).get(f"/reports/funders?{PERIOD}").get_data(as_text=True)
    assert f'<html lang="{language}"' in html
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def test_the_arabic_reports_charts_read_right_to_left(app, session, web, manager, world):
    app.config["LANGUAGES"] = ("fr", "en", "ar")

    arabic, french = charts_of(session, web, manager, "ar"), charts_of(session, web, manager, "fr")

    assert len(arabic) == len(french) == 4
    assert all('direction="rtl"' in svg.split(">", 1)[0] for svg in arabic)
    assert not any("direction" in svg or LRI in svg for svg in french)
    funnel, money, jobs, revenue = arabic
    assert re.search(rf">{LRI}\d+ \(\+\d+ / −\d+\){PDI}</text>", funnel)  # the moves stay "2 (+1 / −0)"
    unisolated = re.compile("[\u2066-\u2069]")  # the isolates around values filled into a message
    assert "ف1 2030" in unisolated.sub("", jobs) and "ف4 2030" in unisolated.sub("", revenue)  # as in French
    for svg in arabic:
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", svg)  # Latin digits
        labels = [float(x) for x in re.findall(r'class="chart-label"><tspan x="([\d.]+)"', svg)]
        assert labels and all(x == 408 for x in labels)  # the categories at the right, the inline start
        width, boxes = text_boxes(svg)
        assert overlapping(boxes) == [] and outside(width, boxes) == []
