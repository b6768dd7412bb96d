"""Survey periods in local time: one completed response per person per period."""

from __future__ import annotations

from datetime import date

PERIODS = ("week", "month", "quarter", "year")


def period_of(kind: str, day: date) -> str:
    """The label of the period holding `day`, e.g. 2026-W48, 2026-11, 2026-Q4, 2026."""
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if kind == "year":
        return str(day.year)
    raise ValueError(f"unknown period {kind!r}; expected one of {', '.join(PERIODS)}")
