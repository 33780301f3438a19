"""Charts for report pages, as inline SVG: no script, no network, no image file, and the page's own
CJK font, so the same markup prints from a browser and from WeasyPrint (--pdf).

Three shapes are all the reports need — grouped columns (a value or two per period), horizontal bars
of a rate, and a column series with its latest column marked — so they are drawn here in a few lines
each rather than through a plotting library whose SVG would bring scripts or fonts of its own.
Every label is escaped: department and window names come from the office's catalogue.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

FONT = 'font-family="Noto Sans CJK SC, SimHei, sans-serif"'
INK, SECOND, GRID, MARK = "#1f4e79", "#9dc3e6", "#d9d9d9", "#c00000"


def columns(periods: list[str], series: list[tuple[str, list[int]]], width: int = 640, height: int = 220) -> Markup:
    """Grouped columns: for each period, one column per series (at most two), with a legend."""
    top, bottom, left = 28, 36, 36
    high = max([1, *(v for _, values in series for v in values)])
    plot_h, slot = height - top - bottom, (width - left - 8) / max(1, len(periods))
    bar = slot * 0.7 / max(1, len(series))
    parts = [_axis(left, top, width, plot_h, high)]
    for i, period in enumerate(periods):
        x0 = left + i * slot + slot * 0.15
        for k, (_, values) in enumerate(series):
            h = plot_h * values[i] / high
            x, y = x0 + k * bar, top + plot_h - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{_colour(k)}"/>')
            parts.append(_text(x + bar / 2 - 1, y - 3, str(values[i]), 10, "middle"))
        parts.append(_text(x0 + bar * len(series) / 2, top + plot_h + 14, period, 10, "middle"))
    parts += _legend([name for name, _ in series], left, 14)
    return _svg(width, height, parts)


def rate_bars(items: list[tuple[str, float | None]], width: int = 640) -> Markup:
    """One horizontal bar per item: a rate from 0 to 1, written as a percentage; "—" when none."""
    row, left, right = 22, 170, 56
    height = row * max(1, len(items)) + 8
    span = width - left - right
    parts = []
    for i, (label, rate) in enumerate(items):
        y = 4 + i * row
        parts.append(_text(left - 6, y + 14, label, 11, "end"))
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{span}" height="{row - 8}" fill="#f2f2f2"/>')
        if rate is not None:
            parts.append(f'<rect x="{left}" y="{y + 3}" width="{span * rate:.1f}" height="{row - 8}" fill="{INK}"/>')
        parts.append(_text(left + span + 6, y + 14, "—" if rate is None else f"{rate * 100:.1f}%", 11, "start"))
    return _svg(width, height, parts)


def trend(periods: list[str], values: list[int], width: int = 640, height: int = 200) -> Markup:
    """A column per period, the last one (this period) marked in red."""
    top, bottom, left = 16, 36, 36
    high = max([1, *values])
    plot_h, slot = height - top - bottom, (width - left - 8) / max(1, len(periods))
    parts = [_axis(left, top, width, plot_h, high)]
    for i, (period, value) in enumerate(zip(periods, values)):
        h = plot_h * value / high
        x, y = left + i * slot + slot * 0.2, top + plot_h - h
        colour = MARK if i == len(periods) - 1 else SECOND
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" fill="{colour}"/>')
        parts.append(_text(x + slot * 0.3, y - 3, str(value), 10, "middle"))
        parts.append(_text(x + slot * 0.3, top + plot_h + 14, period, 9, "middle"))
    return _svg(width, height, parts)


def _axis(left: int, top: int, width: int, plot_h: float, high: int) -> str:
    base = top + plot_h
    lines = [f'<line x1="{left}" y1="{base:.1f}" x2="{width - 8}" y2="{base:.1f}" stroke="#595959"/>']
    lines.append(f'<line x1="{left}" y1="{top}" x2="{width - 8}" y2="{top}" stroke="{GRID}" stroke-dasharray="3 3"/>')
    lines.append(_text(left - 4, top + 4, str(high), 9, "end"))
    lines.append(_text(left - 4, base + 4, "0", 9, "end"))
    return "".join(lines)


def _legend(names: list[str], x: int, y: int) -> list[str]:
    found = []
    for k, name in enumerate(names):
        found.append(f'<rect x="{x + k * 90}" y="{y - 9}" width="10" height="10" fill="{_colour(k)}"/>')
        found.append(_text(x + k * 90 + 14, y, name, 11, "start"))
    return found


def _colour(k: int) -> str:
    return INK if k == 0 else SECOND


def _text(x: float, y: float, text: str, size: int, anchor: str) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {FONT}>{escape(text)}</text>'


def _svg(width: int, height: int, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{body}</svg>'
    )
