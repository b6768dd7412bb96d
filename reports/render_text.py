"""The weekly summary as one plain-text Telegram message.

Plain text (no parse mode) so names with '<', '_' or '*' never break the message; it
must fit Telegram's 4096-character limit, so when warnings overflow, the last ones are
folded into a "… and N more" line that points to the workbook.
"""

from __future__ import annotations

from reports import numbers
from reports.labels import change_heading, label, reasons_text, skipped_text, warning_text
from reports.model import IndicatorLine, WeeklyReport

TELEGRAM_LIMIT = 4096
DASH = "—"


def render_text(report: WeeklyReport, lang: str = "tr", limit: int = TELEGRAM_LIMIT) -> str:
    head = [
        label("title", lang),
        label(
            "period",
            lang,
            start=numbers.day(report.period_from),
            end=numbers.day(report.period_to),
            year=report.year,
        ),
        label("generated", lang, when=numbers.moment(report.generated_at)),
        "",
        *_target_lines(report, lang),
        "",
        label(
            "indicators_header",
            lang,
            change=change_heading(report.change_from, report.change_to, report.compared_with, lang),
        ),
        *(_indicator_line(line, lang) for line in report.indicators),
    ]
    warnings = [f"• {warning_text(w, lang)}" for w in report.warnings]
    return _fit(head, warnings, lang, limit)


def _target_lines(report: WeeklyReport, lang: str) -> list[str]:
    """Achievement over all weight and over the covered weight, and what was left out and why."""
    target = report.target
    if target.achievement_of_covered is None:
        lines = [label("target_none", lang)]
    else:
        lines = [
            label("target_ytd", lang, value=numbers.percent(100 * target.achievement, lang)),
            label(
                "target_covered",
                lang,
                value=numbers.percent(100 * target.achievement_of_covered, lang),
                weight=target.covered_weight,
            ),
        ]
    names = {line.ytd.code: line.indicator.short_in(lang) for line in report.indicators}
    items = [
        f"{code} {names.get(code, '')} ({reasons_text(target.uncovered_reasons.get(code, ()), lang)})"
        for code in target.uncovered
    ]
    lines.append(label("target_excluded", lang, items="; ".join(items)) if items else label("target_all_covered", lang))
    return lines


def _indicator_line(line: IndicatorLine, lang: str) -> str:
    result = line.ytd
    change = DASH
    if line.change is not None:
        change = numbers.signed(line.change, lang)
        if result.unit == "percent":
            change = f"{change} {label('points', lang)}"
    if result.suppressed:
        actual = label("suppressed_value", lang, n=result.n)
    else:
        actual = DASH if result.actual is None else _amount(result.actual, result.unit, lang)
    planned = DASH if result.planned is None else _amount(result.planned, result.unit, lang)
    if result.unit != "percent":
        planned = f"{planned} {label('unit_' + result.unit, lang)}"
    text = f"{result.code} {line.indicator.short_in(lang)}: {change} | {actual} / {planned}"
    if result.achievement is not None:
        share = numbers.percent(100 * result.achievement, lang)
        text += f" ({share})" if result.baseline_known else f" ({share}; {label('baseline_assumed', lang)})"
    if result.ci95 is not None:
        low, high = result.ci95
        text += "; " + label(
            "sample",
            lang,
            n=result.n,
            low=numbers.percent(low, lang),
            high=numbers.percent(high, lang),
        )
    skips = skipped_text(result, lang)
    return text if skips is None else f"{text}; {skips}"


def _amount(value: float, unit: str, lang: str) -> str:
    return numbers.percent(value, lang) if unit == "percent" else numbers.number(value, lang)


def _fit(head: list[str], warnings: list[str], lang: str, limit: int) -> str:
    """Keep as many warnings as fit under `limit`, then say how many were left out."""
    for shown in range(len(warnings), -1, -1):
        body = head + (["", label("warnings_header", lang)] if warnings else [])
        body += warnings[:shown]
        if shown < len(warnings):
            body.append(label("more_warnings", lang, count=len(warnings) - shown))
        text = "\n".join(body)
        if len(text) <= limit:
            return text
    return text[: limit - 1] + "…"
