"""Server-side SVG charts of readiness: a radar of the latest pair and a trend per dimension.

Like the pipeline's charts: no JavaScript, a <title> and <desc> on each, the values written out,
and the two sides told apart by line style and marker shape as well as colour.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape

from app.core.i18n import _l
from app.core.svgtext import Frame
from app.core.svgtext import flow
from app.core.svgtext import flow_height
from app.core.svgtext import reads_right_to_left
from app.core.svgtext import text_lines
from app.core.svgtext import wrap
from app.workflow.definition import ReadinessScale

#: side → (colour, dash pattern, marker)
STYLES = {"founder": ("#d9822b", "6 4", "square"), "mentor": ("#0b5cad", "", "circle")}


@dataclass(frozen=True)
class Point:
    """One assessment on the trend: when, from which side, its scores."""

    at: dt.datetime
    side: str
    scores: Mapping[str, int]


def _marker(kind: str, x: float, y: float, colour: str, tip: str) -> str:
    title = f"<title>{escape(tip)}</title>"
    if kind == "square":
        return (f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" stroke="#1c2430" '
                f'stroke-width="0.5">{title}</rect>')
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" stroke="#1c2430" stroke-width="0.5">'
            f'{title}</circle>')


def _open(chart_id: str, frame: Frame, height: int, title: str, description: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {frame.width} {height}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart"{frame.root}>',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>']


#: The charts' width in user units: 13 px text stays readable on a 390 px phone (drawn ~340 px wide).
WIDTH = 420
FONT = 13
LINE = 16


def _legend(parts: list[str], frame: Frame, x: float, y: float, labels: Mapping[str, str]) -> float:
    """The sides' keys, side by side while they fit, else on further rows; returns the height used.
    Right to left the first key is at the right and each line-and-marker at the right of its label."""
    fx = frame.x
    places = flow(list(labels.values()), width=WIDTH - 2 * x, font_size=FONT, swatch=26, line_height=LINE + 6,
                  text_line=LINE)
    for side, (dx, dy, lines) in zip(labels, places, strict=True):
        colour, dash, marker = STYLES[side]
        lx, ly = x + dx, y + dy
        parts.append(f'<line x1="{fx(lx)}" y1="{ly}" x2="{fx(lx + 26)}" y2="{ly}" stroke="{colour}" '
                     f'stroke-width="2.5" stroke-dasharray="{dash}"/>')
        parts.append(_marker(marker, fx(lx + 13), ly, colour, labels[side]))
        parts.append(text_lines(lines, x=fx(lx + 32), y=ly + 4, css_class="chart-legend", line_height=LINE,
                                rtl=frame.rtl) if len(lines) > 1 else
                     f'<text x="{fx(lx + 32)}" y="{ly + 4}" class="chart-legend">{escape(frame.text(lines[0]))}</text>')
    return flow_height(places, LINE) + LINE


def radar(*, chart_id: str, title: str, description: str, scale: ReadinessScale,
          pair: Mapping[str, Mapping[str, int] | None], side_labels: Mapping[str, str],
          weakest: Sequence[str], weakest_label: str, rtl: bool | None = None) -> Markup:
    """One axis per dimension, one polygon per side; the weakest dimension's label is marked.

    Labels wrap onto lines within the room their side of the chart leaves: never cut off.
    Right to left (`rtl`, by default the reader's language) the dimensions run anticlockwise from the top."""
    frame = Frame(WIDTH, reads_right_to_left(rtl))
    fx = frame.x
    width, cx, radius, margin = WIDTH, WIDTH / 2, 105, 6
    keys = scale.keys
    labels = {key: scale.dimension(key).label + (f" ({weakest_label})" if key in weakest else "") for key in keys}
    labels = {key: ("▼ " if key in weakest else "") + text for key, text in labels.items()}
    # Room above the top axis and below the bottom one for their labels' lines, no more.
    top_lines = len(wrap(labels[keys[0]], width - 2 * margin, FONT)) if keys else 1
    bottom_lines = len(wrap(labels[keys[len(keys) // 2]], width - 2 * margin, FONT)) if len(keys) % 2 == 0 else 2
    cy = 14 + radius * 1.12 + LINE * top_lines
    span = scale.highest - scale.lowest or 1

    def at(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / len(keys)
        r = radius * (value - scale.lowest) / span if value >= scale.lowest else 0
        return fx(cx + r * math.cos(angle)), cy + r * math.sin(angle)

    size = int(cy + radius * 1.12 + LINE * bottom_lines + 24)
    parts = _open(chart_id, frame, size + 30, title, description)
    for level in sorted({scale.lowest, (scale.lowest + scale.highest) // 2, scale.highest}):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, level) for i in range(len(keys))))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#c5ccd6" stroke-width="1"/>')
        lx, ly = at(0, level)
        parts.append(f'<text x="{fx(fx(lx) + 4):.1f}" y="{ly + 4:.1f}" class="chart-axis">'
                     f'{escape(frame.text(str(level)))}</text>')
    for i, key in enumerate(keys):
        x, y = at(i, scale.highest)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c5ccd6"/>')
        lx, ly = at(i, scale.highest + span * 0.12)
        lx = fx(lx)  # placed as left to right, then mirrored with its anchor read in the text's direction
        if abs(lx - cx) < 20:
            anchor, room = "middle", width - 2 * margin
        elif lx > cx:
            anchor, room = "start", width - margin - lx
        else:
            anchor, room = "end", lx - margin
        lines = wrap(labels[key], room, FONT)
        if ly < cy - radius * 0.5:  # above the centre: the lines grow upwards from the axis's end
            first = ly - LINE * (len(lines) - 1)
        elif ly > cy + radius * 0.5:  # below: downwards
            first = ly + FONT
        else:
            first = ly + 4 - LINE * (len(lines) - 1) / 2
        style = ' font-weight="bold" fill="#c0392b"' if key in weakest else ""
        parts.append(str(text_lines(lines, x=fx(lx), y=first, css_class="chart-label", line_height=LINE,
                                    anchor=anchor, extra=style, rtl=frame.rtl)))
    for side in ("founder", "mentor"):
        scores = pair.get(side)
        if not scores:
            continue
        colour, dash, marker = STYLES[side]
        points = [at(i, scores.get(key, scale.lowest)) for i, key in enumerate(keys)]
        parts.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" fill="{colour}" '
                     f'fill-opacity="0.15" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>')
        for (x, y), key in zip(points, keys, strict=True):
            tip = str(_l("%(label)s: %(value)s", label=f"{side_labels[side]} · {scale.dimension(key).label}",
                         value=scores.get(key, "—")))
            parts.append(_marker(marker, x, y, colour, tip))
    _legend(parts, frame, 20, size, {s: side_labels[s] for s in ("founder", "mentor") if pair.get(s)})
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(*, chart_id: str, title: str, description: str, scale: ReadinessScale, points: Sequence[Point],
          side_labels: Mapping[str, str], date_format, rtl: bool | None = None) -> Markup:
    """Small multiples: one panel per dimension, each side's scores over time.

    Right to left (`rtl`, by default the reader's language) the panels, their scale and time run from
    the right: the first panel at the right, the earliest assessment at a panel's right edge."""
    columns, panel_w, panel_h, pad = 2, (WIDTH - 20) // 2, 130, 28
    rows = (len(scale.keys) + columns - 1) // columns
    width, height = columns * panel_w + 20, rows * (panel_h + pad) + 70
    frame = Frame(width, reads_right_to_left(rtl))
    parts = _open(chart_id, frame, height, title, description)
    times = [p.at for p in points]
    first = min(times) if times else None
    seconds = (max(times) - first).total_seconds() if times else 0
    for n, key in enumerate(scale.keys):
        box = (10 + (n % columns) * panel_w, 10 + (n // columns) * (panel_h + pad), panel_w, panel_h)
        parts += _trend_panel(frame, scale, key, points, box, first, seconds, side_labels, date_format)
    _legend(parts, frame, 20, height - 30, {s: side_labels[s] for s in ("founder", "mentor")})
    parts.append("</svg>")
    return Markup("".join(parts))


def _trend_panel(frame: Frame, scale: ReadinessScale, key: str, points: Sequence[Point], box: tuple[int, int, int, int],
                 first: dt.datetime | None, seconds: float, side_labels: Mapping[str, str], date_format) -> list[str]:
    """One dimension's panel of the trend: a frame, the scale's ends, a line and markers per side."""
    ox, oy, panel_w, panel_h = box
    fx, text = frame.x, frame.text
    left, top, w, h = ox + 20, oy + 22, panel_w - 28, panel_h - 40
    span = scale.highest - scale.lowest or 1
    parts = [f'<text x="{fx(ox + 4)}" y="{oy + 10}" class="chart-label">{escape(text(scale.dimension(key).label))}'
             f'</text>',
             f'<rect x="{frame.left(left, w)}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#c5ccd6"/>']
    for level in (scale.lowest, scale.highest):
        y = top + h - h * (level - scale.lowest) / span
        parts.append(f'<text x="{fx(left - 4)}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">'
                     f'{escape(text(str(level)))}</text>')
    for side in ("founder", "mentor"):
        mine = [p for p in points if p.side == side and key in p.scores]
        if not mine:
            continue
        colour, dash, marker = STYLES[side]
        coords = [(fx(left + w * ((p.at - first).total_seconds() / seconds if seconds else 0.5)),
                   top + h - h * (p.scores[key] - scale.lowest) / span) for p in mine]
        if len(coords) > 1:
            parts.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}" fill="none" '
                         f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        for p, (x, y) in zip(mine, coords, strict=True):
            tip = str(_l("%(label)s: %(value)s", label=f"{side_labels[side]} · {date_format(p.at)}",
                         value=p.scores[key]))
            parts.append(_marker(marker, x, y, colour, tip))
    if first is not None:
        parts.append(f'<text x="{fx(left)}" y="{top + h + 14}" class="chart-axis">{escape(text(date_format(first)))}'
                     f'</text>')
        if seconds:
            last = first + dt.timedelta(seconds=seconds)
            parts.append(f'<text x="{fx(left + w)}" y="{top + h + 14}" text-anchor="end" class="chart-axis">'
                         f'{escape(text(date_format(last)))}</text>')
    return parts
