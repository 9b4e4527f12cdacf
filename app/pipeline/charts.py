"""Server-side SVG charts: no JavaScript, no CDN, readable without colour.

Every chart has a <title> and a <desc>, labelled axes and the value written on each bar;
series are told apart by fill pattern as well as colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext
from markupsafe import Markup
from markupsafe import escape

from app.core.svgtext import Frame
from app.core.svgtext import flow
from app.core.svgtext import flow_height
from app.core.svgtext import reads_right_to_left
from app.core.svgtext import text_lines
from app.core.svgtext import text_width
from app.core.svgtext import wrap

#: (fill colour, pattern id) per series: colour-blind-safe hues, each with its own texture.
SERIES_STYLES = [("#0b5cad", "solid"), ("#d9822b", "hatch"), ("#2a9d8f", "dots"), ("#8e44ad", "cross"),
                 ("#6b7a8f", "vertical"), ("#c0392b", "grid")]
PATTERNS = """<defs>
<pattern id="{p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
  <rect width="6" height="6" fill="#d9822b"/>
  <line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>
<pattern id="{p}-dots" width="6" height="6" patternUnits="userSpaceOnUse">
  <rect width="6" height="6" fill="#2a9d8f"/><circle cx="3" cy="3" r="1.3" fill="#fff"/></pattern>
<pattern id="{p}-cross" width="6" height="6" patternUnits="userSpaceOnUse">
  <rect width="6" height="6" fill="#8e44ad"/><path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/></pattern>
<pattern id="{p}-vertical" width="5" height="5" patternUnits="userSpaceOnUse">
  <rect width="5" height="5" fill="#6b7a8f"/>
  <line x1="2" y1="0" x2="2" y2="5" stroke="#fff" stroke-width="1.5"/></pattern>
<pattern id="{p}-grid" width="6" height="6" patternUnits="userSpaceOnUse">
  <rect width="6" height="6" fill="#c0392b"/><path d="M0 3H6M3 0V6" stroke="#fff" stroke-width="1"/></pattern>
</defs>"""


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


def _fill(index: int, prefix: str) -> str:
    colour, pattern = SERIES_STYLES[index % len(SERIES_STYLES)]
    return colour if pattern == "solid" else f"url(#{prefix}-{pattern})"


#: The charts' width in user units: narrow enough that 13 px text stays readable on a 390 px phone
#: (the chart is drawn about 340 px wide there), and labels never cut off: they wrap onto lines.
WIDTH = 420
FONT = 13
LINE = 16


def stacked_bars(*, chart_id: str, title: str, description: str, categories: list[str], series: list[Series],
                 x_label: str, y_label: str, value_labels: list[str] | None = None,
                 rtl: bool | None = None) -> Markup:
    """Horizontal bars, one per category, stacked by series, with totals (or `value_labels`) at the end.

    Each category's label sits above its bar, on as many lines as it needs: long pole or stage
    names are never truncated, and the bars get the whole width. The legend flows onto rows.
    Right to left (`rtl`, by default the reader's language) the chart is mirrored: labels and the
    axis at the right, bars growing leftwards, each legend swatch at the right of its label."""
    frame = Frame(WIDTH, reads_right_to_left(rtl))
    fx, rtl = frame.x, frame.rtl
    margin, bar_h = 10, 18
    title_lines = wrap(title, WIDTH - 2 * margin, FONT + 2)
    values = value_labels or [format_decimal(sum(s.values[i] for s in series)) for i in range(len(categories))]
    value_room = max((text_width(v, FONT) for v in values), default=0) + 10
    left, plot = margin + 2, WIDTH - 2 * margin - 2 - value_room
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    parts = [PATTERNS.format(p=chart_id),
             text_lines(title_lines, x=fx(margin), y=FONT + 4, css_class="chart-title", line_height=LINE + 2,
                        rtl=rtl)]
    y = FONT + 4 + (LINE + 2) * (len(title_lines) - 1) + 14
    parts.append(text_lines([y_label], x=fx(margin), y=y + FONT, css_class="chart-axis", line_height=LINE, rtl=rtl))
    y += LINE + 6
    top = y
    for i, category in enumerate(categories):
        lines = wrap(category, WIDTH - 2 * margin, FONT)
        parts.append(text_lines(lines, x=fx(left), y=y + FONT, css_class="chart-label", line_height=LINE, rtl=rtl))
        y += LINE * len(lines) + 2
        x = left
        for j, serie in enumerate(series):
            value = serie.values[i]
            if value:
                w = plot * value / peak
                tip = gettext("%(label)s: %(value)s", label=f"{escape(category)} · {escape(serie.label)}",
                              value=escape(format_decimal(value)))
                parts.append(f'<rect x="{frame.left(x, w):.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                             f'fill="{_fill(j, chart_id)}" stroke="#1c2430" stroke-width="0.5">'
                             f'<title>{tip}</title></rect>')
                x += w
        parts.append(f'<text x="{fx(x + 6):.1f}" y="{y + bar_h - 4}" class="chart-value">'
                     f'{escape(frame.text(values[i]))}</text>')
        y += bar_h + 10
    parts.append(f'<line x1="{fx(left)}" y1="{top}" x2="{fx(left)}" y2="{y - 4}" stroke="#1c2430"/>')
    parts.append(f'<line x1="{fx(left)}" y1="{y - 4}" x2="{fx(left + plot)}" y2="{y - 4}" stroke="#1c2430"/>')
    parts.append(text_lines([x_label], x=fx(left + plot / 2), y=y + 14, css_class="chart-axis", line_height=LINE,
                            anchor="middle", rtl=rtl))
    y += 24
    if len(series) > 1:
        labels = [serie.label for serie in series]
        places = flow(labels, width=WIDTH - 2 * margin, font_size=FONT, swatch=14, line_height=LINE + 6,
                      text_line=LINE)
        for j, (lx, ly, lines) in enumerate(places):
            bx, by = margin + lx, y + 8 + ly
            parts.append(f'<rect x="{frame.left(bx, 14):.1f}" y="{by:.1f}" width="14" height="14" '
                         f'fill="{_fill(j, chart_id)}" stroke="#1c2430" stroke-width="0.5"/>')
            parts.append(text_lines(lines, x=fx(bx + 20), y=by + 12, css_class="chart-legend", line_height=LINE,
                                    rtl=rtl))
        y += 8 + flow_height(places, LINE) + LINE + 6
    height = int(y + 6)
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart"{frame.root}>',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>']
    return Markup("".join(head + [str(part) for part in parts]) + "</svg>")


def bars(*, chart_id: str, title: str, description: str, categories: list[str], values: list[float],
         x_label: str, y_label: str, value_labels: list[str] | None = None, rtl: bool | None = None) -> Markup:
    """A single-series horizontal bar chart."""
    return stacked_bars(chart_id=chart_id, title=title, description=description, categories=categories,
                        series=[Series(y_label, tuple(values))], x_label=x_label, y_label=y_label,
                        value_labels=value_labels, rtl=rtl)
