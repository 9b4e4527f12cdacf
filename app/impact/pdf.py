"""The funders' report as a PDF ready to send, drawn with fpdf2 (pure Python, maintained).

The standard Helvetica font needs no font file on the server; it covers Western European
text (Windows-1252), which French and English need. Anything else is replaced, never crashes.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

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


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90, 102, 117)
        self.cell(0, 6, printable(f"{self.footer_text} · {self.page_no()}/{{nb}}"), align="C")


def render(*, title: str, subtitle: list[str], tables: list[Table], footer: str, language: str) -> bytes:
    """A4 pages: the title, the period and filters, then each table under its heading."""
    pdf = _Document(footer)
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
