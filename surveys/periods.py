"""Survey periods in local time: one completed response per person per period."""

from __future__ import annotations

from datetime import date, timedelta

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


def next_period_start(kind: str, day: date) -> date:
    """The first day after the period holding `day`: when that period's data must be gone."""
    if kind == "week":
        return day + timedelta(days=7 - day.weekday())
    if kind == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    if kind == "quarter":
        quarter_start = 3 * ((day.month - 1) // 3) + 1
        return date(day.year + (quarter_start + 3 > 12), (quarter_start + 2) % 12 + 1, 1)
    if kind == "year":
        return date(day.year + 1, 1, 1)
    raise ValueError(f"unknown period {kind!r}; expected one of {', '.join(PERIODS)}")
