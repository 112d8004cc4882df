"""Pictures for the status site, drawn at build time as inline SVG: no chart library, no CDN, works offline.

Pure functions from numbers to markup. Every text shown (labels, titles) is passed in by the caller, so the
Chinese wording stays in messages.py and the templates; it is escaped here for the Markdown page the picture is
placed in (escape.markdown). Colours are CSS classes (docgen.css), so the
pictures follow Material's light and dark palettes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from ..escape import markdown as escape  # the SVG is raw HTML inside a Markdown page
from ..form import numbers as N


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label, its value in % (None: not computable, shown 「—」), a colour class."""

    label: str
    value: Decimal | None
    tone: str = "neutral"
    title: str = ""


def _scale_max(bars: list[Bar], marker: Decimal | None) -> Decimal:
    """0-100%, widened in steps of 20 when a value (an overspend) goes beyond 100%."""
    top = max([Decimal(100), *(b.value for b in bars if b.value is not None), *([marker] if marker is not None else [])])
    return ((top + 19) // 20) * 20


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


#: Width of a value label (「46.48%」) at the chart's 13px, per character, generously: digits ~7.2, 「%」 ~11.
VALUE_CHAR_W = 8.5
CLEAR = 4  # user units kept free between a value label and the 序时进度 line


def value_x(bar_end: float, text: str, marker_x: float | None) -> float:
    """Where a bar's value label starts: just after the bar, or just past the 序时进度 line when it would cross it."""
    start = bar_end + 6
    if marker_x is not None and start - CLEAR < marker_x < start + len(text) * VALUE_CHAR_W + CLEAR:
        return marker_x + CLEAR + 2
    return start


def bar_chart(bars: list[Bar], *, marker: Decimal | None = None, marker_label: str = "", caption: str = "") -> Markup:
    """Horizontal bars, one per row, with a dashed line at `marker` (序时进度); scales with the page width."""
    label_w, plot_w, value_w, row_h, top, bottom = 190, 460, 80, 26, 30, 24
    width = label_w + plot_w + value_w
    height = top + row_h * max(len(bars), 1) + bottom
    scale = _scale_max(bars, marker)

    def x(value: Decimal) -> float:
        return label_w + float(min(max(value, Decimal(0)), scale) / scale) * plot_w

    parts = [
        (
            f'<svg class="dg-chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(caption)}"'
            f' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        ),
        f"<title>{escape(caption)}</title>",
    ]
    for tick in range(0, int(scale) + 1, 20):
        tx = x(Decimal(tick))
        parts.append(f'<line class="dg-grid" x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - bottom + 4}"/>')
        parts.append(f'<text class="dg-tick" x="{tx:.1f}" y="{height - 6}" text-anchor="middle">{N.axis_rate(tick)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row_h
        label = escape(_short(bar.label, 13))
        parts.append(f'<text class="dg-label" x="{label_w - 8}" y="{y + row_h / 2 + 5:.1f}" text-anchor="end">{label}</text>')
        if bar.value is None:
            parts.append(f'<text class="dg-value" x="{label_w + 4}" y="{y + row_h / 2 + 5:.1f}">{N.NO_VALUE}</text>')
            continue
        w = x(bar.value) - label_w
        tip = escape(bar.title or f"{bar.label} {N.rate(bar.value)}")
        parts.append(
            f'<rect class="dg-fill-{escape(bar.tone)}" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2">'
            f"<title>{tip}</title></rect>"
        )
        tx = value_x(label_w + w, N.rate(bar.value), x(marker) if marker is not None else None)
        parts.append(f'<text class="dg-value" x="{tx:.1f}" y="{y + row_h / 2 + 5:.1f}">{N.rate(bar.value)}</text>')
    if marker is not None:
        mx = x(marker)
        parts.append(f'<line class="dg-marker" x1="{mx:.1f}" y1="{top - 8}" x2="{mx:.1f}" y2="{height - bottom + 4}"/>')
        parts.append(f'<text class="dg-marker-label" x="{mx:.1f}" y="{top - 12}" text-anchor="middle">{escape(marker_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def progress(value: Decimal | None, *, marker: Decimal | None = None, tone: str = "neutral", label: str = "") -> Markup:
    """A one-line progress bar (CSS) with an optional marker line: 支出进度 against 序时进度."""
    if value is None:
        return Markup(f'<span class="dg-progress-none">{N.NO_VALUE}</span>')
    width = float(min(max(value, Decimal(0)), Decimal(100)))
    over = " dg-over" if value > 100 else ""
    parts = [f'<span class="dg-progress{over}" role="img" title="{escape(label)}">']
    parts.append(f'<span class="dg-progress-fill dg-fill-{escape(tone)}" style="width:{width:.2f}%"></span>')
    if marker is not None:
        left = float(min(max(marker, Decimal(0)), Decimal(100)))
        parts.append(f'<span class="dg-progress-marker" style="left:{left:.2f}%"></span>')
    parts.append("</span>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Point:
    """One month of a trend: the month (1-12), its 支出进度 in % (None: not reported or not computable), a tooltip."""

    month: int
    value: Decimal | None
    title: str = ""


def trend_chart(points: list[Point], *, caption: str, value_label: str, time_label: str) -> Markup:
    """支出进度 month by month against 序时进度 (the diagonal month ÷ 12), over one year: a line with a dot per
    reported month, the diagonal dashed. Scales with the page; texts escaped here for the Markdown page."""
    left, plot_w, plot_h, top, bottom, right = 46, 560, 200, 26, 30, 20
    width, height = left + plot_w + right, top + plot_h + bottom
    shown = [p for p in points if p.value is not None]
    scale = _scale_max([Bar("", p.value) for p in shown], None)

    def x(month: int) -> float:
        return left + month / 12 * plot_w

    def y(value: Decimal) -> float:
        return top + plot_h - float(min(max(value, Decimal(0)), scale) / scale) * plot_h

    parts = [
        (
            f'<svg class="dg-chart dg-trend" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(caption)}"'
            f' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        ),
        f"<title>{escape(caption)}</title>",
    ]
    for tick in range(0, int(scale) + 1, 20):
        ty = y(Decimal(tick))
        parts.append(f'<line class="dg-grid" x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}"/>')
        parts.append(f'<text class="dg-tick" x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{N.axis_rate(tick)}</text>')
    for month in range(1, 13):
        parts.append(f'<text class="dg-tick" x="{x(month):.1f}" y="{height - 10}" text-anchor="middle">{month}</text>')
    parts.append(
        f'<line class="dg-marker" x1="{x(0):.1f}" y1="{y(Decimal(0)):.1f}" x2="{x(12):.1f}" y2="{y(Decimal(100)):.1f}">'
        f"<title>{escape(time_label)}</title></line>"
    )
    if len(shown) > 1:
        line = " ".join(f"{x(p.month):.1f},{y(p.value):.1f}" for p in shown if p.value is not None)
        parts.append(f'<polyline class="dg-trend-line" points="{line}"/>')
    for p in shown:
        assert p.value is not None
        px, py = x(p.month), y(p.value)
        tip = escape(p.title or f"{p.month} {N.rate(p.value)}")
        parts.append(f'<circle class="dg-trend-dot" cx="{px:.1f}" cy="{py:.1f}" r="4"><title>{tip}</title></circle>')
        parts.append(f'<text class="dg-value" x="{px:.1f}" y="{py - 9:.1f}" text-anchor="middle">{N.rate(p.value)}</text>')
    legend_y = top - 10
    parts.append(f'<line class="dg-trend-line" x1="{left}" y1="{legend_y - 4}" x2="{left + 24}" y2="{legend_y - 4}"/>')
    parts.append(f'<text class="dg-marker-label" x="{left + 30}" y="{legend_y}">{escape(value_label)}</text>')
    parts.append(f'<line class="dg-marker" x1="{left + 200}" y1="{legend_y - 4}" x2="{left + 224}" y2="{legend_y - 4}"/>')
    parts.append(f'<text class="dg-marker-label" x="{left + 230}" y="{legend_y}">{escape(time_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
