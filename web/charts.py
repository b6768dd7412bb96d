"""Inline SVG geometry for the achievement bars and the monthly trend: numbers in, shapes out.

The pages draw with SVG attributes only (no style attribute), so the Content-Security-Policy
needs no inline styles; every chart has a text or table equivalent beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_WIDTH = 100.0
TREND_WIDTH, TREND_HEIGHT = 600.0, 220.0
TREND_LEFT, TREND_BOTTOM, TREND_TOP = 48.0, 28.0, 12.0


def bar_length(percent: float | None) -> float:
    """The bar's filled length out of 100, the achievement held to 0–100%."""
    if percent is None:
        return 0.0
    return round(min(max(percent, 0.0), 100.0) * BAR_WIDTH / 100, 2)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    month: int


@dataclass(frozen=True)
class Trend:
    columns: tuple[Column, ...]
    planned_y: float | None
    top_value: float
    width: float = TREND_WIDTH
    height: float = TREND_HEIGHT
    left: float = TREND_LEFT
    baseline_y: float = TREND_HEIGHT - TREND_BOTTOM


def trend(values: Sequence[tuple[int, float | None]], planned: float | None) -> Trend:
    """A column per month (none where the value is unknown) on a scale that holds the plan too."""
    known = [v for _, v in values if v is not None]
    top = max([*known, planned or 0.0, 1.0])
    plot_height = TREND_HEIGHT - TREND_BOTTOM - TREND_TOP
    slot = (TREND_WIDTH - TREND_LEFT) / 12
    columns = []
    for month, value in values:
        x = TREND_LEFT + (month - 1) * slot
        height = 0.0 if value is None else round(max(value, 0.0) / top * plot_height, 2)
        columns.append(Column(round(x + slot * 0.15, 2), round(TREND_HEIGHT - TREND_BOTTOM - height, 2),
                              round(slot * 0.7, 2), height, round(x + slot / 2, 2), month))
    planned_y = None if planned is None else round(TREND_HEIGHT - TREND_BOTTOM - planned / top * plot_height, 2)
    return Trend(tuple(columns), planned_y, top)
