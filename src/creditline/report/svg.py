"""Hand-written inline SVG charts with bilingual labels, for the self-contained HTML report.

Every text is a :class:`Label` with a Chinese and an English version. Both are written
into the SVG with the classes ``zh`` and ``en``, and the page's stylesheet hides the
language that is not selected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

WIDTH = 560
HEIGHT = 360
MARGIN_LEFT = 64
MARGIN_RIGHT = 20
MARGIN_TOP = 20
MARGIN_BOTTOM = 52
PLOT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
PLOT_HEIGHT = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# Colour-blind safe pairs from the Okabe-Ito palette.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
RED = "#D55E00"
GREY = "#888888"


@dataclass(frozen=True, slots=True)
class Label:
    """One text in both languages."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Series:
    """One data series: ``kind`` is "line", "points" or "bars" (bars need equal-width x)."""

    label: Label
    x: Sequence[float]
    y: Sequence[float]
    color: str
    kind: str = "line"
    dashed: bool = False
    in_legend: bool = True


@dataclass(frozen=True, slots=True)
class Axes:
    x_label: Label
    y_label: Label
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    percent_x: bool = False
    percent_y: bool = False


def bilingual_text(
    label: Label, x: float, y: float, *, anchor: str = "start", css_class: str = "", extra: str = ""
) -> str:
    """Return two SVG ``<text>`` elements at one position, one per language."""
    return "".join(
        f'<text class="{lang} {css_class}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'
        for lang, text in (("zh", label.zh), ("en", label.en))
    )


def chart(chart_id: str, title: Label, axes: Axes, series: Sequence[Series], *, diagonal: bool = False) -> str:
    """Draw series on one pair of axes and return the ``<svg>`` element as text.

    ``diagonal=True`` adds the dashed line y = x (chance for ROC, perfect calibration).
    """
    parts = [
        f'<svg id="{chart_id}" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title.zh)} / {escape(title.en)}</title>",
        _frame(axes),
    ]
    if diagonal:
        parts.append(_path(axes, [axes.x_range[0], axes.x_range[1]], [axes.y_range[0], axes.y_range[1]], GREY, dashed=True))
    for item in series:
        parts.append(_draw(axes, item))
    parts.append(_legend(series))
    parts.append("</svg>")
    return "".join(parts)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Return about ``count`` round tick values covering [low, high]."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _x(axes: Axes, value: float) -> float:
    low, high = axes.x_range
    return MARGIN_LEFT + (value - low) / (high - low) * PLOT_WIDTH


def _y(axes: Axes, value: float) -> float:
    low, high = axes.y_range
    return MARGIN_TOP + PLOT_HEIGHT - (value - low) / (high - low) * PLOT_HEIGHT


def _tick_text(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}"


def _frame(axes: Axes) -> str:
    bottom = MARGIN_TOP + PLOT_HEIGHT
    parts = [
        f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{PLOT_WIDTH}" height="{PLOT_HEIGHT}" '
        'fill="#fff" stroke="#999"/>'
    ]
    for tick in nice_ticks(*axes.x_range):
        x = _x(axes, tick)
        parts.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}" stroke="#999"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" class="tick">{_tick_text(tick, axes.percent_x)}</text>'
        )
    for tick in nice_ticks(*axes.y_range):
        y = _y(axes, tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{MARGIN_LEFT + PLOT_WIDTH}" y2="{y:.1f}" stroke="#eee"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_tick_text(tick, axes.percent_y)}</text>'
        )
    parts.append(bilingual_text(axes.x_label, MARGIN_LEFT + PLOT_WIDTH / 2, HEIGHT - 10, anchor="middle"))
    centre = MARGIN_TOP + PLOT_HEIGHT / 2
    parts.append(
        bilingual_text(axes.y_label, 16, centre, anchor="middle", extra=f' transform="rotate(-90 16 {centre:.1f})"')
    )
    return "".join(parts)


def _path(axes: Axes, xs: Sequence[float], ys: Sequence[float], color: str, *, dashed: bool = False) -> str:
    points = " ".join(f"{_x(axes, x):.1f},{_y(axes, y):.1f}" for x, y in zip(xs, ys, strict=True))
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"{dash}/>'


def _draw(axes: Axes, item: Series) -> str:
    if item.kind == "line":
        return _path(axes, item.x, item.y, item.color, dashed=item.dashed)
    if item.kind == "points":
        return "".join(
            f'<circle cx="{_x(axes, x):.1f}" cy="{_y(axes, y):.1f}" r="4" fill="{item.color}"/>'
            for x, y in zip(item.x, item.y, strict=True)
        )
    if item.kind == "bars":
        xs = np.asarray(item.x, dtype=np.float64)
        width = float(xs[1] - xs[0]) if xs.size > 1 else 1.0
        pixel_width = width / (axes.x_range[1] - axes.x_range[0]) * PLOT_WIDTH
        bottom = _y(axes, 0.0)
        return "".join(
            f'<rect x="{_x(axes, x):.1f}" y="{_y(axes, y):.1f}" width="{pixel_width:.1f}" '
            f'height="{bottom - _y(axes, y):.1f}" fill="{item.color}" fill-opacity="0.45" stroke="{item.color}"/>'
            for x, y in zip(item.x, item.y, strict=True)
        )
    raise ValueError(f"unknown series kind {item.kind!r}; use 'line', 'points' or 'bars'")


def _legend(series: Sequence[Series]) -> str:
    parts = []
    for position, item in enumerate(s for s in series if s.in_legend):
        y = MARGIN_TOP + 16 + 18 * position
        x = MARGIN_LEFT + 12
        parts.append(f'<rect x="{x}" y="{y - 9}" width="14" height="10" fill="{item.color}"/>')
        parts.append(bilingual_text(item.label, x + 20, y, css_class="legend"))
    return "".join(parts)
