"""What each page shows, as plain values built from the cached figures (aggregates only).

Every `data-value` is `json.dumps` of the very value `kentbot indicators --json` prints, so a
page can be checked against the command figure by figure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from reports import numbers
from reports.indicators import method_notes
from reports.labels import reasons_text
from web import charts
from web.figures import YearFigures
from web.texts import DASH, amount, share, words

# The data-fields of a card, each named after the `kentbot indicators --json` key it carries,
# but ci_low and ci_high, which are "ci95"[0] and "ci95"[1] (null when "ci95" is null).
CARD_FIELDS = ("weight", "planned", "actual", "achievement", "n", "ci_low", "ci_high", "small_sample", "baseline_known")


def field_value(entry: Mapping[str, Any], field: str) -> Any:
    """A card field's value, read from an indicator's `indicators --json` entry."""
    if field in ("ci_low", "ci_high"):
        return entry["ci95"][0 if field == "ci_low" else 1] if entry["ci95"] else None
    return entry[field]


def data_value(value: Any) -> str:
    """The attribute text a page carries for a figure: JSON, `null` for none."""
    return json.dumps(value)


def prefix(lang: str) -> str:
    return "" if lang == "tr" else f"/{lang}"


def home_path(lang: str) -> str:
    return prefix(lang) or "/"


def indicator_path(lang: str, code: str) -> str:
    return f"{prefix(lang)}/gosterge/{code}"


def with_year(path: str, year: int, default_year: int) -> str:
    return path if year == default_year else f"{path}?yil={year}"


@dataclass(frozen=True)
class Page:
    """What every page needs: language, direction, year and the links between them."""

    lang: str
    year: int
    default_year: int
    years: tuple[int, ...]
    computed_at: str  # ISO 8601, UTC
    computed_at_text: str

    @property
    def dir(self) -> str:
        return "rtl" if self.lang == "ar" else "ltr"

    @property
    def t(self) -> Mapping[str, Any]:
        return words(self.lang)


def page(lang: str, figures: YearFigures, default_year: int, years: tuple[int, ...], zone: ZoneInfo) -> Page:
    local = figures.computed_at.astimezone(zone)
    return Page(lang, figures.year, default_year, years, figures.computed_at.astimezone(ZoneInfo("UTC")).isoformat(),
                f"{numbers.moment(local)} ({local.tzname()})")


def unit_word(unit: str, lang: str) -> str:
    return str(words(lang)[f"unit_{unit}"])


def actual_text(entry: Mapping[str, Any], lang: str) -> str:
    if entry["suppressed"]:
        return str(words(lang)["suppressed"])
    return amount(entry["actual"], entry["unit"], lang)


def card(figures: YearFigures, entry: Mapping[str, Any], lang: str, default_year: int) -> dict[str, Any]:
    """One indicator card: its figures for people, and each as the JSON the CLI prints."""
    indicator = figures.plan.indicator(entry["code"])
    t = words(lang)
    ci = entry["ci95"]
    return {
        "code": entry["code"],
        "name": indicator.name_in(lang),
        "unit": unit_word(entry["unit"], lang),
        "is_share": entry["unit"] == "percent",
        "values": {field: data_value(field_value(entry, field)) for field in CARD_FIELDS},
        "weight": numbers.percent(entry["weight"], lang, 0),
        "planned": amount(entry["planned"], entry["unit"], lang),
        "baseline": amount(entry["baseline"], entry["unit"], lang),
        "actual": actual_text(entry, lang),
        "achievement": share(entry["achievement"], lang),
        "bar": charts.bar_length(entry["achievement"]),
        "n": DASH if entry["n"] is None else numbers.number(entry["n"], lang),
        "ci": ci is not None,
        "ci_low": None if ci is None else numbers.percent(ci[0], lang),
        "ci_high": None if ci is None else numbers.percent(ci[1], lang),
        "small_sample": entry["small_sample"],
        "baseline_unknown": not entry["baseline_known"],
        "not_covered": reasons_text(tuple(entry["uncovered_reasons"]), lang) if not entry["covered"] else None,
        "href": with_year(indicator_path(lang, entry["code"]), figures.year, default_year),
        "t": t,
    }


def target_view(figures: YearFigures, lang: str, default_year: int) -> dict[str, Any]:
    """The target card: goal, target, units, risks, cost, both achievements, and the eleven cards."""
    document = figures.document
    target = figures.plan.target
    return {
        "goal_code": target.goal_code,
        "goal_title": _localized(target.goal_title, lang),
        "target_code": target.code,
        "target_title": _localized(target.title, lang),
        "responsible": _localized(target.responsible_unit, lang),
        "achievement": share(document["achievement"], lang),
        "achievement_value": data_value(document["achievement"]),
        "achievement_bar": charts.bar_length(document["achievement"]),
        "covered": share(document["achievement_of_covered"], lang),
        "covered_value": data_value(document["achievement_of_covered"]),
        "covered_bar": charts.bar_length(document["achievement_of_covered"]),
        "covered_weight": document["covered_weight"],
        "not_covered": [
            {"code": item["code"], "name": figures.plan.indicator(item["code"]).short_in(lang),
             "reasons": reasons_text(tuple(item["reasons"]), lang)}
            for item in document["not_covered"]
        ],
        "cards": [card(figures, entry, lang, default_year) for entry in document["indicators"]],
    }


def indicator_view(figures: YearFigures, code: str, lang: str, default_year: int) -> dict[str, Any]:
    """İNCELE: the card, the monthly trend with its table, the centres, the method and the downloads."""
    entry = figures.entry(code)
    indicator = figures.plan.indicator(code)
    t = words(lang)
    unit = entry["unit"]
    points = figures.trend.get(code, ())
    notes = method_notes(lang)
    method_how = [notes[0], notes[2]] + ([notes[5], notes[7]] if unit == "percent" else [])
    return {
        "card": card(figures, entry, lang, default_year),
        "trend": charts.trend([(p.month, p.actual) for p in points], entry["planned"]),
        "trend_rows": [{"month": t["months"][p.month - 1], "value": amount(p.actual, unit, lang)} for p in points],
        "trend_planned": None if entry["planned"] is None else t["trend_planned"].format(value=amount(entry["planned"], unit, lang)),
        "trend_desc": t["trend_desc"].format(name=indicator.name_in(lang), year=figures.year),
        # Arabic month names share their first letters (كانون الأول, كانون الثاني): numbers there.
        "month_letters": [str(month) for month in range(1, 13)] if lang == "ar" else [name[:3] for name in t["months"]],
        "centres": [
            {"centre": cell.centre,
             "value": t["centre_hidden"] if cell.suppressed else amount(cell.value, unit, lang),
             "n": DASH if cell.n is None else numbers.number(cell.n, lang),
             "ci": DASH if cell.ci95 is None else f"{numbers.percent(cell.ci95[0], lang)}–{numbers.percent(cell.ci95[1], lang)}",
             "small_sample": cell.small_sample}
            for cell in figures.centres.get(code, ())
        ],
        "method_what": f"{indicator.name_in(lang)} ({unit_word(unit, lang)})",
        "method_source": indicator.source_in(lang),
        "method_how": method_how,
        "csv": f"/gosterge/{code}.csv" + ("" if figures.year == default_year else f"?yil={figures.year}"),
        "json": f"/gosterge/{code}.json" + ("" if figures.year == default_year else f"?yil={figures.year}"),
        "home": with_year(home_path(lang), figures.year, default_year),
    }


def _localized(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or texts["tr"]


def language_links(path_of: Any, year: int, default_year: int) -> list[dict[str, str]]:
    """The page in each language, its name written in that language."""
    return [{"lang": lang, "name": str(words(lang)["language_name"]), "href": with_year(path_of(lang), year, default_year)}
            for lang in ("tr", "en", "ar")]


