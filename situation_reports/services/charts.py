"""Charts drawn on the server as SVG, so the page and the PDF show the same picture.

Hand-written and small on purpose: a grouped horizontal bar chart, a line chart and a heat
grid. Every chart carries a <title> and <desc> and is labelled for screen readers; the page
always shows the chart's data as a table next to it (the table is the accessible version).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Colour-blind-safe colours with at least 3:1 contrast against white (WCAG 1.4.11).
SERIES_COLOURS = ["#1f5fa8", "#b85c00", "#5a6b7b", "#2e7d32", "#8e24aa", "#c62828", "#00796b"]
FONT = "font-family:system-ui,'DejaVu Sans',sans-serif;font-size:12px"


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(chart_id, width, height, title, desc):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'class="report-chart" style="max-width:{width}px;{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _legend(parts, names, x, y, *, lines=False):
    """``lines``: a line chart's key shows each line's stroke (solid or dashed), since with more
    series than colours two lines share a colour and only the dash tells them apart."""
    for i, name in enumerate(names):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if lines:
            dash = "" if i % 2 == 0 else ' stroke-dasharray="5 3"'
            key = (
                f'<line x1="{x - 6}" y1="{y + i * 18 + 6}" x2="{x + 14}" y2="{y + i * 18 + 6}" '
                f'stroke="{colour}" stroke-width="3"{dash}/>'
            )
        else:
            key = f'<rect x="{x}" y="{y + i * 18}" width="12" height="12" fill="{colour}"/>'
        parts.append(key + f'<text x="{x + 20}" y="{y + i * 18 + 10}">{escape(name)}</text>')


def bar_chart(chart_id, title, labels, series, *, desc=""):
    """Horizontal grouped bars: ``labels`` down the side, ``series`` a list of
    (name, values) drawn side by side for each label."""
    label_width, bar_area, bar_h, gap = 230, 340, 12, 10
    groups = max(len(labels), 1)
    group_h = bar_h * len(series) + gap
    legend_h = 18 * len(series) + 6
    height = 10 + groups * group_h + legend_h + 10
    width = label_width + bar_area + 60
    peak = max([v for _n, values in series for v in values] + [1])
    parts = _open(chart_id, width, height, title, desc or title)
    y = 10
    for index, label in enumerate(labels):
        text = str(label)
        short = text if len(text) <= 30 else text[:29] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + group_h / 2 - gap / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(short)}</text>'
        )
        for s, (_name, values) in enumerate(series):
            value = values[index]
            w = bar_area * value / peak
            colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
            parts.append(
                f'<rect x="{label_width}" y="{y + s * bar_h}" width="{w:.1f}" '
                f'height="{bar_h - 2}" fill="{colour}"/>'
                f'<text x="{label_width + w + 4:.1f}" y="{y + s * bar_h + bar_h - 3}" '
                f'font-size="10">{_fmt(value)}</text>'
            )
        y += group_h
    parts.append(f'<line x1="{label_width}" y1="6" x2="{label_width}" y2="{y}" stroke="#333"/>')
    _legend(parts, [name for name, _v in series], label_width, y + 8)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(chart_id, title, x_labels, series, *, desc="", every=4):
    """Lines over ``x_labels`` (e.g. weeks); ``series`` a list of (name, values)."""
    left, top, plot_w, plot_h = 40, 10, 640, 220
    legend_h = 18 * len(series) + 10
    width, height = left + plot_w + 20, top + plot_h + 40 + legend_h
    # A round top (a multiple of 4) so the four gridlines fall on whole numbers.
    peak = max([v for _n, values in series for v in values] + [1])
    peak = -(-peak // 4) * 4
    n = max(len(x_labels), 2)
    parts = _open(chart_id, width, height, title, desc or title)

    def px(i):
        return left + plot_w * i / (n - 1)

    def py(v):
        return top + plot_h - plot_h * v / peak

    for tick in range(5):
        value = peak * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{py(value):.1f}" x2="{left + plot_w}" y2="{py(value):.1f}" '
            f'stroke="#ccc"/><text x="{left - 6}" y="{py(value) + 4:.1f}" text-anchor="end" '
            f'font-size="10">{value:g}</text>'
        )
    for i, label in enumerate(x_labels):
        if i % every == 0:
            parts.append(
                f'<text x="{px(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    for s, (_name, values) in enumerate(series):
        colour = SERIES_COLOURS[s % len(SERIES_COLOURS)]
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        dash = "" if s % 2 == 0 else ' stroke-dasharray="5 3"'
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#333"/>'
    )
    _legend(parts, [name for name, _v in series], left, top + plot_h + 28, lines=True)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def heat_grid(chart_id, title, row_labels, column_labels, cells, *, desc="", left=90, cell_w=118):
    """A grid of counts (e.g. weekday × part of day), darker for more. ``left`` is the room for
    the row labels, ``cell_w`` a cell's width."""
    top, cell_h = 30, 26
    width = left + cell_w * len(column_labels) + 10
    height = top + cell_h * len(row_labels) + 10
    peak = max([v for row in cells for v in row] + [1])
    parts = _open(chart_id, width, height, title, desc or title)
    for c, label in enumerate(column_labels):
        parts.append(
            f'<text x="{left + c * cell_w + cell_w / 2}" y="{top - 10}" text-anchor="middle" '
            f'font-size="11">{escape(label)}</text>'
        )
    for r, label in enumerate(row_labels):
        y = top + r * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        for c, value in enumerate(cells[r]):
            share = value / peak
            # From white to the primary blue; the number is dark or white for contrast.
            shade = round(255 - 200 * share)
            fill = f"rgb({shade},{shade},255)"
            ink = "#fff" if share > 0.5 else "#111"
            parts.append(
                f'<rect x="{left + c * cell_w}" y="{y}" width="{cell_w - 2}" '
                f'height="{cell_h - 2}" fill="{fill}" stroke="#999"/>'
                f'<text x="{left + c * cell_w + cell_w / 2}" y="{y + 17}" text-anchor="middle" '
                f'fill="{ink}">{value}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
