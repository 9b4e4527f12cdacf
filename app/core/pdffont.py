"""The font of every PDF Parcours prints: DejaVu Sans, shipped in `static/fonts/dejavu/` with its
licence, so a server without system fonts prints the same. It covers Latin with every French
accent and Arabic; fpdf2 embeds only the glyphs a document uses (a subset of ~20-40 kB).

Text goes through HarfBuzz (`uharfbuzz`): Arabic letters take their joined forms and each
paragraph is laid out with the Unicode bidirectional algorithm, so an Arabic project name prints
right in a French report too. A right-to-left document sets the paragraphs' base direction to
right to left (as `dir="rtl"` does on a page); numbers and Latin words inside stay left to right.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts" / "dejavu"
FAMILY = "DejaVu"


def use_unicode_font(pdf: FPDF, *, right_to_left: bool = False) -> str:
    """Register the regular and bold faces on `pdf`, turn text shaping on; return the family's name."""
    pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    # Left to right, the direction stays automatic per paragraph (an Arabic name alone is laid out
    # right to left); right to left, it is forced, as a page's `dir` is.
    pdf.set_text_shaping(True, direction="rtl" if right_to_left else None)
    return FAMILY
