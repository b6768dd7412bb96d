"""Indicator results as JSON-ready data, for `--json`, the report's JSON and open data.

Every flag travels with its figure: n and the interval, small sample (n < 30), hidden
(n < 5), whether the baseline was set (unknown is null, with the baseline the achievement
used beside it), whether the indicator is covered and why not. One set of functions, so
the outputs cannot disagree about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reports.indicators import IndicatorResult, TargetResult
from reports.model import DrillRow, SatisfactionRow, WeeklyReport, drill_total
from reports.plan import Plan
from reports.render_results import results_document

BASELINE_RULE = "not set: achievement computed from a baseline of 0"


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else 100 * fraction


def indicator_entry(result: IndicatorResult) -> dict[str, Any]:
    """One indicator; achievement and interval in percent, n only for surveys."""
    return {
        "code": result.code,
        "unit": result.unit,
        "weight": result.weight,
        "planned": result.planned,
        "baseline": result.baseline,
        "baseline_known": result.baseline_known,
        "baseline_used": result.baseline_used,
        "baseline_rule": None if result.baseline_known else BASELINE_RULE,
        "actual": result.actual,
        "achievement": _percent(result.achievement),
        "contribution": result.contribution,
        "n": result.n if result.unit == "percent" else None,
        # Responses that skipped the scored question, outside n; null when hidden (1 to 4).
        "skipped": None if result.skipped_hidden else result.skipped,
        "skipped_hidden": result.skipped_hidden,
        "ci95": list(result.ci95) if result.ci95 is not None else None,
        "small_sample": result.small_sample,
        "suppressed": result.suppressed,
        "covered": result.covered,
        "uncovered_reasons": list(result.uncovered_reasons),
        "notes": list(result.notes),
    }


def target_entry(target: TargetResult) -> dict[str, Any]:
    """Target 4.2 over all weight and over the covered weight, and what was left out and why."""
    return {
        "achievement": None if target.covered_weight == 0 else _percent(target.achievement),
        "achievement_of_covered": _percent(target.achievement_of_covered),
        "covered_weight": target.covered_weight,
        "not_covered": [
            {"code": code, "reasons": list(target.uncovered_reasons.get(code, ()))} for code in target.uncovered
        ],
    }


def breakdown_entry(row: SatisfactionRow) -> dict[str, Any]:
    """A breakdown cell; a hidden one keeps only its group and that it is hidden."""
    return {
        "code": row.indicator,
        "by": row.by,
        "group": row.key,
        "n": row.n,
        "share": row.share,
        "ci95": list(row.ci95) if row.ci95 is not None else None,
        "small_sample": row.small_sample,
        "suppressed": row.suppressed,
    }


def drill_entry(rows: Sequence[DrillRow], unit: str) -> dict[str, Any]:
    """The sum of what an indicator's drill-down rows add, and how many rows made it."""
    total = drill_total(rows, unit)
    return {
        "rows": len(rows),
        "contribution": None if total.hidden else total.contribution,
        "answers": None if total.hidden else total.answers,
        "hidden_rows": total.hidden,
    }


def indicators_document(
    year: int,
    results: Sequence[IndicatorResult],
    target: TargetResult,
    breakdowns: Iterable[SatisfactionRow] = (),
) -> dict[str, Any]:
    """The `indicators --json` document."""
    return {
        "target": "4.2",
        "year": year,
        **target_entry(target),
        "indicators": [indicator_entry(r) for r in results],
        "breakdowns": [breakdown_entry(row) for row in breakdowns],
    }


def report_document(report: WeeklyReport) -> dict[str, Any]:
    """The report as JSON: the year-to-date figures with every flag, the change over the
    period with its dates, the breakdowns, the drill-down totals for the same days, the
    response rates and every survey's per-question results with the drivers."""
    document = indicators_document(
        report.year, [line.ytd for line in report.indicators], report.target, report.satisfaction
    )
    document["period"] = {"from": report.period_from.isoformat(), "to": report.period_to.isoformat()}
    document["change"] = {
        "from": report.change_from.isoformat() if report.change_from else None,
        "to": report.change_to.isoformat() if report.change_to else None,
        # The day whose year-to-date figures the change starts from; null: the start of the year.
        "compared_with": report.compared_with.isoformat() if report.compared_with else None,
        "values": {line.ytd.code: line.change for line in report.indicators},
    }
    units = {line.ytd.code: line.ytd.unit for line in report.indicators}
    document["drilldown"] = {code: drill_entry(rows, units[code]) for code, rows in report.drilldown.items()}
    # started and completed are null for an anonymous survey: they are never recorded.
    document["response_rates"] = [
        {
            "survey": rate.survey_id, "source": rate.source, "by": rate.by, "group": rate.key,
            "invited": rate.invited, "delivered": rate.delivered, "started": rate.started,
            "completed": rate.completed, "completion_rate_percent": rate.completion_rate, "low": rate.low,
        }
        for rate in report.response_rates
    ]
    # Each survey's per-question results city-wide, then each centre's with its drivers; an
    # anonymous survey has no centres.
    document["results"] = [
        {**results_document(comparison.city),
         "centres": [results_document(centre, comparison.drivers.get(centre.centre or "", ()))
                     for centre in comparison.centres]}
        for comparison in report.comparisons
    ]
    return document


# --- Open data -------------------------------------------------------------------------------

OPEN_FIELDS = (
    "target", "year", "code", "name_tr", "name_en", "unit", "weight", "planned", "baseline", "baseline_known",
    "actual", "achievement_percent", "n", "ci95_low", "ci95_high", "small_sample", "suppressed", "covered",
    "uncovered_reasons",
)
OPEN_TARGET_FIELDS = (
    "target", "year", "achievement_percent", "achievement_of_covered_percent", "covered_weight", "not_covered",
)


def open_rows(plan: Plan, year: int, results: Sequence[IndicatorResult]) -> list[dict[str, Any]]:
    """Indicator figures only: totals, shares and their flags, nothing about any person."""
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
            "baseline_known": r.baseline_known,
            "actual": r.actual,
            "achievement_percent": _percent(r.achievement),
            "n": r.n if r.unit == "percent" else None,
            "ci95_low": r.ci95[0] if r.ci95 else None,
            "ci95_high": r.ci95[1] if r.ci95 else None,
            "small_sample": r.small_sample,
            "suppressed": r.suppressed,
            "covered": r.covered,
            "uncovered_reasons": " ".join(r.uncovered_reasons),
        }
        for r in results
    ]


def open_target_row(year: int, target: TargetResult) -> dict[str, Any]:
    """Target 4.2 over all weight and over the covered weight, the left-out indicators named."""
    entry = target_entry(target)
    return {
        "target": "4.2",
        "year": year,
        "achievement_percent": entry["achievement"],
        "achievement_of_covered_percent": entry["achievement_of_covered"],
        "covered_weight": entry["covered_weight"],
        "not_covered": "; ".join(f"{item['code']} ({' '.join(item['reasons'])})" for item in entry["not_covered"]),
    }
