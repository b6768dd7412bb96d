"""The report for a period, built from the database, and written to files.

One aggregation feeds the text, the chart and the workbook: year-to-date figures at the
period's last day, the change over the period (the part of it inside the year), satisfaction
by centre, language and role, the held events and the rows behind every number for the
same days as the change, so the rows add up to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from reports.aggregate import (
    BREAKDOWNS,
    current_plan,
    daily_frame,
    observed_until,
    period_changes,
    satisfaction_breakdown,
    week_ends,
)
from reports.checkin_review import at_held, flagged_warning
from reports.comments import Comment, comment_list, text_questions
from reports.drilldown import EVENT_SOURCES, drill, event_rows
from reports.drivers import CentreComparison, compare_centres
from reports.indicators import evaluate, target_result
from reports.model import (
    IndicatorLine,
    ReportWarning,
    SatisfactionRow,
    TrendPoint,
    WeeklyReport,
    change_window,
    weekly_report,
)
from reports.periods import ISTANBUL, utc_bounds
from reports.plan import Plan
from reports.response_rates import response_rates
from reports.results import SurveyResults, read_versions, survey_results
from storage.centres import shipped_by_id
from storage.private_files import private_folder, write_private
from storage.repositories import invitations as invitation_store
from storage.repositories import reports as store
from storage.repositories import responses
from storage.repositories.comments import text_answers
from surveys.definition import SurveyDefinition, load_shipped


class PeriodError(ValueError):
    """A report period that cannot be reported on, said plainly."""


@dataclass(frozen=True)
class ReportFiles:
    text: str
    png: bytes
    xlsx: bytes
    stem: str
    # Each survey's chart of item scores per centre (reports.render_item_scores), by survey id.
    item_charts: Mapping[str, bytes] = field(default_factory=dict)


def check_period(period_from: date, period_to: date, year: int) -> None:
    if period_from > period_to:
        raise PeriodError(f"the period starts ({period_from}) after it ends ({period_to})")
    if not period_from.year <= year <= period_to.year:
        raise PeriodError(f"year {year} is outside the period {period_from}–{period_to}")


async def build_weekly_report(
    session: AsyncSession,
    *,
    period_from: date,
    period_to: date,
    year: int,
    now: datetime,
    zone: ZoneInfo = ISTANBUL,
) -> WeeklyReport:
    """The report for [period_from, period_to] with year-to-date figures of `year`."""
    check_period(period_from, period_to, year)
    plan = await current_plan(session, year)
    year_start = date(year, 1, 1)
    first, last = change_window(period_from, period_to, year)
    frame = await daily_frame(session, plan, year_start, last, zone)
    changes = period_changes(frame, plan, first, last, year_start)
    results = evaluate(plan, year, observed_until(frame, plan, last))
    lines = [IndicatorLine(plan.indicator(r.code), r, changes[r.code]) for r in results]
    trend = [
        TrendPoint(day, target_result(evaluate(plan, year, observed_until(frame, plan, day))).achievement)
        for day in week_ends(year_start, last)
    ]
    satisfaction = await satisfaction_rows(session, plan, year_start, last)
    drilldown = {i.code: await drill(session, i, first, last, zone) for i in plan.indicators}
    start, end = utc_bounds(period_from, period_to, zone)
    attendance_types = [i.event_type for i in plan.indicators if i.source == "attendance" and i.event_type]
    missing = [
        ReportWarning("missing_attendance", centre=centre, count=count)
        for centre, count in await store.held_without_attendance(session, attendance_types, start, end)
    ]
    codes = {i.event_type: i.code for i in plan.indicators if i.source in EVENT_SOURCES and i.event_type}
    flagged = flagged_warning(await at_held(session, list(codes), start, end), codes)
    return weekly_report(
        period_from=period_from,
        period_to=period_to,
        year=year,
        generated_at=now.astimezone(zone),
        lines=lines,
        satisfaction=satisfaction,
        events=await event_rows(session, plan, period_from, period_to, zone),
        drilldown={code: rows for code, rows in drilldown.items() if rows},
        trend=trend,
        extra_warnings=[*missing, *flagged],
        comments=await period_comments(session, period_from, period_to),
        response_rates=response_rates(await invitation_store.invitations(session, period_from, period_to)),
        comparisons=await period_comparisons(session, period_from, period_to),
    )


async def period_comparisons(session: AsyncSession, first: date, last: date) -> list[CentreComparison]:
    """Every shipped survey's per-question results over the period, city-wide and by centre."""
    return [await survey_comparison(session, current, first, last) for current in load_shipped().values()]


async def survey_comparison(session: AsyncSession, current: SurveyDefinition, first: date, last: date) -> CentreComparison:
    """One survey's results for the days [first, last], city-wide and by centre."""
    versions = read_versions(await responses.stored_definitions(session, current.id), current)
    rows = await responses.answered(session, current.id, first, last, anonymous=current.anonymity == "anonymous")
    return compare_centres(current, versions, rows, first=first, last=last)


async def survey_results_for(
    session: AsyncSession, current: SurveyDefinition, first: date, last: date, centre: str | None
) -> SurveyResults:
    """The results of `current` for the days [first, last], of one centre when given: what
    `kentbot results` prints and the web panel shows."""
    versions = read_versions(await responses.stored_definitions(session, current.id), current)
    rows = await responses.answered(session, current.id, first, last, centre_id=centre)
    return survey_results(current, versions, rows, first=first, last=last, centre=centre)


async def period_comments(session: AsyncSession, first: date, last: date) -> list[Comment]:
    """Every centre's comments of the period: the workbook goes to managers."""
    surveys = load_shipped()
    rows = await text_answers(session, first, last, text_questions(surveys.values()))
    return list(comment_list(rows, surveys))


async def satisfaction_rows(session: AsyncSession, plan: Plan, first: date, last: date) -> list[SatisfactionRow]:
    """Every survey indicator by centre, language and role, small cells hidden and flagged."""
    rows = []
    for indicator in plan.indicators:
        if indicator.source == "survey" and indicator.survey:
            for by in BREAKDOWNS:
                cells = await satisfaction_breakdown(session, indicator.survey, first, last, by)
                # A survey that asks no centre or role (the anonymous one) has no such rows.
                rows += [SatisfactionRow.from_cell(indicator.code, cell.key, cell, by) for cell in cells if cell.key != "—"]
    return rows


def render_all(report: WeeklyReport, lang: str = "tr", *, item_charts: bool = False) -> ReportFiles:
    """The text, chart and workbook; with `item_charts`, each survey's item chart too (the files
    written to a folder have them; a chat gets them on request)."""
    # Imported on first use: matplotlib and openpyxl would add a second to every bot start.
    from reports.render_png import render_png
    from reports.render_text import render_text
    from reports.render_xlsx import render_xlsx

    stem = f"hedef-4.2-{report.period_from:%Y%m%d}-{report.period_to:%Y%m%d}"
    charts = {c.city.survey_id: item_chart(c, lang) for c in report.comparisons} if item_charts else {}
    return ReportFiles(render_text(report, lang), render_png(report, lang), render_xlsx(report, lang), stem, charts)


def item_chart(comparison: CentreComparison, lang: str = "tr") -> bytes:
    """A survey's item scores per centre as a PNG, centres by their names in `lang`."""
    from reports.render_item_scores import render_item_scores

    names = {centre_id: centre.name_in(lang) for centre_id, centre in shipped_by_id().items()}
    return render_item_scores(comparison, lang, names)


def item_chart_name(stem: str, survey_id: str) -> str:
    """The file name of a survey's item chart beside the report's files."""
    return f"{stem}-maddeler-{survey_id}.png"


def write_report_files(report: WeeklyReport, folder: Path | str, lang: str = "tr") -> dict[str, Path]:
    """Write the text, chart, workbook and each survey's item chart into `folder` (each 0600);
    returns the paths by format, the item charts as "items:SURVEY"."""
    folder = private_folder(Path(folder))
    files = render_all(report, lang, item_charts=True)
    paths = {
        "text": folder / f"{files.stem}.txt",
        "png": folder / f"{files.stem}.png",
        "xlsx": folder / f"{files.stem}.xlsx",
    }
    write_private(paths["text"], files.text + "\n")
    write_private(paths["png"], files.png)
    write_private(paths["xlsx"], files.xlsx)
    for survey_id, chart in files.item_charts.items():
        paths[f"items:{survey_id}"] = folder / item_chart_name(files.stem, survey_id)
        write_private(paths[f"items:{survey_id}"], chart)
    return paths

