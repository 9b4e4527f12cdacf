"""The funders' report as a PDF ready to send, drawn with fpdf2 (pure Python, maintained).

Every language prints in DejaVu Sans (`app.core.pdffont`), shaped by HarfBuzz: French accents,
Babel's narrow no-break spaces and Arabic all print as they are, with no character replaced.
In a right-to-left language (Arabic) the page is mirrored: the header's logo at the right, text
and table cells aligned right, the first column of each table at the right, and the bar charts
growing leftwards from an axis at the right (categories read from the right, as the text is).
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import FontFace

from app.core.bidi import right_to_left
from app.core.branding import Branding
from app.core.branding import draw_logo
from app.core.pdffont import use_unicode_font
from app.impact.charts import Chart
from app.impact.tables import Table
from app.impact.tables import text

#: Bar colours: the pipeline's first hue, and the text's grey.
BAR = (11, 92, 173)
INK = (28, 36, 48)
MUTED = (90, 102, 117)


class _Document(FPDF):
    def __init__(self, footer_text: str, brand: Branding, *, rtl: bool = False) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.brand = brand
        self.rtl = rtl
        self.family = use_unicode_font(self, right_to_left=rtl)

    @property
    def start(self) -> str:
        """Where a line of text begins: the left edge, or the right one in a right-to-left language."""
        return "R" if self.rtl else "L"

    def header(self) -> None:
        """The cluster's logo and name on every page, above a rule (the logo at the reading start)."""
        width = draw_logo(self, self.brand.logo, x=Align.R if self.rtl else self.l_margin, y=8, height=10)
        gap = width + 3 if width else 0
        self.set_xy(self.l_margin + (0 if self.rtl else gap), 9)
        self.set_font(self.family, style="B", size=11)
        self.set_text_color(*INK)
        self.cell(self.epw - gap, 8, self.brand.name, align=self.start)
        self.set_draw_color(*MUTED)
        self.line(self.l_margin, 20, self.w - self.r_margin, 20)
        self.set_y(24)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")

    def line_of_text(self, value: str, height: float) -> None:
        """One line across the page at the reading start."""
        self.cell(0, height, value, align=self.start, new_x="LMARGIN", new_y="NEXT")


def render(*, title: str, subtitle: list[str], tables: list[Table], footer: str, language: str,
           charts: list[Chart] = (), brand: Branding | None = None) -> bytes:
    """A4 pages under the cluster's name: the title, the period and filters, the charts, then each table."""
    pdf = _Document(footer, brand or Branding("Parcours"), rtl=right_to_left(language))
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("Parcours")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font(pdf.family, style="B", size=18)
    pdf.line_of_text(title, 10)
    pdf.set_font(pdf.family, size=10)
    for line in subtitle:
        pdf.line_of_text(line, 6)
    for chart in charts:
        draw_chart(pdf, chart)
    for heading, header, rows in tables:
        pdf.ln(4)
        pdf.set_font(pdf.family, style="B", size=12)
        pdf.line_of_text(heading, 8)
        pdf.set_font(pdf.family, size=9)
        if not rows:
            pdf.line_of_text("—", 6)
            continue
        draw_table(pdf, header, rows)
    return bytes(pdf.output())


def draw_table(pdf: _Document, header: list[str], rows: list[list]) -> None:
    """The table with its headings; numbers aligned right (their units line up whatever the
    language), text at the reading start; right to left, the first column is the rightmost."""
    cells = [[text(cell) for cell in row] for row in rows]
    numeric = [all(not isinstance(row[i], str) for row in rows) for i in range(len(header))]
    align = ["RIGHT" if n or pdf.rtl else "LEFT" for n in numeric]
    widths = column_widths(header, cells)
    header = list(header)
    if pdf.rtl:
        header, align, widths = header[::-1], align[::-1], widths[::-1]
        cells = [row[::-1] for row in cells]
    with pdf.table(text_align=align, line_height=5.5, col_widths=widths,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(230, 234, 240))) as table:
        table.row(header)
        for row in cells:
            table.row(row)


def column_widths(header: list[str], cells: list[list[str]]) -> tuple[float, ...]:
    """Relative widths from the longest word of each column (headings wrap, words never split)."""
    widths = []
    for i, heading in enumerate(header):
        words = [w for text_ in [heading, *(row[i] for row in cells)] for w in text_.split(" ")]
        longest_cell = max((len(row[i]) for row in cells), default=0)
        widths.append(max(max(map(len, words), default=1), min(longest_cell, 48), 4))
    return tuple(widths)


def draw_chart(pdf: _Document, chart: Chart) -> None:
    """Horizontal bars drawn with fpdf2's vector shapes: a label, a bar, the value written at its end.

    Right to left the chart is mirrored (labels at the right, bars growing leftwards): a bar's
    length reads the same either way, and the eye starts where Arabic text starts."""
    row, label_width, value_width = 6.0, 52.0, 40.0
    needed = 14 + row * max(len(chart.categories), 1) + (6 if chart.note else 0)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(pdf.family, style="B", size=12)
    pdf.set_text_color(*INK)
    pdf.line_of_text(chart.title, 8)
    if not chart.categories or not any(chart.values):
        pdf.set_font(pdf.family, size=9)
        pdf.line_of_text("—", 6)
    else:
        _bars(pdf, chart, row=row, label_width=label_width, value_width=value_width)
    if chart.note:
        pdf.set_font(pdf.family, size=8)  # DejaVu's oblique face has no Arabic: the note is grey instead
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5, chart.note, align=pdf.start, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _bars(pdf: _Document, chart: Chart, *, row: float, label_width: float, value_width: float) -> None:
    span = pdf.epw - label_width - 2 - value_width
    # The axis: at the labels' inner edge, left of the bars (right of them, mirrored).
    axis = pdf.w - pdf.r_margin - label_width - 2 if pdf.rtl else pdf.l_margin + label_width + 2
    peak = max(chart.values) or 1
    pdf.set_font(pdf.family, size=8)
    top = pdf.get_y()
    for category, value, label in zip(chart.categories, chart.values, chart.value_labels, strict=True):
        y = pdf.get_y()
        width = span * value / peak if value > 0 else 0
        pdf.set_text_color(*INK)
        if pdf.rtl:
            pdf.set_xy(axis + 2, y)
            pdf.cell(label_width, row, _fit(pdf, category, label_width), align="L")
            if width:
                pdf.set_fill_color(*BAR)
                pdf.rect(axis - width, y + 1, width, row - 2, style="F")
            pdf.set_xy(axis - width - 1.5 - value_width, y)
            pdf.cell(value_width, row, label, align="R")
        else:
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_width, row, _fit(pdf, category, label_width), align="R")
            if width:
                pdf.set_fill_color(*BAR)
                pdf.rect(axis, y + 1, width, row - 2, style="F")
            pdf.set_xy(axis + width + 1.5, y)
            pdf.cell(value_width, row, label)
        pdf.set_y(y + row)
    pdf.set_draw_color(*INK)
    pdf.line(axis, top, axis, pdf.get_y())
    pdf.set_fill_color(255)  # fpdf2's tables fill their cells with the current colour: not the bars' blue


def _fit(pdf: FPDF, value: str, width: float) -> str:
    """The label shortened with an ellipsis only when it cannot fit its column."""
    if pdf.get_string_width(value) <= width:
        return value
    while value and pdf.get_string_width(value + "…") > width:
        value = value[:-1]
    return value + "…"
