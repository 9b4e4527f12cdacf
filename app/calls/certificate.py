"""The label certificate: a one-page PDF (fpdf2) naming the project, the call, the number and the date.

The boundary passes the texts already translated into the reader's language. The shipped
DejaVu Sans, shaped by HarfBuzz (`app.core.pdffont`), prints any name in Latin or Arabic script;
in a right-to-left language the lines are laid out right to left and the logo sits at the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import Align

from app.core.bidi import right_to_left
from app.core.branding import Branding
from app.core.branding import draw_logo
from app.core.pdffont import use_unicode_font


@dataclass(frozen=True)
class CertificateText:
    """Every sentence of the certificate, in the reader's language."""

    heading: str
    intro: str
    project: str
    body: str
    number_line: str
    date_line: str
    footer: str


class _Writer:
    def __init__(self, pdf: FPDF, *, rtl: bool) -> None:
        self.pdf = pdf
        self.family = use_unicode_font(pdf, right_to_left=rtl)

    def line(self, text: str, *, size: int, bold: bool = False, height: float = 12, gap: float = 0) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
        if gap:
            self.pdf.ln(gap)


def build_certificate(text: CertificateText, *, title: str, brand: Branding | None = None,
                      language: str = "en") -> bytes:
    """Render the certificate under the cluster's logo and name (when given); return the PDF's bytes."""
    rtl = right_to_left(language)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("Parcours")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(26, 20, 26)  # inside the double frame drawn below
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    writer = _Writer(pdf, rtl=rtl)
    if brand is not None:
        logo_width = _logo(pdf, brand, rtl=rtl)
        pdf.set_y(19 if not logo_width else 31)
        writer.line(brand.name, size=12, bold=True, height=6)
    pdf.set_y(max(pdf.get_y() + 4, 32))
    writer.line(text.heading, size=30, bold=True, height=14, gap=8)
    writer.line(text.intro, size=14, height=8, gap=2)
    writer.line(text.project, size=24, bold=True, height=12, gap=4)
    writer.line(text.body, size=14, height=8, gap=10)
    writer.line(text.number_line, size=16, bold=True, height=9)
    writer.line(text.date_line, size=14, height=8, gap=16)
    writer.line(text.footer, size=10, height=6)
    return bytes(pdf.output())


def _logo(pdf: FPDF, brand: Branding, *, rtl: bool) -> float:
    """The logo in the frame's top corner where reading starts (left, or right in Arabic)."""
    if not rtl:
        return draw_logo(pdf, brand.logo, x=20, y=18, height=12)
    margin = pdf.r_margin
    pdf.set_right_margin(20)  # Align.R puts it against the right margin: 20 mm, mirroring x=20
    try:
        return draw_logo(pdf, brand.logo, x=Align.R, y=18, height=12)
    finally:
        pdf.set_right_margin(margin)
