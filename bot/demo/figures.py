"""What the demo prints at the end: every indicator of Target 4.2 from the database, the two
satisfaction indicators with n and a 95% Wilson interval."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.config import Settings
from reports.indicators import CountInput, SurveyInput, evaluate, target_result
from reports.plan import load_plan
from reports.stats import interval_percent, share_percent
from storage.database import create_engine, session_factory
from storage.repositories.surveys import satisfaction


def _percent(value: float | None) -> str:
    return "—" if value is None else f"%{value:.1f}".replace(".", ",")


async def print_figures(database_url: str, settings: Settings, out: Path) -> int:
    plan = load_plan()
    year = date.today().year
    engine = create_engine(database_url)
    observed: dict[str, CountInput | SurveyInput] = {}
    try:
        async with session_factory(engine)() as session:
            for indicator in plan.indicators:
                if indicator.survey:
                    count = await satisfaction(session, indicator.survey, date(year, 1, 1), date(year + 1, 1, 1))
                    observed[indicator.code] = SurveyInput(satisfied=count.satisfied, n=count.n)
                else:
                    observed[indicator.code] = CountInput(actual=None)
    finally:
        await engine.dispose()

    results = evaluate(plan, year, observed)
    print(f"5. Target 4.2 indicators, {year} (planned values are set with `kentbot plan set`)\n")
    print(f"{'code':<7} {'weight':>6}  {'actual':>8}  {'n':>5}  {'95% CI':<16} indicator")
    for indicator, result in zip(plan.indicators, results):
        actual = "—" if result.actual is None else (
            _percent(result.actual) if indicator.unit == "percent" else f"{result.actual:g}"
        )
        interval = "" if result.ci95 is None else f"{_percent(result.ci95[0])}–{_percent(result.ci95[1])}"
        n = "" if result.n is None else str(result.n)
        print(f"{indicator.code:<7} {indicator.weight:>5}%  {actual:>8}  {n:>5}  {interval:<16} {indicator.short_in('tr')}")
    target = target_result(results)
    print(f"\nTarget 4.2 achievement: {_percent(target.achievement)} "
          f"(indicators without a plan or data count as 0: {', '.join(target.uncovered) or 'none'})")
    print("\nSatisfaction (top-2-box: satisfied or very satisfied):")
    for indicator in plan.indicators:
        data = observed[indicator.code]
        if isinstance(data, SurveyInput):
            low_high = interval_percent(data.satisfied, data.n)
            interval = "no answers" if low_high is None else f"95% CI {_percent(low_high[0])}–{_percent(low_high[1])}"
            print(f"  {indicator.code} {indicator.short_in('en')}: {_percent(share_percent(data.satisfied, data.n))} "
                  f"of n = {data.n} ({interval})")
    return 0
