"""The response export form (survey, days, centre, format) checked as `kentbot export responses`
checks its arguments, one message per field, before anything is read or audited."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from reports.response_export import FORMATS
from services.plan_values import FIRST_YEAR, LAST_YEAR

FIELDS = ("anket", "ilk", "son", "merkez", "bicim")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class ExportForm:
    survey_id: str
    first: date
    last: date
    centre_id: str | None
    fmt: str

    @property
    def name(self) -> str:
        """The data file's name, as an operator would pass it to --out."""
        centre = f"-{self.centre_id}" if self.centre_id else ""
        return f"{self.survey_id}{centre}-{self.first.isoformat()}-{self.last.isoformat()}.{self.fmt}"


def day(text: str) -> date | None:
    """A day written YYYY-MM-DD in ASCII digits, within the plan's years; None otherwise."""
    if not _DAY.fullmatch(text):
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return value if FIRST_YEAR <= value.year <= LAST_YEAR else None


def export_form(
    given: Mapping[str, str], surveys: Collection[str], centres: Collection[str]
) -> ExportForm | dict[str, str]:
    """The export asked for, or each wrong field's problem (a key of the panel's words)."""
    problems: dict[str, str] = {}
    survey_id, centre_id, fmt = given.get("anket", ""), given.get("merkez", "") or None, given.get("bicim", "")
    if survey_id not in surveys:
        problems["anket"] = "export_error_survey"
    first, last = day(given.get("ilk", "")), day(given.get("son", ""))
    for field, value in (("ilk", first), ("son", last)):
        if value is None:
            problems[field] = "export_error_day"
    if first is not None and last is not None and first > last:
        problems["son"] = "export_error_order"
    if centre_id is not None and centre_id not in centres:
        problems["merkez"] = "export_error_centre"
    if fmt not in FORMATS:
        problems["bicim"] = "export_error_format"
    if problems or first is None or last is None:
        return problems
    return ExportForm(survey_id, first, last, centre_id, fmt)
