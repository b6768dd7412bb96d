"""`kentbot indicators`, `indicator`, `report`, `plan set` and `export opendata`.

Everything prints plain lines for people and exits 2 with one line on bad input, so a
typo in a code or a date never leaves a traceback or half a file behind.
"""

from __future__ import annotations

import asyncio
import csv
import getpass
import io
import json
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.anonymous_storage import tidy_now
from bot.config import Settings
from bot.progress import progress_bar
from reports import numbers
from reports.aggregate import BREAKDOWNS, current_plan, observe, satisfaction_breakdown
from reports.cell_text import csv_row
from reports.document import (
    OPEN_FIELDS,
    OPEN_TARGET_FIELDS,
    indicators_document,
    open_rows,
    open_target_row,
    report_document,
)
from reports.drilldown import drill
from reports.indicators import IndicatorResult, TargetResult, evaluate, target_result
from reports.labels import drill_note, label, reasons_text, skipped_text, warning_text
from reports.model import DrillRow, SatisfactionRow, breakdown_warnings, drill_total
from reports.plan import Plan, PlanError
from reports.stats import MIN_CELL_N
from reports.weekly import PeriodError, build_weekly_report, render_all, satisfaction_rows
from storage.database import create_engine, session_factory
from storage.migrate import is_up_to_date
from storage.private_files import private_folder, write_private
from storage.repositories import plan as plan_values

EXIT_BAD_INPUT = 2
DASH = "—"


class NotReady(Exception):
    """The database is missing or behind the code."""


@asynccontextmanager
async def report_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings.resolved_database_url())
    try:
        if not await is_up_to_date(engine):
            raise NotReady("the database schema is not up to date: run `kentbot db upgrade`")
        # Anonymous answers due for release are counted, as the bot's job would release them.
        await tidy_now(settings)
        async with session_factory(engine).begin() as session:
            yield session
    finally:
        await engine.dispose()


def fail(message: str) -> int:
    print(f"kentbot: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


# --- Indicators ------------------------------------------------------------------------------


async def year_results(
    session: AsyncSession, year: int, settings: Settings
) -> tuple[Plan, tuple[IndicatorResult, ...], TargetResult]:
    plan = await current_plan(session, year)
    observed = await observe(session, first=date(year, 1, 1), last=date(year, 12, 31), zone=settings.zone, plan=plan)
    results = evaluate(plan, year, observed)
    return plan, results, target_result(results)


def indicators_table(
    plan: Plan,
    year: int,
    results: Sequence[IndicatorResult],
    target: TargetResult,
    breakdowns: Sequence[SatisfactionRow] = (),
    lang: str = "tr",
) -> str:
    """The year's figures for a terminal, every flag in words beside its figure."""
    def column(key: str) -> str:
        return label(f"table_{key}", lang)

    header = (
        f"{column('code'):<7} {column('indicator'):<32} {column('weight'):>7} {column('baseline'):>10} "
        f"{column('planned'):>10} {column('actual'):>12} {column('rate'):>9}  {column('notes')}"
    )
    lines = [label("table_heading", lang, year=year), header, "-" * len(header)]
    for r in results:
        sample = ""
        if r.unit == "percent":
            sample = f"n={r.n}"
            if r.ci95 is not None:
                sample += f" {numbers.percent(r.ci95[0], lang)}–{numbers.percent(r.ci95[1], lang)}"
            sample = "; ".join(filter(None, [sample, skipped_text(r, lang)]))
        flags = " · ".join(_flags(r, lang))
        lines.append(
            f"{r.code:<7} {plan.indicator(r.code).short_in(lang)[:32]:<32} {r.weight:>6}% "
            f"{_amount(r.baseline, r.unit, lang):>10} {_amount(r.planned, r.unit, lang):>10} {_actual(r, lang):>12} "
            f"{_share(r.achievement, lang):>9}  {' · '.join(filter(None, [sample, flags]))}".rstrip()
        )
    lines.append("-" * len(header))
    lines += target_lines(target, plan, lang)
    if any(not r.baseline_known for r in results):
        lines.append(label("table_baseline_note", lang))
    lines += [warning_text(warning, lang) for warning in breakdown_warnings(breakdowns) if warning.code == "small_sample_cells"]
    return "\n".join(lines)


def target_lines(target: TargetResult, plan: Plan, lang: str = "tr") -> list[str]:
    """Achievement over all weight and over the covered weight, and what is left out and why."""
    if target.covered_weight == 0:
        lines = [label("table_target_none", lang)]
    else:
        lines = [
            label("table_target_all", lang, value=_share(target.achievement, lang)),
            label("table_target_covered", lang, value=_share(target.achievement_of_covered, lang), weight=target.covered_weight),
        ]
    if target.uncovered:
        lines.append(label("table_uncovered", lang, items="; ".join(
            f"{code} {plan.indicator(code).short_in(lang)} ({reasons_text(target.uncovered_reasons.get(code, ()), lang)})"
            for code in target.uncovered
        )))
    return lines


def _flags(result: IndicatorResult, lang: str = "tr") -> list[str]:
    flags = []
    if result.small_sample:
        flags.append(label("table_flag_small", lang))
    if result.suppressed:
        flags.append(label("table_flag_hidden", lang))
    if result.covered and not result.baseline_known:
        flags.append(label("table_flag_baseline", lang))
    return flags


def _actual(result: IndicatorResult, lang: str = "tr") -> str:
    """The actual, or that it is hidden: a share of fewer than 5 answers is never printed."""
    return label("table_hidden", lang) if result.suppressed else _amount(result.actual, result.unit, lang)


def _amount(value: float | None, unit: str, lang: str = "tr") -> str:
    if value is None:
        return DASH
    return numbers.percent(value, lang) if unit == "percent" else numbers.number(value, lang)


def _share(fraction: float | None, lang: str = "tr") -> str:
    return DASH if fraction is None else numbers.percent(100 * fraction, lang)


async def indicators(settings: Settings, year: int, as_json: bool) -> int:
    async with report_session(settings) as session:
        plan, results, target = await year_results(session, year, settings)
        breakdowns = await satisfaction_rows(session, plan, date(year, 1, 1), date(year, 12, 31))
    if as_json:
        print(json.dumps(indicators_document(year, results, target, breakdowns), ensure_ascii=False, indent=2))
    else:
        print(indicators_table(plan, year, results, target, breakdowns))
    return 0


async def indicator(settings: Settings, code: str, year: int) -> int:
    """One indicator's figure for the year and every row behind it."""
    async with report_session(settings) as session:
        plan, results, _ = await year_results(session, year, settings)
        known = [i.code for i in plan.indicators]
        if code not in known:
            return fail(f"unknown indicator {code!r}; known: {', '.join(known)}")
        item = plan.indicator(code)
        result = next(r for r in results if r.code == code)
        first, last = date(year, 1, 1), date(year, 12, 31)
        rows = await drill(session, item, first, last, settings.zone)
        breakdowns = {}
        if item.source == "survey" and item.survey:
            for by in BREAKDOWNS:
                breakdowns[by] = await satisfaction_breakdown(session, item.survey, first, last, by)
    print(f"{code} {item.name_in('tr')} — {year}")
    print(f"Gerçekleşen: {_actual(result)}  Hedef: {_amount(result.planned, result.unit)}  "
          f"Başlangıç: {_amount(result.baseline, result.unit)}  "
          f"Oran: {_share(result.achievement)}" + (f"  n={result.n}" if result.unit == "percent" else ""))
    flags = _flags(result) + ([f"hesaba katılmadı: {reasons_text(result.uncovered_reasons, 'tr')}"]
                              if not result.covered else [])
    if flags:
        print("Uyarı: " + "; ".join(flags))
    print(f"Kaynak: {item.source_in('tr')}")
    for by, cells in breakdowns.items():
        print(f"\nMemnuniyet ({_BREAKDOWN_NAMES[by]}):")
        for cell in cells:
            if cell.suppressed:
                shown = "gizlendi (küçük bir grubun yanında)" if cell.complement else "gizlendi (n<5)"
            else:
                shown = f"{_amount(cell.share, 'percent')} (n={cell.n})" + (" küçük örneklem" if cell.small_sample else "")
            print(f"  {cell.key}: {shown}")
    print(f"\n{len(rows)} kayıt (her satırın gerçekleşene katkısıyla):")
    for row in rows:
        print("  " + drill_line(row))
    print(drill_total_line(rows, result))
    return 0


_BREAKDOWN_NAMES = {"centre": "merkez", "language": "dil", "role": "yanıtlayan"}
_MEASURES = {"attended": "yoklama", "headcount": "sayım", "quantity": "miktar", "satisfied": "memnun yanıt",
             "people": "kişi"}


def drill_line(row: DrillRow) -> str:
    """A row and what it adds: `katkı 1` for a count, `katkı 1/1` (satisfied/answers) for a survey."""
    when = numbers.moment(row.when) if isinstance(row.when, datetime) else numbers.day(row.when)
    measure = None
    if row.value is not None and row.measure:
        shown = row.value if isinstance(row.value, str) else numbers.number(row.value, "tr")
        measure = f"{_MEASURES.get(row.measure, row.measure)} {shown}"
    parts = [row.id, row.kind, when, row.centre, row.entered_by,
             f"sürüm {row.survey_version}" if row.survey_version else None, measure, drill_note(row, "tr"), _contribution(row)]
    return " | ".join(part for part in parts if part)


def _contribution(row: DrillRow) -> str:
    if row.contribution is None:
        return "katkı gizli"
    amount = numbers.number(row.contribution, "tr")
    return f"katkı {amount}/{row.answers}" if row.answers is not None else f"katkı {amount}"


def drill_total_line(rows: Sequence[DrillRow], result: IndicatorResult) -> str:
    """The sum of the rows' contributions, printed under them, beside the actual it makes."""
    total = drill_total(rows, result.unit)
    if not rows and result.actual is None and not result.suppressed:
        return f"Toplam katkı: kayıt yok = Gerçekleşen: {DASH} (veri yok)"
    if total.hidden or (result.unit == "percent" and result.suppressed):
        return f"Toplam katkı: gizlendi (n<{MIN_CELL_N}) = Gerçekleşen: {_actual(result)}"
    if result.unit == "percent":
        share = DASH if total.share is None else numbers.percent(total.share, "tr")
        return f"Toplam katkı: {numbers.number(total.contribution, 'tr')}/{total.answers} = {share} = Gerçekleşen: {_actual(result)}"
    return f"Toplam katkı: {numbers.number(total.contribution, 'tr')} = Gerçekleşen: {_actual(result)}"


# --- Report files ----------------------------------------------------------------------------


async def report(
    settings: Settings, first: date, last: date, fmt: str, out: str, lang: str, year: int | None
) -> int:
    year = last.year if year is None else year
    path = Path(out)
    with progress_bar("report", total=3) as bar:
        with bar.step("reading the figures"):
            async with report_session(settings) as session:
                try:
                    built = await build_weekly_report(
                        session, period_from=first, period_to=last, year=year, now=datetime.now(timezone.utc), zone=settings.zone
                    )
                except PeriodError as error:
                    return fail(str(error))
        with bar.step("drawing the tables and charts"):
            files = render_all(built, lang)
        with bar.step(f"writing {path.name}"):
            if fmt == "text":
                write_private(path, files.text + "\n")
            elif fmt == "png":
                write_private(path, files.png)
            elif fmt == "xlsx":
                write_private(path, files.xlsx)
            else:
                write_private(path, json.dumps(report_document(built), ensure_ascii=False, indent=2) + "\n")
    print(f"written {path}")
    return 0


# --- Plan values -----------------------------------------------------------------------------


async def plan_set(settings: Settings, code: str, year: int, planned: float, baseline: float | None) -> int:
    """Set a planned value (and baseline); audited, earlier values kept as history."""
    actor = f"cli:{getpass.getuser()}"
    async with report_session(settings) as session:
        plan = await current_plan(session, year)
        known = [i.code for i in plan.indicators]
        if code not in known:
            return fail(f"unknown indicator {code!r}; known: {', '.join(known)}")
        if baseline is None:
            baseline = plan.baseline(code, year)
        try:
            plan.with_values(code, year, planned, baseline)
        except PlanError as error:
            return fail(str(error))
        await plan_values.set_value(
            session, code=code, year=year, planned=planned, baseline=baseline, actor=actor,
            now=datetime.now(timezone.utc),
        )
    print(f"{code} {year}: planned {planned:g}, baseline {0 if baseline is None else baseline:g} (set by {actor})")
    if baseline is not None and planned < baseline:
        print(
            f"kentbot: warning: the planned value {planned:g} is below the baseline {baseline:g}, so a fall below "
            "the baseline would count as achievement; check both values",
            file=sys.stderr,
        )
    return 0


# --- Open data -------------------------------------------------------------------------------


async def export_opendata(settings: Settings, year: int, out: str) -> int:
    """The indicators (hedef-4.2-YEAR) and the target (hedef-4.2-YEAR-ozet), as CSV and JSON."""
    with progress_bar(f"open data {year}", total=2) as bar:
        with bar.step("reading the figures"):
            async with report_session(settings) as session:
                plan, results, target = await year_results(session, year, settings)
        with bar.step("writing the files"):
            written = _write_opendata(private_folder(Path(out)), year, plan, results, target)
    print(f"written {', '.join(written)}")
    return 0


def _write_opendata(folder: Path, year: int, plan: Plan, results: Sequence[IndicatorResult], target: TargetResult) -> list[str]:
    written = []
    for stem, fields, rows in (
        (f"hedef-4.2-{year}", OPEN_FIELDS, open_rows(plan, year, results)),
        (f"hedef-4.2-{year}-ozet", OPEN_TARGET_FIELDS, [open_target_row(year, target)]),
    ):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(row) for row in rows)
        csv_path, json_path = folder / f"{stem}.csv", folder / f"{stem}.json"
        write_private(csv_path, buffer.getvalue())
        write_private(json_path, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        written += [str(csv_path), str(json_path)]
    return written


def run(coroutine: Any) -> int:
    """Run a command, turning a database that is not ready into one line."""
    try:
        return asyncio.run(coroutine)
    except NotReady as error:
        return fail(str(error))
