"""What the demo prints at the end: Target 4.2 from the demo database through the same
aggregation managers use, the two satisfaction indicators with n and a 95% Wilson interval,
and the weekly report written to files."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from bot.commands.reports import indicators_table, year_results
from bot.config import Settings
from devtools.demo.words import say
from reports import numbers
from reports.weekly import build_weekly_report, write_report_files
from storage.database import create_engine, session_factory
from storage.repositories import plan as plan_values

# Illustrative planned values for the demo year only; the municipality sets real ones with
# `kentbot plan set`, which is audited like these.
DEMO_PLAN = {
    "4.2.1": 1, "4.2.2": 60, "4.2.3": 150, "4.2.4": 40, "4.2.5": 75, "4.2.6": 1,
    "4.2.7": 30, "4.2.8": 60, "4.2.9": 80, "4.2.10": 12, "4.2.11": 20,
}


async def set_demo_plan(database_url: str, year: int, now: datetime) -> None:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine).begin() as session:
            for code, planned in DEMO_PLAN.items():
                await plan_values.set_value(
                    session, code=code, year=year, planned=planned, baseline=None, actor="demo", now=now
                )
    finally:
        await engine.dispose()


async def print_figures(database_url: str, settings: Settings, out: Path, today: date, now: datetime, lang: str = "tr") -> int:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            plan, results, target = await year_results(session, today.year, settings)
            monday = today - timedelta(days=today.weekday())
            report = await build_weekly_report(
                session, period_from=monday, period_to=today, year=today.year, now=now, zone=settings.zone
            )
    finally:
        await engine.dispose()

    print(say("target", lang, year=today.year) + "\n")
    print(indicators_table(plan, today.year, results, target, lang=lang))
    print("\n" + say("satisfaction", lang))
    for result in results:
        if result.unit == "percent":
            if result.suppressed:
                share = say("hidden", lang)
            else:
                share = say("no_answers", lang) if result.actual is None else numbers.percent(result.actual, lang)
            interval = "" if result.ci95 is None else say(
                "interval", lang, low=numbers.percent(result.ci95[0], lang), high=numbers.percent(result.ci95[1], lang)
            )
            name = plan.indicator(result.code).short_in(lang)
            print(say("share_line", lang, code=result.code, name=name, share=share, n=result.n, interval=interval))

    written = write_report_files(report, out, lang)
    print("\n" + say("weekly", lang, start=f"{monday:%d.%m.%Y}", end=f"{today:%d.%m.%Y}"))
    for kind, path in written.items():
        # The item charts come as "items:SURVEY", one per survey.
        label = say("items", lang, survey=kind.partition(":")[2]) if kind.startswith("items:") else say(kind, lang)
        print(f"  {label}: {path}")
    return 0
