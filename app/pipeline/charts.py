"""Server-side SVG charts: no JavaScript, no CDN, readable without colour.

Every chart has a <title> and a <desc>, labelled axes and the value written on each bar;
series are told apart by fill pattern as well as colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from markupsafe import escape

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


def stacked_bars(*, chart_id: str, title: str, description: str, categories: list[str], series: list[Series],
                 x_label: str, y_label: str, value_labels: list[str] | None = None) -> Markup:
    """Horizontal bars, one per category, stacked by series, with totals (or `value_labels`) at the end."""
    row, left, top, width = 30, 170, 40, 360
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    height = top + row * max(len(categories), 1) + 70 + 18 * ((len(series) + 2) // 3)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {left + width + 60} {height}" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
             PATTERNS.format(p=chart_id),
             f'<text x="{left}" y="20" class="chart-title">{escape(title)}</text>']
    for i, category in enumerate(categories):
        y = top + i * row
        parts.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" class="chart-label">'
                     f'{escape(category)}</text>')
        x = left
        for j, s in enumerate(series):
            value = s.values[i]
            if value:
                w = width * value / peak
                parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row - 10}" '
                             f'fill="{_fill(j, chart_id)}" stroke="#1c2430" stroke-width="0.5">'
                             f'<title>{escape(category)} · {escape(s.label)}: {value:g}</title></rect>')
                x += w
        label = value_labels[i] if value_labels else f"{totals[i]:g}"
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 18}" class="chart-value">{escape(label)}</text>')
    axis_y = top + row * max(len(categories), 1)
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="#1c2430"/>')
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + width}" y2="{axis_y}" stroke="#1c2430"/>')
    parts.append(f'<text x="{left + width / 2}" y="{axis_y + 24}" text-anchor="middle" class="chart-axis">'
                 f'{escape(x_label)}</text>')
    parts.append(f'<text x="12" y="{top + (axis_y - top) / 2}" transform="rotate(-90 12 {top + (axis_y - top) / 2})" '
                 f'text-anchor="middle" class="chart-axis">{escape(y_label)}</text>')
    if len(series) > 1:
        for j, s in enumerate(series):
            lx, ly = left + (j % 3) * 130, axis_y + 46 + 18 * (j // 3)
            parts.append(f'<rect x="{lx}" y="{ly - 11}" width="14" height="14" fill="{_fill(j, chart_id)}" '
                         f'stroke="#1c2430" stroke-width="0.5"/><text x="{lx + 20}" y="{ly}" class="chart-legend">'
                         f'{escape(s.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(*, chart_id: str, title: str, description: str, categories: list[str], values: list[float],
         x_label: str, y_label: str, value_labels: list[str] | None = None) -> Markup:
    """A single-series horizontal bar chart."""
    return stacked_bars(chart_id=chart_id, title=title, description=description, categories=categories,
                        series=[Series(y_label, tuple(values))], x_label=x_label, y_label=y_label,
                        value_labels=value_labels)
