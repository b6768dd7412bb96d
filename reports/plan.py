"""Target 4.2 of the strategic plan, loaded and validated from plan.yaml.

The file says *what* is measured (codes, names, units, weights, sources); planned and
baseline values set later by the municipality live in the database and are layered on
with `Plan.with_values`, which returns a new Plan so the file's defaults are never
mutated. Errors name the file and the entry at fault, like pyxform names the row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from storage.strict_yaml import load_yaml, yaml_problem

DEFAULT_PATH = Path(__file__).with_name("plan.yaml")

UNITS = ("count", "persons", "percent")
SOURCES = ("milestone", "events", "aid", "training", "survey", "attendance", "registrations")
EVENT_SOURCES = ("events", "training", "attendance")
TOTAL_WEIGHT = 100

_CODE = re.compile(r"^4\.2\.[1-9][0-9]*$")
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_INDICATOR_FIELDS = {
    "code", "name", "short", "unit", "weight", "source", "source_description",
    "survey", "event_type", "milestone", "years",
}
_TOP_FIELDS = {"goal", "target", "indicators"}


class PlanError(ValueError):
    """The plan file, or a value set over it, is not a valid Target 4.2 plan."""


@dataclass(frozen=True)
class YearValues:
    planned: float | None = None
    baseline: float | None = None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Mapping[str, str]
    short: Mapping[str, str]
    unit: str
    weight: int
    source: str
    source_description: Mapping[str, str]
    survey: str | None
    event_type: str | None
    milestone: str | None
    years: Mapping[int, YearValues]

    def name_in(self, lang: str) -> str:
        """Full official name; English, then Turkish, when the language is missing."""
        return _localized(self.name, lang)

    def short_in(self, lang: str) -> str:
        """Short label for charts and Telegram lines, where full names do not fit."""
        return _localized(self.short, lang)

    def source_in(self, lang: str) -> str:
        return _localized(self.source_description, lang)


@dataclass(frozen=True)
class Target:
    goal_code: str
    goal_title: Mapping[str, str]
    code: str
    title: Mapping[str, str]
    responsible_unit: Mapping[str, str]


@dataclass(frozen=True)
class Plan:
    target: Target
    indicators: tuple[Indicator, ...]

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(f"unknown indicator {code!r}")

    def planned(self, code: str, year: int) -> float | None:
        return self._year(code, year).planned

    def baseline(self, code: str, year: int) -> float | None:
        return self._year(code, year).baseline

    def with_values(
        self, code: str, year: int, planned: float | None, baseline: float | None
    ) -> Plan:
        """A copy with one year's values replaced, e.g. as set later in the database."""
        indicator = self.indicator(code)
        where = f"plan: indicator '{code}': year {year}"
        values = YearValues(
            planned=_value(where, "planned", planned, indicator.unit),
            baseline=_value(where, "baseline", baseline, indicator.unit),
        )
        updated = replace(indicator, years={**indicator.years, year: values})
        return replace(
            self,
            indicators=tuple(updated if i.code == code else i for i in self.indicators),
        )

    def _year(self, code: str, year: int) -> YearValues:
        return self.indicator(code).years.get(year, YearValues())


def load_plan(path: Path | str | None = None) -> Plan:
    path = Path(path) if path is not None else DEFAULT_PATH
    where = path.name
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PlanError(f"{where}: not valid YAML: {yaml_problem(error)}") from error
    if not isinstance(data, dict):
        raise PlanError(f"{where}: expected a mapping with goal, target and indicators")
    _no_unknown_fields(where, data, _TOP_FIELDS)
    target = _target(where, data)
    raw_indicators = data.get("indicators")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        raise PlanError(f"{where}: field 'indicators': expected a non-empty list")
    indicators = tuple(_indicator(where, i, raw) for i, raw in enumerate(raw_indicators, 1))
    _check_unique_codes(where, indicators)
    total = sum(i.weight for i in indicators)
    if total != TOTAL_WEIGHT:
        raise PlanError(f"{where}: weights add up to {total}, not {TOTAL_WEIGHT}")
    return Plan(target=target, indicators=indicators)


def _target(where: str, data: Mapping[str, Any]) -> Target:
    goal = _mapping(where, data, "goal")
    target = _mapping(where, data, "target")
    return Target(
        goal_code=_text(f"{where}: goal", goal, "code"),
        goal_title=_texts(f"{where}: goal", goal, "title"),
        code=_text(f"{where}: target", target, "code"),
        title=_texts(f"{where}: target", target, "title"),
        responsible_unit=_texts(f"{where}: target", target, "responsible_unit"),
    )


def _indicator(where: str, position: int, raw: Any) -> Indicator:
    if not isinstance(raw, dict):
        raise PlanError(f"{where}: indicator #{position}: expected a mapping")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise PlanError(
            f"{where}: indicator #{position}: field 'code': expected '4.2.N', got {code!r}"
        )
    at = f"{where}: indicator '{code}'"
    _no_unknown_fields(at, raw, _INDICATOR_FIELDS)
    unit = raw.get("unit")
    if unit not in UNITS:
        raise PlanError(f"{at}: field 'unit': unknown unit {unit!r}")
    weight = raw.get("weight")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 < weight <= 100:
        raise PlanError(f"{at}: field 'weight': expected a whole percent 1..100, got {weight!r}")
    source = raw.get("source")
    if source not in SOURCES:
        raise PlanError(f"{at}: field 'source': unknown source {source!r}")
    survey = _slug(at, raw, "survey", required=source == "survey")
    event_type = _slug(at, raw, "event_type", required=source in EVENT_SOURCES)
    milestone = _slug(at, raw, "milestone", required=source == "milestone")
    if (source == "survey") != (unit == "percent"):
        raise PlanError(f"{at}: field 'unit': survey indicators, and only they, are in percent")
    return Indicator(
        code=code,
        name=_texts(at, raw, "name"),
        short=_texts(at, raw, "short"),
        unit=unit,
        weight=weight,
        source=source,
        source_description=_texts(at, raw, "source_description"),
        survey=survey,
        event_type=event_type,
        milestone=milestone,
        years=_years(at, raw.get("years") or {}, unit),
    )


def _years(at: str, raw: Any, unit: str) -> dict[int, YearValues]:
    if not isinstance(raw, dict):
        raise PlanError(f"{at}: field 'years': expected a mapping of year to values")
    years: dict[int, YearValues] = {}
    for year, values in raw.items():
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise PlanError(f"{at}: field 'years': {year!r} is not a year")
        values = values or {}
        if not isinstance(values, dict):
            raise PlanError(f"{at}: year {year}: expected planned and baseline")
        _no_unknown_fields(f"{at}: year {year}", values, {"planned", "baseline"})
        years[year] = YearValues(
            planned=_value(f"{at}: year {year}", "planned", values.get("planned"), unit),
            baseline=_value(f"{at}: year {year}", "baseline", values.get("baseline"), unit),
        )
    return years


def value_problem(value: float, unit: str) -> str | None:
    """Why a number cannot be a planned value or baseline in `unit`, or None when it can:
    `finite`, `range` (below 0, or above 100 for a percentage), `fraction` (0 < x <= 1 for a
    percentage, which would silently mean under 1%) or `whole` (counts and persons)."""
    if not math.isfinite(value):
        return "finite"
    if value < 0 or (unit == "percent" and value > 100):
        return "range"
    if unit == "percent" and 0 < value <= 1:
        return "fraction"
    if unit != "percent" and not float(value).is_integer():
        return "whole"
    return None


def _value(at: str, field: str, value: Any, unit: str) -> float | None:
    """A planned value or baseline in the indicator's unit (value_problem says what is refused)."""
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise PlanError(f"{at}: field '{field}': expected a number, got {value!r}")
    problem = value_problem(value, unit)
    if problem == "finite":
        raise PlanError(f"{at}: field '{field}': {value!r} is not a finite number")
    if problem == "range":
        bounds = "0..100" if unit == "percent" else "0 or more"
        raise PlanError(f"{at}: field '{field}': {value!r} is outside {bounds}")
    if problem == "fraction":
        raise PlanError(f"{at}: field '{field}': {value:g} is a percentage from 0 to 100; did you mean {100 * value:g}?")
    if problem == "whole":
        raise PlanError(f"{at}: field '{field}': {value:g} is not a whole number of {unit}")
    return float(value)


def _check_unique_codes(where: str, indicators: tuple[Indicator, ...]) -> None:
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.code in seen:
            raise PlanError(f"{where}: indicator '{indicator.code}': duplicate code")
        seen.add(indicator.code)


def _no_unknown_fields(at: str, raw: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(set(raw) - known, key=str)
    if unknown:
        raise PlanError(f"{at}: unknown field {unknown[0]!r}")


def _mapping(at: str, raw: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = raw.get(field)
    if not isinstance(value, dict):
        raise PlanError(f"{at}: field '{field}': expected a mapping")
    return value


def _text(at: str, raw: Mapping[str, Any], field: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value.strip():
        raise PlanError(f"{at}: field '{field}': expected text")
    return value


def _texts(at: str, raw: Mapping[str, Any], field: str) -> dict[str, str]:
    """Labels per language; Turkish and English are required, Arabic is optional."""
    value = _mapping(at, raw, field)
    for lang in ("tr", "en"):
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise PlanError(f"{at}: field '{field}': missing '{lang}' text")
    return {str(k): str(v) for k, v in value.items()}


def _slug(at: str, raw: Mapping[str, Any], field: str, *, required: bool) -> str | None:
    value = raw.get(field)
    if value is None:
        if required:
            raise PlanError(f"{at}: field '{field}': required for source {raw.get('source')!r}")
        return None
    if not required:
        raise PlanError(f"{at}: field '{field}': not used by source {raw.get('source')!r}")
    if not isinstance(value, str) or not _SLUG.match(value):
        raise PlanError(f"{at}: field '{field}': expected a slug, got {value!r}")
    return value


def _localized(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get("en") or texts["tr"]
