"""Text in server-side SVG charts: wrapped into lines (`<tspan>`s) instead of cut off, and legends
laid out in rows that never overlap. Widths are estimates (SVG text has no layout engine): an
average glyph of 0.58 em, which holds for the system sans-serif fonts the stylesheet asks for."""

from __future__ import annotations

from markupsafe import Markup
from markupsafe import escape

#: Average width of a glyph, in em, of the charts' sans-serif fonts (a little generous).
GLYPH_EM = 0.58


def text_width(text: str, font_size: float) -> float:
    """The estimated width of `text` in user units at `font_size`."""
    return len(text) * font_size * GLYPH_EM


def wrap(text: str, width: float, font_size: float, max_lines: int = 3) -> list[str]:
    """`text` broken at spaces into lines that fit `width`; a single word longer than a line is
    cut at the line's length with a hyphen-less break (never lost: the lines carry every character)."""
    per_line = max(4, int(width / (font_size * GLYPH_EM)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > per_line:  # a word longer than a line: split it
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:per_line])
            word = word[per_line:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= per_line:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:  # keep every word: the last line takes the rest
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return lines or [""]


def text_lines(lines: list[str], *, x: float, y: float, css_class: str, line_height: float,
               anchor: str = "start", extra: str = "") -> Markup:
    """A `<text>` whose lines are `<tspan>`s, the first one's baseline at `y`."""
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return Markup(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css_class}"{extra}>{spans}</text>')


def flow(labels: list[str], *, width: float, font_size: float, swatch: float, gap: float = 16.0,
         line_height: float = 20.0) -> list[tuple[float, float]]:
    """Where each legend entry goes (its swatch's left edge, its row's offset from the first row):
    entries side by side while they fit `width`, then on the next row, so none overlaps another."""
    places: list[tuple[float, float]] = []
    x, row = 0.0, 0
    for label in labels:
        entry = swatch + 6 + text_width(label, font_size)
        if x and x + entry > width:
            x, row = 0.0, row + 1
        places.append((x, row * line_height))
        x += entry + gap
    return places
