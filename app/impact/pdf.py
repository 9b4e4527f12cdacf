"""The funders' report as a PDF ready to send, drawn with fpdf2 (pure Python, maintained).

The standard Helvetica font needs no font file on the server; it covers Western European
text (Windows-1252), which French and English need. Anything else is replaced, never crashes.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.core.branding import Branding
from app.core.branding import draw_logo
from app.impact.charts import Chart
from app.impact.tables import Table
from app.impact.tables import text

ENCODING = "cp1252"
#: Babel writes French numbers with narrow no-break spaces, which Windows-1252 lacks.
REPLACEMENTS = {"\u202f": "\u00a0", "\u2009": " ", "\u2212": "-", "\u2192": "->", "\u2265": ">=", "\u2264": "<="}


def printable(value: str) -> str:
    """The text with every character the standard fonts cannot draw replaced."""
    for char, replacement in REPLACEMENTS.items():
        value = value.replace(char, replacement)
    return value.encode(ENCODING, errors="replace").decode(ENCODING)


#: Bar colours: the pipeline's first hue, and the text's grey.
BAR = (11, 92, 173)
INK = (28, 36, 48)
MUTED = (90, 102, 117)


class _Document(FPDF):
    def __init__(self, footer_text: str, brand: Branding) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.footer_text = footer_text
        self.brand = brand

    def header(self) -> None:
        """The cluster's logo and name on every page, above a rule."""
        width = draw_logo(self, self.brand.logo, x=self.l_margin, y=8, height=10)
        self.set_xy(self.l_margin + (width + 3 if width else 0), 9)
        self.set_font("Helvetica", style="B", size=11)
        self.set_text_color(*INK)
        self.cell(0, 8, printable(self.brand.name))
        self.set_draw_color(*MUTED)
        self.line(self.l_margin, 20, self.w - self.r_margin, 20)
        self.set_y(24)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 102, 117)
        self.cell(0, 6, printable(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def render(*, title: str, subtitle: list[str], tables: list[Table], footer: str, language: str,
           charts: list[Chart] = (), brand: Branding | None = None) -> bytes:
    """A4 pages under the cluster's name: the title, the period and filters, the charts, then each table."""
    pdf = _Document(footer, brand or Branding("Parcours"))
    pdf.set_title(printable(title))
    pdf.set_lang(language)
    pdf.set_creator("Parcours")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.cell(0, 10, printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in subtitle:
        pdf.cell(0, 6, printable(line), new_x="LMARGIN", new_y="NEXT")
    for chart in charts:
        draw_chart(pdf, chart)
    for heading, header, rows in tables:
        pdf.ln(4)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.cell(0, 8, printable(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        if not rows:
            pdf.cell(0, 6, "—", new_x="LMARGIN", new_y="NEXT")
            continue
        cells = [[printable(text(cell)) for cell in row] for row in rows]
        numeric = [all(not isinstance(row[i], str) for row in rows) for i in range(len(header))]
        with pdf.table(text_align=["RIGHT" if n else "LEFT" for n in numeric], line_height=5.5,
                       col_widths=column_widths(header, cells),
                       headings_style=FontFace(emphasis="BOLD", fill_color=(230, 234, 240))) as table:
            table.row([printable(h) for h in header])
            for row in cells:
                table.row(row)
    return bytes(pdf.output())


def column_widths(header: list[str], cells: list[list[str]]) -> tuple[float, ...]:
    """Relative widths from the longest word of each column (headings wrap, words never split)."""
    widths = []
    for i, heading in enumerate(header):
        words = [w for text_ in [heading, *(row[i] for row in cells)] for w in text_.split(" ")]
        longest_cell = max((len(row[i]) for row in cells), default=0)
        widths.append(max(max(map(len, words), default=1), min(longest_cell, 48), 4))
    return tuple(widths)


def draw_chart(pdf: FPDF, chart: Chart) -> None:
    """Horizontal bars drawn with fpdf2's vector shapes: a label, a bar, the value written at its end."""
    row, label_width, value_width = 6.0, 52.0, 40.0
    needed = 14 + row * max(len(chart.categories), 1) + (6 if chart.note else 0)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, printable(chart.title), new_x="LMARGIN", new_y="NEXT")
    if not chart.categories or not any(chart.values):
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, "—", new_x="LMARGIN", new_y="NEXT")
    else:
        left = pdf.l_margin + label_width + 2
        span = pdf.w - pdf.r_margin - left - value_width
        peak = max(chart.values) or 1
        pdf.set_font("Helvetica", size=8)
        for category, value, label in zip(chart.categories, chart.values, chart.value_labels, strict=True):
            y = pdf.get_y()
            pdf.set_text_color(*INK)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_width, row, printable(_fit(pdf, category, label_width)), align="R")
            width = span * value / peak if value > 0 else 0
            if width:
                pdf.set_fill_color(*BAR)
                pdf.rect(left, y + 1, width, row - 2, style="F")
            pdf.set_xy(left + width + 1.5, y)
            pdf.cell(value_width, row, printable(label))
            pdf.set_y(y + row)
        pdf.set_draw_color(*INK)
        pdf.line(left, pdf.get_y() - row * len(chart.categories), left, pdf.get_y())
    if chart.note:
        pdf.set_font("Helvetica", style="I", size=8)
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5, printable(chart.note), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _fit(pdf: FPDF, value: str, width: float) -> str:
    """The label shortened with an ellipsis only when it cannot fit its column."""
    if pdf.get_string_width(printable(value)) <= width:
        return value
    while value and pdf.get_string_width(printable(value + "…")) > width:
        value = value[:-1]
    return value + "…"
