"""The charts in Arabic, as Chromium draws them at phone width: right to left, nothing overlapping or cut.

One page load (the progress page: the readiness radar and trend); the bar charts' Arabic layout is
checked without a browser (tests/pipeline/test_charts_rtl.py) by the same width estimate."""

from __future__ import annotations

from tests.browser.conftest import PHONE
from tests.browser.conftest import sign_in
from tests.browser.test_french_journeys import CHART_TEXT_PROBLEMS

#: Every pair of texts of a chart whose boxes overlap (the labels, ticks and dates too, not only the legend).
TEXT_OVERLAPS = """() => {
    const found = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
        const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const [a, ra] = boxes[i], [b, rb] = boxes[j];
            if (ra.left < rb.right - 0.5 && rb.left < ra.right - 0.5
                && ra.top < rb.bottom - 0.5 && rb.top < ra.bottom - 0.5)
                found.push(a + ' / ' + b);
        }
    }
    return found;
}"""


def test_in_arabic_the_readiness_charts_read_right_to_left_and_fit_a_phone(browser, live_server, t):
    languages = live_server.app.config["LANGUAGES"]
    live_server.app.config["LANGUAGES"] = tuple(dict.fromkeys((*languages, "ar")))
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=PHONE)
    try:
        page = context.new_page()
        manager = live_server.make_user("manager", "ar")
        with live_server.session() as session:  # the manager chose Arabic: the pages follow once signed in
            live_server.user(session, manager.email).has_chosen_locale = True
            session.commit()
        sign_in(page, manager.email, "fr", t)  # the sign-in form in the browser's French

        page.goto(f"/projects/{live_server.project_id('AtlasTV')}/progress")

        assert page.locator("html").get_attribute("lang") == "ar"
        charts = page.locator("svg.chart")
        assert charts.count() >= 2
        assert charts.evaluate_all("svgs => svgs.map(s => getComputedStyle(s.querySelector('text')).direction)") == [
            "rtl"] * charts.count()
        assert page.evaluate(CHART_TEXT_PROBLEMS) == []  # no text outside its chart, no legend overlap
        assert page.evaluate(TEXT_OVERLAPS) == []
        trend = page.locator("svg.chart[aria-labelledby^='trend']")
        first, second = (trend.locator("text.chart-label").nth(n).bounding_box() for n in (0, 1))
        assert first["x"] > second["x"]  # the first dimension's panel at the right
        # The charts fit the phone (the page's own right-to-left layout is the stylesheet's business).
        for left, right in charts.evaluate_all("s => s.map(e => [e.getBoundingClientRect().left, "
                                               "e.getBoundingClientRect().right])"):
            assert 0 <= left < right <= PHONE["width"]
    finally:
        context.close()
        live_server.app.config["LANGUAGES"] = languages
