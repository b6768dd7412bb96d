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
from reports import numbers
from reports.aggregate import BREAKDOWNS, current_plan, observe, satisfaction_breakdown
from reports.drilldown import drill
from reports.indicators import IndicatorResult, TargetResult, evaluate, target_result
from reports.model import DrillRow
from reports.plan import Plan, PlanError
from reports.weekly import PeriodError, build_weekly_report, render_all
from storage.database import create_engine, session_factory
from storage.migrate import is_up_to_date
from storage.private_files import private_folder, write_private
from storage.repositories import plan as plan_values

EXIT_BAD_INPUT = 2
FORMATS = ("text", "json", "xlsx", "png")
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


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else 100 * fraction


def indicators_document(year: int, results: Sequence[IndicatorResult], target: TargetResult) -> dict[str, Any]:
    """The `--json` document; achievements and intervals in percent, n only for surveys."""
    return {
        "target": "4.2",
        "year": year,
        "achievement": None if target.covered_weight == 0 else _percent(target.achievement),
        "indicators": [
            {
                "code": r.code,
                "unit": r.unit,
                "weight": r.weight,
                "planned": r.planned,
                "baseline": r.baseline,
                "actual": r.actual,
                "achievement": _percent(r.achievement),
                "n": r.n if r.unit == "percent" else None,
                "ci95": list(r.ci95) if r.ci95 is not None else None,
            }
            for r in results
        ],
    }


def indicators_table(plan: Plan, year: int, results: Sequence[IndicatorResult], target: TargetResult) -> str:
    lang = "tr"
    header = f"{'Kod':<7} {'Gösterge':<32} {'Ağırlık':>7} {'Başlangıç':>10} {'Hedef':>10} {'Gerçekleşen':>12} {'Oran':>9}  n / %95 GA"
    lines = [f"Hedef 4.2 — {year}", header, "-" * len(header)]
    for r in results:
        sample = ""
        if r.unit == "percent":
            sample = f"n={r.n}"
            if r.ci95 is not None:
                sample += f" {numbers.percent(r.ci95[0], lang)}–{numbers.percent(r.ci95[1], lang)}"
        lines.append(
            f"{r.code:<7} {plan.indicator(r.code).short_in(lang)[:32]:<32} {r.weight:>6}% "
            f"{_amount(r.baseline, r.unit):>10} {_amount(r.planned, r.unit):>10} {_actual(r):>12} "
            f"{_share(r.achievement):>9}  {sample}".rstrip()
        )
    lines.append("-" * len(header))
    if target.covered_weight == 0:
        lines.append("Hedef gerçekleşmesi: verisi ve hedefi olan gösterge yok")
    else:
        lines.append(f"Hedef gerçekleşmesi: {_share(target.achievement)} (kapsanan ağırlık {target.covered_weight}/100)")
    if target.uncovered:
        lines.append(f"Hesaba katılamayan: {', '.join(target.uncovered)}")
    return "\n".join(lines)


def _actual(result: IndicatorResult) -> str:
    """The actual, or that it is hidden: a share of fewer than 5 answers is never printed."""
    return "gizlendi" if result.suppressed else _amount(result.actual, result.unit)


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return DASH
    return numbers.percent(value, "tr") if unit == "percent" else numbers.number(value, "tr")


def _share(fraction: float | None) -> str:
    return DASH if fraction is None else numbers.percent(100 * fraction, "tr")


async def indicators(settings: Settings, year: int, as_json: bool) -> int:
    async with report_session(settings) as session:
        plan, results, target = await year_results(session, year, settings)
    if as_json:
        print(json.dumps(indicators_document(year, results, target), ensure_ascii=False, indent=2))
    else:
        print(indicators_table(plan, year, results, target))
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
          f"Oran: {_share(result.achievement)}" + (f"  n={result.n}" if result.unit == "percent" else ""))
    print(f"Kaynak: {item.source_in('tr')}")
    for by, cells in breakdowns.items():
        print(f"\nMemnuniyet ({_BREAKDOWN_NAMES[by]}):")
        for cell in cells:
            if cell.suppressed:
                shown = "gizlendi (küçük bir grubun yanında)" if cell.complement else "gizlendi (n<5)"
            else:
                shown = f"{_amount(cell.share, 'percent')} (n={cell.n})"
            print(f"  {cell.key}: {shown}")
    print(f"\n{len(rows)} kayıt:")
    for row in rows:
        print("  " + drill_line(row))
    return 0


_BREAKDOWN_NAMES = {"centre": "merkez", "language": "dil", "role": "yanıtlayan"}


def drill_line(row: DrillRow) -> str:
    when = numbers.moment(row.when) if isinstance(row.when, datetime) else numbers.day(row.when)
    parts = [row.id, row.kind, when, row.centre, row.entered_by,
             f"sürüm {row.survey_version}" if row.survey_version else None,
             None if row.value is None else f"değer {row.value if isinstance(row.value, str) else numbers.number(row.value, 'tr')}",
             row.note]
    return " | ".join(part for part in parts if part)


# --- Report files ----------------------------------------------------------------------------


async def report(
    settings: Settings, first: date, last: date, fmt: str, out: str, lang: str, year: int | None
) -> int:
    year = last.year if year is None else year
    async with report_session(settings) as session:
        try:
            built = await build_weekly_report(
                session, period_from=first, period_to=last, year=year, now=datetime.now(timezone.utc), zone=settings.zone
            )
        except PeriodError as error:
            return fail(str(error))
    files = render_all(built, lang)
    path = Path(out)
    if fmt == "text":
        write_private(path, files.text + "\n")
    elif fmt == "png":
        write_private(path, files.png)
    elif fmt == "xlsx":
        write_private(path, files.xlsx)
    else:
        document = indicators_document(year, [line.ytd for line in built.indicators], built.target)
        document["period"] = {"from": first.isoformat(), "to": last.isoformat()}
        document["week_change"] = {line.ytd.code: line.week_change for line in built.indicators}
        write_private(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
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

OPEN_FIELDS = (
    "target", "year", "code", "name_tr", "name_en", "unit", "weight", "planned", "baseline", "actual",
    "achievement_percent", "n", "ci95_low", "ci95_high",
)


def open_rows(plan: Plan, year: int, results: Sequence[IndicatorResult]) -> list[dict[str, Any]]:
    """Indicator figures only: totals and shares, nothing about any person."""
    return [
        {
            "target": "4.2",
            "year": year,
            "code": r.code,
            "name_tr": plan.indicator(r.code).name_in("tr"),
            "name_en": plan.indicator(r.code).name_in("en"),
            "unit": r.unit,
            "weight": r.weight,
            "planned": r.planned,
            "baseline": r.baseline,
            "actual": r.actual,
            "achievement_percent": _percent(r.achievement),
            "n": r.n if r.unit == "percent" else None,
            "ci95_low": r.ci95[0] if r.ci95 else None,
            "ci95_high": r.ci95[1] if r.ci95 else None,
        }
        for r in results
    ]


async def export_opendata(settings: Settings, year: int, out: str) -> int:
    async with report_session(settings) as session:
        plan, results, _ = await year_results(session, year, settings)
    rows = open_rows(plan, year, results)
    folder = private_folder(Path(out))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path, json_path = folder / f"hedef-4.2-{year}.csv", folder / f"hedef-4.2-{year}.json"
    write_private(csv_path, buffer.getvalue())
    write_private(json_path, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    print(f"written {csv_path} and {json_path}")
    return 0


def run(coroutine: Any) -> int:
    """Run a command, turning a database that is not ready into one line."""
    try:
        return asyncio.run(coroutine)
    except NotReady as error:
        return fail(str(error))
