"""The weekly report as plain data, built once and handed to every renderer.

Renderers (text, xlsx, png) read only this model: no database, no clock, so the same
report renders identically in a test and on Monday morning, and one aggregation feeds
all three outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from reports.indicators import IndicatorResult, TargetResult, target_result
from reports.plan import Indicator
from reports.stats import BreakdownCell

# Indicator notes that managers must act on, in the order they are listed.
WARNING_NOTES = (
    "no_data",
    "no_plan",
    "suppressed",
    "small_sample",
    "planned_equals_baseline",
    "negative_progress",
)


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    ytd: IndicatorResult
    week_change: float | None


@dataclass(frozen=True)
class SatisfactionRow:
    """One cell of a satisfaction breakdown: by centre, by the language answered in, or by
    who answered (the person or a carer); `key` is the centre's name, a language or a role code."""

    indicator: str
    key: str
    n: int | None
    share: float | None
    ci95: tuple[float, float] | None
    suppressed: bool
    by: str = "centre"
    complement: bool = False  # hidden with 5 answers or more, beside a smaller hidden cell

    @classmethod
    def from_cell(cls, indicator: str, key: str, cell: BreakdownCell, by: str = "centre") -> SatisfactionRow:
        return cls(indicator, key, cell.n, cell.share, cell.ci95, cell.suppressed, by, cell.complement)


@dataclass(frozen=True)
class EventRow:
    day: date
    centre: str
    type: str
    indicator: str
    title: str
    registered: int | None
    attended: int | None


@dataclass(frozen=True)
class DrillRow:
    """One row behind an actual: a response, attendance or a staff entry, and who made it."""

    kind: str
    id: str
    when: date | datetime
    centre: str | None
    entered_by: str | None
    survey_version: str | None
    value: float | str | None
    note: str | None


@dataclass(frozen=True)
class TrendPoint:
    week_end: date
    achievement: float


@dataclass(frozen=True)
class ReportWarning:
    """A translatable warning: `code` picks the label, the rest fills it in."""

    code: str
    subjects: tuple[str, ...] = ()
    centre: str | None = None
    count: int | None = None


@dataclass(frozen=True)
class WeeklyReport:
    period_from: date
    period_to: date
    year: int
    generated_at: datetime
    target: TargetResult
    indicators: tuple[IndicatorLine, ...]
    warnings: tuple[ReportWarning, ...]
    satisfaction: tuple[SatisfactionRow, ...] = ()
    events: tuple[EventRow, ...] = ()
    drilldown: Mapping[str, tuple[DrillRow, ...]] = field(default_factory=dict)
    trend: tuple[TrendPoint, ...] = ()


def week_change(current: float | None, previous: float | None) -> float | None:
    """Change of a year-to-date actual over the week; unknown if either end is unknown."""
    if current is None or previous is None:
        return None
    return current - previous


def indicator_warnings(lines: Iterable[IndicatorLine]) -> tuple[ReportWarning, ...]:
    """One warning per kind of problem, listing the indicators that have it."""
    lines = tuple(lines)
    warnings = []
    for note in WARNING_NOTES:
        subjects = tuple(
            f"{line.ytd.code} (n={line.ytd.n})" if note in ("small_sample", "suppressed") else line.ytd.code
            for line in lines
            if note in line.ytd.notes
        )
        if subjects:
            warnings.append(ReportWarning(note, subjects))
    return tuple(warnings)


def weekly_report(
    *,
    period_from: date,
    period_to: date,
    year: int,
    generated_at: datetime,
    lines: Iterable[IndicatorLine],
    satisfaction: Iterable[SatisfactionRow] = (),
    events: Iterable[EventRow] = (),
    drilldown: Mapping[str, Iterable[DrillRow]] | None = None,
    trend: Iterable[TrendPoint] = (),
    extra_warnings: Iterable[ReportWarning] = (),
) -> WeeklyReport:
    """Assemble a report, deriving the target result and the indicator warnings."""
    lines = tuple(lines)
    satisfaction = tuple(satisfaction)
    warnings = list(indicator_warnings(lines))
    suppressed = sum(row.suppressed for row in satisfaction)
    if suppressed:
        warnings.append(ReportWarning("suppressed_cells", count=suppressed))
    warnings.extend(extra_warnings)
    return WeeklyReport(
        period_from=period_from,
        period_to=period_to,
        year=year,
        generated_at=generated_at,
        target=target_result(line.ytd for line in lines),
        indicators=lines,
        warnings=tuple(warnings),
        satisfaction=satisfaction,
        events=tuple(events),
        drilldown={code: tuple(rows) for code, rows in (drilldown or {}).items()},
        trend=tuple(trend),
    )
