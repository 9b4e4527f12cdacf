"""The funders' report in Arabic: shaped Arabic that reads back in logical order, a mirrored page.

pypdf returns the Arabic of these PDFs as the letters typed (fpdf2 maps each shaped glyph back to
its character); NFKC folds any presentation form back all the same, so a shaping change cannot
turn this test into a test of pypdf."""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader

from tests.impact.test_exports import PERIOD

CLUSTER = "مجمع الابتكار الرقمي"
COHORT = "منصة الدفع الرقمي"


def arabic_report(app, web, manager, world, session, lang: str = "ar", *, in_cohort: bool = True):
    """The report of 2030 under an Arabic cluster name, for the cohort named in Arabic (or all)."""
    app.config.update(LANGUAGES=("fr", "en", "ar"), CLUSTER_NAME=CLUSTER)
    cohort = world.cohort(2030)
    cohort.name = COHORT
    session.commit()
    cohort_filter = f"&cohort={cohort.id}" if in_cohort else ""
    response = web(manager).get(f"/reports/funders.pdf?{PERIOD}&lang={lang}{cohort_filter}")
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.data))


def logical(page) -> str:
    return unicodedata.normalize("NFKC", page.extract_text())


def test_the_arabic_pdf_reads_back_the_arabic_as_typed(app, web, manager, world, session):
    reader = arabic_report(app, web, manager, world, session)

    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert all(CLUSTER in logical(page) for page in reader.pages)  # the header of every page
    assert COHORT in logical(reader.pages[0])  # the subtitle's cohort
    assert CLUSTER[::-1] not in logical(reader.pages[0])
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", reader.pages[0].extract_text())  # no presentation forms


def stream(reader) -> str:
    return "\n".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)


def title_start(reader) -> float:
    """Where (x, in points) the title's line starts: the first text after the 18-point font is set."""
    return float(re.search(r"/F\d+ 18\.00 Tf ET\s+(?:q )?BT ([\d.]+) [\d.]+ Td", stream(reader)).group(1))


def bars(reader) -> list[tuple[float, float]]:
    """The (left, right) edges of the charts' bars (filled rectangles), in points."""
    return [(float(x), float(x) + float(w))
            for x, _, w, _ in re.findall(r"([\d.]+) ([\d.-]+) ([\d.]+) ([\d.-]+) re f\b", stream(reader))]


def test_the_arabic_page_is_mirrored(app, web, manager, world, session):
    arabic = arabic_report(app, web, manager, world, session, in_cohort=False)
    english = arabic_report(app, web, manager, world, session, lang="en", in_cohort=False)
    middle = float(arabic.pages[0].mediabox.width) / 2

    assert title_start(arabic) > middle > title_start(english)  # the title ends at the right margin
    # Bars grow from one axis: at their left ends in English, at their right ends in Arabic.
    english_bars, arabic_bars = bars(english), bars(arabic)
    assert len(arabic_bars) == len(english_bars) > 5
    axis = min(left for left, _ in english_bars)
    assert sum(round(left) == round(axis) for left, _ in english_bars) > 5
    mirrored = max(right for _, right in arabic_bars)
    assert sum(round(right) == round(mirrored) for _, right in arabic_bars) > 5
    assert abs(axis + mirrored - 2 * middle) < 1  # the same distance from either edge of the page
