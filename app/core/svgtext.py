"""Text in server-side SVG charts: wrapped into lines (`<tspan>`s) instead of cut off, and legends
laid out in rows that never overlap. Widths are estimates (SVG text has no layout engine): an
average glyph of 0.58 em, which holds for the system sans-serif fonts the stylesheet asks for;
Arabic letters have their own average (`ARABIC_EM`) and its marks and the bidi controls none.

Right to left (Arabic), a chart is drawn mirrored (`Frame`): the svg root carries `direction="rtl"`,
so a `text-anchor` of "start" puts a text's right end at its x, and every x is taken from the right
edge; texts without a right-to-left letter (numbers, "12 (+3 / −1)", Latin names) are wrapped in the
Unicode isolates LRI…PDI so they keep their left-to-right order (see `isolate`)."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape

from app.core.bidi import right_to_left
from app.core.i18n import current_language

#: Average width of a glyph, in em, of the charts' sans-serif fonts (a little generous).
GLYPH_EM = 0.58
#: Average width of an Arabic letter (joined, in its contextual form), in em. Measured once with
#: `getComputedTextLength()` in Chromium 156 (Debian) at 13 px in the stylesheet's font stack, whose
#: Arabic glyphs came from DejaVu Sans (the only Arabic font of that machine): over the 400 first
#: Arabic strings of the catalogue, spaces counted at DejaVu's 0.318 em, a letter averaged 0.478 em
#: (median 0.472, 90th percentile 0.546, widest string 0.729); 0.55 is the 90th percentile, as
#: GLYPH_EM is for French (the same measure gave 0.522 mean, 0.571 90th percentile per character).
ARABIC_EM = 0.55
#: Left-to-right isolate and pop directional isolate (Unicode's bidi algorithm, UAX #9).
LRI, PDI = "\u2066", "\u2069"
#: Characters drawn with no width: the bidi marks and isolates.
_INVISIBLE = frozenset("\u200e\u200f\u061c\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return (0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF
            or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF)


@functools.cache  # a page measures the same few characters thousands of times
def _units(char: str) -> float:
    """A character's width in average Latin glyphs (GLYPH_EM): 1 for every character but Arabic ones."""
    if char in _INVISIBLE:
        return 0.0
    if _is_arabic(char):
        return 0.0 if unicodedata.category(char) in ("Mn", "Me", "Cf") else ARABIC_EM / GLYPH_EM
    return 1.0


def units(text: str) -> float:
    """The width of `text` in average Latin glyphs: its length for Latin text."""
    if text.isascii():  # no Arabic, no invisible mark: one glyph per character
        return float(len(text))
    return sum(map(_units, text))


def text_width(text: str, font_size: float) -> float:
    """The estimated width of `text` in user units at `font_size`."""
    return units(text) * font_size * GLYPH_EM


def _cut(word: str, per_line: int) -> int:
    """How many characters of `word` fit in `per_line` glyphs (at least one)."""
    total, end = 0.0, 0
    for end, char in enumerate(word):
        total += _units(char)
        if total > per_line:
            return max(end, 1)
    return len(word)


def wrap(text: str, width: float, font_size: float, max_lines: int = 3) -> list[str]:
    """`text` broken at spaces into lines that fit `width`; a single word longer than a line is
    cut at the line's length with a hyphen-less break (never lost: the lines carry every character)."""
    per_line = max(4, int(width / (font_size * GLYPH_EM)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while units(word) > per_line:  # a word longer than a line: split it
            if current:
                lines.append(current)
                current = ""
            cut = _cut(word, per_line)
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if units(candidate) <= per_line:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:  # keep every word: the last line takes the rest
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return lines or [""]


def isolate(text: str) -> str:
    """`text` as a left-to-right isolate when it holds no right-to-left letter, for a right-to-left chart.

    In a right-to-left text "12 (+3 / −1)" would show as "(1− / 3+) 12": the bidi algorithm orders
    its numbers and neutrals right to left. The isolates LRI…PDI keep it whole and left to right, and
    Chromium still anchors the text by its right end; a `<tspan direction="ltr" unicode-bidi="isolate">`
    also orders it, but a text made only of that tspan is then anchored by its left end and overflows
    the chart (measured in Chromium 156). Text with an Arabic letter is left to the bidi algorithm
    (an amount such as "‏1,234.50 د.م.‏" carries CLDR's own marks)."""
    if not text or any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return text
    return f"{LRI}{text}{PDI}"


def text_lines(lines: list[str], *, x: float, y: float, css_class: str, line_height: float,
               anchor: str = "start", extra: str = "", rtl: bool = False) -> Markup:
    """A `<text>` whose lines are `<tspan>`s, the first one's baseline at `y` (each line isolated if `rtl`)."""
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height}">'
                    f'{escape(isolate(line) if rtl else line)}</tspan>'
                    for i, line in enumerate(lines))
    return Markup(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css_class}"{extra}>{spans}</text>')


def flow(labels: list[str], *, width: float, font_size: float, swatch: float, gap: float = 16.0,
         line_height: float = 20.0, text_line: float = 16.0) -> list[tuple[float, float, list[str]]]:
    """Where each legend entry goes (its swatch's left edge, its row's offset from the first row) and
    its label's lines: entries side by side while they fit `width`, then on the next row, so none
    overlaps another; a label wider than a row is wrapped onto lines `text_line` apart (its row grows).
    Right to left, `Frame.x` turns the offsets round: the first entry at the right, swatch first."""
    room = width - swatch - 6
    places: list[tuple[float, float, list[str]]] = []
    x, y, taller = 0.0, 0, 0  # y stays an int when the line heights are (the numbers written as before)
    for label in labels:
        lines = wrap(label, room, font_size) if text_width(label, font_size) > room else [label]
        entry = swatch + 6 + max(text_width(line, font_size) for line in lines)
        if x and x + entry > width:
            x, y, taller = 0.0, y + line_height + taller, 0
        places.append((x, y, lines))
        taller = max(taller, text_line * (len(lines) - 1))
        x += entry + gap
    return places


def flow_height(places: list[tuple[float, float, list[str]]], text_line: float = 16.0) -> float:
    """The offset of the last row of `flow`'s entries plus its extra lines: the legend's height less a row."""
    if not places:
        return 0
    last = places[-1][1]
    return last + max(text_line * (len(lines) - 1) for _x, y, lines in places if y == last)


def reads_right_to_left(rtl: bool | None = None) -> bool:
    """`rtl` if given, else whether the reader's language (the request's) is written right to left."""
    return right_to_left(current_language()) if rtl is None else rtl


@dataclass(frozen=True)
class Frame:
    """A chart `width` units wide, drawn left to right, or mirrored for a right-to-left reader.

    Charts place everything as for a left-to-right reader and pass each x through the frame."""

    width: float
    rtl: bool = False

    def x(self, x):
        """A point's x (a text's anchor, a line's end)."""
        return self.width - x if self.rtl else x

    def left(self, x, w):
        """The left edge of a box drawn from `x` rightwards over `w` units, left to right."""
        return self.width - x - w if self.rtl else x

    def text(self, text: str) -> str:
        """A text's content, isolated if it is left to right in a right-to-left chart."""
        return isolate(text) if self.rtl else text

    @property
    def root(self) -> str:
        """The attribute the svg root carries: `direction="rtl"` right to left, nothing otherwise."""
        return ' direction="rtl"' if self.rtl else ""
