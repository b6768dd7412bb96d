"""A year's public figures, computed once from the database with the CLI's own arithmetic.

Only aggregates leave this module: the `indicators --json` document, the plan's texts, each
indicator's year-to-date actual at every month's end, and per-centre totals (satisfaction
with its interval, small groups hidden as the reports hide them; counts summed). No row,
name, key or free text is kept, so nothing private can reach a template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from reports.aggregate import actual_of, current_plan, daily_frame, observed_until
from reports.document import indicators_document, open_rows
from reports.drilldown import drill
from reports.indicators import IndicatorResult, TargetResult, evaluate, target_result
from reports.model import SatisfactionRow
from reports.plan import Plan
from reports.stats import MIN_CELL_N
from reports.weekly import satisfaction_rows


@dataclass(frozen=True)
class MonthPoint:
    """An indicator's year-to-date actual at the end of a month (None: unknown or hidden)."""

    month: int
    actual: float | None


@dataclass(frozen=True)
class CentreCell:
    """One centre's part of an indicator: a share with n and interval, or a count; hidden when small."""

    centre: str
    value: float | None
    n: int | None
    ci95: tuple[float, float] | None
    suppressed: bool
    small_sample: bool


@dataclass(frozen=True)
class YearFigures:
    year: int
    computed_at: datetime
    plan: Plan
    results: tuple[IndicatorResult, ...]
    target: TargetResult
    document: Mapping[str, Any]  # exactly what `kentbot indicators --json` prints for the year
    trend: Mapping[str, tuple[MonthPoint, ...]]
    centres: Mapping[str, tuple[CentreCell, ...]]
    open_rows: tuple[Mapping[str, Any], ...]

    def entry(self, code: str) -> Mapping[str, Any]:
        """The indicator's entry of the JSON document."""
        entry: Mapping[str, Any] = next(e for e in self.document["indicators"] if e["code"] == code)
        return entry


def month_ends(year: int, today: date) -> list[date]:
    """The last day of every month of `year` up to the month holding `today` (all twelve for a past year)."""
    ends = []
    for month in range(1, 13):
        first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        end = date.fromordinal(first_of_next.toordinal() - 1)
        if date(year, month, 1) > today:
            break
        ends.append(end)
    return ends


def centre_cells(rows: list[SatisfactionRow]) -> tuple[CentreCell, ...]:
    """The satisfaction breakdown by centre, already suppressed by the reports."""
    return tuple(
        CentreCell(row.key, None if row.suppressed else row.share, row.n, None if row.suppressed else row.ci95,
                   row.suppressed, row.small_sample)
        for row in rows if row.by == "centre"
    )


def count_cells(totals: Mapping[str, float], unit: str) -> tuple[CentreCell, ...]:
    """Counts by centre; a centre's number of people under 5 is hidden, like a small group of answers."""
    return tuple(
        CentreCell(centre, None if unit == "persons" and 0 < value < MIN_CELL_N else value, None, None,
                   unit == "persons" and 0 < value < MIN_CELL_N, False)
        for centre, value in sorted(totals.items())
    )


async def compute_year(session: AsyncSession, year: int, zone: ZoneInfo, now: datetime) -> YearFigures:
    """Every public figure of `year`, as of `now`."""
    plan = await current_plan(session, year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    frame = await daily_frame(session, plan, first, last, zone)
    results = evaluate(plan, year, observed_until(frame, plan, last))
    target = target_result(results)
    breakdowns = await satisfaction_rows(session, plan, first, last)
    today = now.astimezone(zone).date()
    trend: dict[str, list[MonthPoint]] = {}
    for day in month_ends(year, today):
        observed = observed_until(frame, plan, day)
        for indicator in plan.indicators:
            trend.setdefault(indicator.code, []).append(MonthPoint(day.month, actual_of(observed.get(indicator.code))))
    centres: dict[str, tuple[CentreCell, ...]] = {}
    for indicator in plan.indicators:
        if indicator.source == "survey":
            centres[indicator.code] = centre_cells([row for row in breakdowns if row.indicator == indicator.code])
        else:
            totals: dict[str, float] = {}
            for row in await drill(session, indicator, first, last, zone):
                if row.contribution:
                    key = row.centre or "—"
                    totals[key] = totals.get(key, 0.0) + row.contribution
            centres[indicator.code] = count_cells(totals, indicator.unit)
    return YearFigures(
        year=year,
        computed_at=now,
        plan=plan,
        results=results,
        target=target,
        document=indicators_document(year, results, target, breakdowns),
        trend={code: tuple(points) for code, points in trend.items()},
        centres=centres,
        open_rows=tuple(open_rows(plan, year, results)),
    )
