"""The weekly report as plain data, built once and handed to every renderer.

Renderers (text, xlsx, png) read only this model: no database, no clock, so the same
report renders identically in a test and on Monday morning, and one aggregation feeds
all three outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from reports.comments import Comment
from reports.drivers import CentreComparison
from reports.indicators import IndicatorResult, TargetResult, target_result
from reports.plan import Indicator
from reports.response_rates import RateRow
from reports.results import SurveyResults
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
    """An indicator's year-to-date result and its change over the report's change window."""

    indicator: Indicator
    ytd: IndicatorResult
    change: float | None


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
    small_sample: bool = False  # shown, with 5 to 29 answers

    @classmethod
    def from_cell(cls, indicator: str, key: str, cell: BreakdownCell, by: str = "centre") -> SatisfactionRow:
        return cls(indicator, key, cell.n, cell.share, cell.ci95, cell.suppressed, by, cell.complement,
                   cell.small_sample and not cell.suppressed)


@dataclass(frozen=True)
class EventRow:
    day: date
    centre: str
    type: str
    indicator: str
    title: str
    registered: int | None
    attended: int | None  # attendance taken by name; None when none was taken
    headcount: int | None = None  # counted without names, used when no attendance was taken


@dataclass(frozen=True)
class DrillRow:
    """One row behind an actual: a response, an event, a person's first attendance or a staff
    entry, and who made it.

    `contribution` is what the row adds to the actual (an event 1, a replaced entry 0), or for
    a survey the satisfied answers it adds, with `answers` the answers it adds to n; None when
    hidden. `value` is the row's own figure, named by `measure` (an event's attendance or
    headcount, an entry's quantity), which is not always what it adds. `review`: the rules
    that flag a self check-in for review (`reports.checkin_flags`); it still adds."""

    kind: str
    id: str
    when: date | datetime
    centre: str | None
    entered_by: str | None
    survey_version: str | None
    value: float | str | None
    note: str | None
    contribution: float | None = None
    answers: int | None = None
    measure: str | None = None
    review: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrillTotal:
    """The sum of a drill-down's contributions: a count, or satisfied of n for a survey.
    `hidden` rows add nothing that can be shown (a small anonymous group)."""

    contribution: float
    answers: int | None
    hidden: int

    @property
    def share(self) -> float | None:
        return None if not self.answers else 100 * self.contribution / self.answers


# The row that sums an anonymous survey's hidden versions (see reports.drilldown).
HIDDEN_TOGETHER = "responses_hidden_together"


def drill_total(rows: Iterable[DrillRow], unit: str) -> DrillTotal:
    """Sum what the rows add; hidden rows count as `hidden` unless a row sums them."""
    rows = tuple(rows)
    shown = [row for row in rows if row.contribution is not None]
    answers = sum(row.answers or 0 for row in shown) if unit == "percent" else None
    summed = any(row.kind == HIDDEN_TOGETHER for row in rows)
    return DrillTotal(sum(row.contribution or 0.0 for row in shown), answers, 0 if summed else len(rows) - len(shown))


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
    # Breakdown cells the warning is about: (indicator, breakdown, group key, n).
    cells: tuple[tuple[str, str, str, int], ...] = ()


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
    # The days the change column and the drill-down cover: the period, cut to the year.
    change_from: date | None = None
    change_to: date | None = None
    # The period's free-text comments, newest first, anonymous groups under 5 left out.
    comments: tuple[Comment, ...] = ()
    # The invitations of the period: invited, delivered, started, completed.
    response_rates: tuple[RateRow, ...] = ()
    # Each survey's per-question results over the period, city-wide and by centre, with the
    # drivers (reports.results, reports.drivers).
    comparisons: tuple[CentreComparison, ...] = ()

    @property
    def results(self) -> tuple[SurveyResults, ...]:
        """Every question's results of each survey over the period, city-wide."""
        return tuple(comparison.city for comparison in self.comparisons)

    @property
    def compared_with(self) -> date | None:
        """The day whose year-to-date figures the change starts from; None: the start of the year."""
        if self.change_from is None or self.change_from <= date(self.year, 1, 1):
            return None
        return self.change_from - timedelta(days=1)


def change_window(period_from: date, period_to: date, year: int) -> tuple[date, date]:
    """The part of the period inside `year`: what a change over the period can cover."""
    return max(period_from, date(year, 1, 1)), min(period_to, date(year, 12, 31))


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
    assumed = tuple(line.ytd.code for line in lines if line.ytd.covered and not line.ytd.baseline_known)
    if assumed:
        warnings.append(ReportWarning("baseline_unknown", assumed))
    return tuple(warnings)


def breakdown_warnings(rows: Iterable[SatisfactionRow]) -> tuple[ReportWarning, ...]:
    """Hidden cells counted, shown cells of fewer than 30 answers named."""
    rows = tuple(rows)
    warnings = []
    small = tuple((row.indicator, row.by, row.key, row.n) for row in rows if row.small_sample and row.n is not None)
    if small:
        warnings.append(ReportWarning("small_sample_cells", cells=small))
    suppressed = sum(row.suppressed for row in rows)
    if suppressed:
        warnings.append(ReportWarning("suppressed_cells", count=suppressed))
    return tuple(warnings)


def version_warnings(results: Iterable[SurveyResults]) -> tuple[ReportWarning, ...]:
    """The surveys answered in more than one version within the period: the new version and the
    day it was first answered, so nobody reads a change of wording as a change in the service."""
    changed = tuple(
        f"{found.survey_id} v{change.version} ({change.first_day:%d.%m.%Y})" for found in results for change in found.changes
    )
    return (ReportWarning("version_changed", changed),) if changed else ()


def rate_warnings(rates: Iterable[RateRow]) -> tuple[ReportWarning, ...]:
    """The surveys and sources whose invitations were seldom completed, each with its rate."""
    low = tuple(f"{rate.survey_id}/{rate.source} ({rate.completion_rate:.1f}%)" for rate in rates if rate.low)
    return (ReportWarning("low_response_rate", low),) if low else ()


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
    comments: Iterable[Comment] = (),
    response_rates: Iterable[RateRow] = (),
    comparisons: Iterable[CentreComparison] = (),
) -> WeeklyReport:
    """Assemble a report, deriving the target result and the indicator warnings."""
    lines = tuple(lines)
    satisfaction = tuple(satisfaction)
    response_rates = tuple(response_rates)
    comparisons = tuple(comparisons)
    warnings = [*indicator_warnings(lines), *breakdown_warnings(satisfaction), *rate_warnings(response_rates),
                *version_warnings(comparison.city for comparison in comparisons), *extra_warnings]
    change_from, change_to = change_window(period_from, period_to, year)
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
        change_from=change_from,
        change_to=change_to,
        comments=tuple(comments),
        response_rates=response_rates,
        comparisons=comparisons,
    )
