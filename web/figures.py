"""A year's public figures, computed once from the database with the CLI's own arithmetic.

Only aggregates leave this module: the `indicators --json` document, the plan's texts, each
indicator's year-to-date actual at every month's end (a satisfaction share as last published
by then, web.snapshots), and per-centre totals (satisfaction
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
from reports.indicators import IndicatorResult, Observed, SurveyInput, TargetResult, evaluate, target_result
from reports.model import SatisfactionRow
from reports.plan import Plan
from reports.stats import MIN_CELL_N, SMALL_SAMPLE_N, hidden_cells, interval_percent, share_percent
from reports.weekly import satisfaction_rows
from storage.repositories import snapshots as snapshot_store
from storage.repositories.snapshots import Snapshot
from web.snapshots import due, first_publication, latest_by


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
    """Counts by centre. A centre's number of people under 5 is hidden, like a small group of
    answers, and beside it the smallest others until the hidden ones hold 5 or more together,
    so that the total minus the centres shown gives no small count back (secondary suppression)."""
    rows = sorted(totals.items())
    hidden = hidden_cells([int(value) for _, value in rows], complementary=True) if unit == "persons" else set()
    return tuple(
        CentreCell(centre, None if index in hidden else value, None, None, index in hidden, False)
        for index, (centre, value) in enumerate(rows)
    )


def trend_value(unit: str, value: float | None) -> float | None:
    """A month's year-to-date figure as the trend shows it: a number of people under 5 is hidden,
    as a centre's is (an indicator of one centre would otherwise show it month by month)."""
    return None if unit == "persons" and value is not None and 0 < value < MIN_CELL_N else value


def snapshot_cell(snapshot: Snapshot | None, key: str) -> CentreCell:
    """A centre's published satisfaction, or a hidden cell when none was published."""
    if snapshot is None:
        return CentreCell(key, None, None, None, True, False)
    return CentreCell(key, share_percent(snapshot.satisfied, snapshot.n), snapshot.n,
                      interval_percent(snapshot.satisfied, snapshot.n), False, snapshot.n < SMALL_SAMPLE_N)


def publications(code: str, stored: dict[tuple[str, str], list[Snapshot]], live: Observed | None,
                 monthly: dict[date, dict[str, Observed]], day: date,
                 rows: list[SatisfactionRow]) -> list[Snapshot]:
    """The snapshots of a satisfaction indicator (and its centres) due now: the first
    publication with its historic points, or one 5 answers or more after the last."""
    new: list[Snapshot] = []
    mine = stored.get((code, ""), [])
    if isinstance(live, SurveyInput):
        if not mine:
            points = [(min(end, day), o.satisfied, o.n) for end, observed in monthly.items()
                      if isinstance(o := observed.get(code), SurveyInput)]
            new += first_publication(code, "", points)
        elif due(mine[-1], live.n):
            new.append(Snapshot(code, "", day, live.satisfied, live.n))
    for row in rows:
        if row.by != "centre" or row.suppressed or row.n is None or row.share is None:
            continue
        cell = stored.get((code, row.key), [])
        if due(cell[-1] if cell else None, row.n):
            new.append(Snapshot(code, row.key, day, round(row.share * row.n / 100), row.n))
    return new


async def compute_year(session: AsyncSession, year: int, zone: ZoneInfo, now: datetime) -> YearFigures:
    """Every public figure of `year`, as of `now`; satisfaction as last published (web.snapshots),
    publishing what is due in `session`."""
    plan = await current_plan(session, year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    frame = await daily_frame(session, plan, first, last, zone)
    observed = observed_until(frame, plan, last)
    breakdowns = await satisfaction_rows(session, plan, first, last)
    today = now.astimezone(zone).date()
    monthly = {day: observed_until(frame, plan, day) for day in month_ends(year, today)}
    stored: dict[tuple[str, str], list[Snapshot]] = {}
    for snapshot in await snapshot_store.published(session, year):
        stored.setdefault((snapshot.code, snapshot.cell), []).append(snapshot)
    surveys = [indicator.code for indicator in plan.indicators if indicator.source == "survey"]
    new: list[Snapshot] = []
    for code in surveys:
        rows = [row for row in breakdowns if row.indicator == code]
        new += publications(code, stored, observed.get(code), monthly, min(today, last), rows)
    await snapshot_store.publish(session, year, new)
    for snapshot in new:
        stored.setdefault((snapshot.code, snapshot.cell), []).append(snapshot)
    # Before its first publication a share has fewer than 5 answers: its n alone is shown, as the reports show it.
    shown = dict(observed)
    for code in surveys:
        if mine := stored.get((code, "")):
            shown[code] = SurveyInput(satisfied=mine[-1].satisfied, n=mine[-1].n)
    results = evaluate(plan, year, shown)
    target = target_result(results)
    trend: dict[str, list[MonthPoint]] = {}
    for day, at_end in monthly.items():
        for indicator in plan.indicators:
            if indicator.code in surveys:
                at_day = latest_by(stored.get((indicator.code, ""), []), day)
                value = None if at_day is None else actual_of(SurveyInput(at_day.satisfied, at_day.n))
            else:
                value = trend_value(indicator.unit, actual_of(at_end.get(indicator.code)))
            trend.setdefault(indicator.code, []).append(MonthPoint(day.month, value))
    centres: dict[str, tuple[CentreCell, ...]] = {}
    for indicator in plan.indicators:
        if indicator.source == "survey":
            keys = [row.key for row in breakdowns if row.indicator == indicator.code and row.by == "centre"]
            keys += sorted(cell for code, cell in stored if code == indicator.code and cell and cell not in keys)
            centres[indicator.code] = tuple(
                snapshot_cell(latest_by(stored.get((indicator.code, key), []), last), key) for key in keys)
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
        document=indicators_document(year, results, target),
        trend={code: tuple(points) for code, points in trend.items()},
        centres=centres,
        open_rows=tuple(open_rows(plan, year, results)),
    )
