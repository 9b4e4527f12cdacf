"""The label certificate: a one-page PDF (fpdf2) naming the project, the call, the number and the date.

The boundary passes the texts already translated into the reader's language. A Unicode font
(DejaVu Sans, where the system has it) prints any name; without it, the built-in Helvetica
prints what Latin-1 can and replaces the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from app.core.branding import Branding
from app.core.branding import draw_logo

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/local/share/fonts"))


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


def _unicode_font() -> tuple[Path, Path] | None:
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


class _Writer:
    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        fonts = _unicode_font()
        if fonts:
            pdf.add_font("Cert", "", str(fonts[0]))
            pdf.add_font("Cert", "B", str(fonts[1]))
            self.family, self.latin1 = "Cert", False
        else:
            self.family, self.latin1 = "Helvetica", True

    def line(self, text: str, *, size: int, bold: bool = False, height: float = 12, gap: float = 0) -> None:
        if self.latin1:
            text = text.encode("latin-1", "replace").decode("latin-1")
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
        if gap:
            self.pdf.ln(gap)


def build_certificate(text: CertificateText, *, title: str, brand: Branding | None = None) -> bytes:
    """Render the certificate under the cluster's logo and name (when given); return the PDF's bytes."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Parcours")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(26, 20, 26)  # inside the double frame drawn below
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)
    writer = _Writer(pdf)
    if brand is not None:
        logo_width = draw_logo(pdf, brand.logo, x=20, y=18, height=12)
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
