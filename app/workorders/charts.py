"""Reading trends as plain SVG drawn on the server: no JavaScript library, prints fine.

`trend_chart` only computes coordinates and labels; the template draws them, so
all text goes through Jinja's escaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.workorders.history import Series

WIDTH = 640
HEIGHT = 180
PAD_LEFT = 48
PAD_RIGHT = 12
PAD_TOP = 10
PAD_BOTTOM = 24
Y_TICKS = 4
X_TICKS = 6


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    out_of_range: bool
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    line: str  # SVG polyline points
    dots: tuple[Dot, ...]
    band: tuple[float, float] | None  # y of max (top) and min (bottom)
    limit_lines: tuple[tuple[float, str], ...]  # one-sided limits as dashed lines
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _range(series: Series) -> tuple[float, float]:
    values = [p.value for p in series.points]
    values += [v for v in (series.min, series.max) if v is not None]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    margin = (high - low) * 0.1
    return low - margin, high + margin


def trend_chart(
    series: Series, start: datetime, end: datetime, tz: ZoneInfo, width: int = WIDTH
) -> Chart | None:
    """Coordinates of one series between `start` and `end`; None without readings."""
    if not series.points:
        return None
    left, right = PAD_LEFT, width - PAD_RIGHT
    top, bottom = PAD_TOP, HEIGHT - PAD_BOTTOM
    low, high = _range(series)
    span = max((end - start).total_seconds(), 1.0)

    def x_of(at: datetime) -> float:
        return round(left + (right - left) * (at - start).total_seconds() / span, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * (value - low) / (high - low), 1)

    unit = f" {series.unit}" if series.unit else ""
    dots = tuple(
        Dot(
            x_of(p.at),
            y_of(p.value),
            p.out_of_range,
            f"{p.at.astimezone(tz):%Y-%m-%d %H:%M} {_fmt(p.value)}{unit}",
        )
        for p in series.points
    )
    band = None
    limits: tuple[tuple[float, str], ...] = ()
    if series.min is not None and series.max is not None:
        band = (y_of(series.max), y_of(series.min))
    else:
        limits = tuple((y_of(v), _fmt(v)) for v in (series.min, series.max) if v is not None)
    y_ticks = tuple(
        (y_of(low + (high - low) * i / Y_TICKS), _fmt(low + (high - low) * i / Y_TICKS))
        for i in range(Y_TICKS + 1)
    )
    step = (end - start) / X_TICKS
    x_ticks = tuple(
        (x_of(start + step * i), f"{(start + step * i).astimezone(tz):%m-%d}")
        for i in range(X_TICKS + 1)
    )
    return Chart(
        width=width,
        height=HEIGHT,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        line=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=dots,
        band=band,
        limit_lines=limits,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )
