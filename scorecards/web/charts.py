"""Charts as server-rendered SVG: no front-end build, readable without JavaScript.

Colours come from CSS custom properties (``currentColor`` and ``var(--series-N)``), so the
same markup reads in light and dark mode; every chart carries a <title> and a text summary for
screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[datetime, float]]


def line_chart(
    series: Sequence[Series],
    title: str,
    width: int = 640,
    height: int = 200,
    y_max: float = 100.0,
) -> SafeString:
    """A line chart of scores over time (y from 0 to ``y_max``), one polyline per series."""
    pad_left, pad_right, pad_top, pad_bottom = 36, 8, 8, 24
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    times = [t for s in series for t, _ in s.points]
    if not times:
        return format_html('<p class="chart-empty">No history yet for {}.</p>', title)
    start, end = min(times), max(times)
    span = (end - start).total_seconds() or 1.0

    def x(t: datetime) -> float:
        if start == end:
            return pad_left + plot_w / 2
        return pad_left + plot_w * (t - start).total_seconds() / span

    def y(v: float) -> float:
        return pad_top + plot_h * (1 - max(0.0, min(v, y_max)) / y_max)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid"/>'
        '<text x="{}" y="{}" class="chart-axis" text-anchor="end">{}</text>',
        (
            (pad_left, width - pad_right, y(v), y(v), pad_left - 4, y(v) + 4, int(v))
            for v in (0, y_max / 2, y_max)
        ),
    )
    lines = []
    for index, s in enumerate(series):
        coords = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in s.points)
        dots = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="2.5"><title>{}: {} on {}</title></circle>',
            (
                (f"{x(t):.1f}", f"{y(v):.1f}", s.label, v, t.strftime("%Y-%m-%d %H:%M"))
                for t, v in s.points
            ),
        )
        lines.append(
            format_html(
                '<g class="chart-series series-{}"><polyline points="{}" fill="none"/>{}</g>',
                index % 8,
                coords,
                dots,
            )
        )
    labels = format_html(
        '<text x="{}" y="{}" class="chart-axis">{}</text>'
        '<text x="{}" y="{}" class="chart-axis" text-anchor="end">{}</text>',
        pad_left,
        height - 6,
        start.strftime("%Y-%m-%d"),
        width - pad_right,
        height - 6,
        end.strftime("%Y-%m-%d"),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet"><title>{}</title>{}{}{}</svg>',
        width,
        height,
        title,
        title,
        grid,
        mark_safe("".join(lines)),  # each part escaped by format_html above
        labels,
    )


def score_colour_class(score: float | None) -> str:
    """A CSS class for a score, shared by heatmaps, factor strips and badges."""
    if score is None:
        return "score-none"
    if score >= 90:
        return "score-a"
    if score >= 75:
        return "score-b"
    if score >= 50:
        return "score-c"
    return "score-d"
