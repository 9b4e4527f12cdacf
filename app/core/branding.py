"""The cluster's name and logo (`CLUSTER_NAME`, `CLUSTER_LOGO`), as the PDFs print them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align

#: The app's own logo, used when `CLUSTER_LOGO` is not set (if the file exists).
DEFAULT_LOGO = Path(__file__).resolve().parents[2] / "static" / "img" / "logo.png"
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".svg")


@dataclass(frozen=True)
class Branding:
    name: str
    #: A readable PNG, JPEG or SVG file, or None: the name stands alone.
    logo: Path | None = None


def branding(config) -> Branding:
    """The configured name and logo; a missing or unreadable logo falls back to the app's, then to none."""
    for candidate in (config.get("CLUSTER_LOGO"), DEFAULT_LOGO):
        if candidate and Path(candidate).suffix.lower() in LOGO_TYPES and Path(candidate).is_file():
            return Branding(config.get("CLUSTER_NAME") or "Parcours", Path(candidate))
    return Branding(config.get("CLUSTER_NAME") or "Parcours")


def draw_logo(pdf: FPDF, logo: Path | None, *, x: float | Align, y: float, height: float) -> float:
    """Draw the logo at (x, y), `height` tall; return its width (0 when there is none or it cannot be read).

    `x` may be `Align.R`: against the right margin (a right-to-left document's header)."""
    if logo is None:
        return 0
    try:
        info = pdf.image(str(logo), x=x, y=y, h=height)
    except Exception:  # a broken file must not stop the report: the name still prints
        return 0
    return float(info.rendered_width) if info is not None else height
