"""Horizontal bar charts as inline SVG: the report opens offline, with no script, font or CDN to fetch.

Labels and values are real SVG text, so they can be read, searched, copied and checked in a browser's DOM.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence

WIDTH = 820
LABEL_WIDTH = 330
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 12
FONT = "font-family:Arial,Helvetica,sans-serif;font-size:12px"


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    series: Sequence[Series],
    scale_max: float,
    value_text: Callable[[float], str],
) -> str:
    """One group of bars per label, one bar per series (values[i][j]: label i, series j); None draws no bar."""
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    legend_height = 18 * len(series) + 4 if len(series) > 1 else 0
    top = 8 + legend_height
    height = top + len(labels) * (group_height + GROUP_GAP) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" style="{FONT}"><title>{escape(title)}</title>'
    ]
    if len(series) > 1:
        for k, s in enumerate(series):
            y = 4 + 18 * k
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="12" height="12" fill="{s.colour}"/>'
                         f'<text x="{LABEL_WIDTH + 16}" y="{y + 10}">{escape(s.name)}</text>')
    for i, label in enumerate(labels):
        y0 = top + i * (group_height + GROUP_GAP)
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y0 + group_height / 2 + 4:.1f}" text-anchor="end">'
                     f'{escape(_shorten(label))}<title>{escape(label)}</title></text>')
        for j, s in enumerate(series):
            value = values[i][j]
            if value is None:
                continue
            y = y0 + j * (BAR_HEIGHT + BAR_GAP)
            width = 0 if scale_max <= 0 else max(0.0, min(1.0, value / scale_max)) * plot_width
            text = value_text(value)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{s.colour}">'
                f'<title>{escape(label)} — {escape(s.name)}: {escape(text)}</title></rect>'
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR_HEIGHT - 4}">{escape(text)}</text>'
            )
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{top - 2}" x2="{LABEL_WIDTH}" y2="{height - 4}" stroke="#888"/>')
    parts.append("</svg>")
    return "".join(parts)


def _shorten(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
