"""Setting an indicator's planned value and baseline for a year, by a manager or admin: every
field checked by the plan's own rule (reports.plan.value_problem) before anything is written,
so a form gets one reason per wrong field and nothing changes; the change is audited as
`plan.set`, earlier values kept as history."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from reports.aggregate import current_plan
from reports.plan import value_problem
from services.refusal import Refusal
from services.roles import Actor, label_for
from services.whole_numbers import whole_number
from storage.repositories import plan as plan_store

FIRST_YEAR, LAST_YEAR = 2000, 2100


class FieldsRefused(Refusal):
    """Some fields are wrong: `fields` maps each to its reason (`missing`, `number`, `range`, …)."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__("fields")
        self.fields = dict(fields)


def read_number(text: str) -> float | str:
    """A typed number as the command line reads it (a comma is the decimal mark), or the reason
    it is none: `missing` or `number`."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return "missing"
    try:
        value = float(cleaned)
    except ValueError:
        return "number"
    return value if math.isfinite(value) else "number"


async def set_from_form(
    session: AsyncSession, actor: Actor | str | None, *, code: str, year: str, planned: str, baseline: str, now: datetime,
) -> None:
    """Set `code`'s values for `year` from typed text; an empty baseline keeps the current one.
    Refused (roles.Refused) for anyone but managers and admins; FieldsRefused naming every
    wrong field, with nothing written."""
    label = label_for(actor, "plan.set")
    problems: dict[str, str] = {}
    year_value = whole_number(year.strip(), FIRST_YEAR, LAST_YEAR)
    if year_value is None:
        raise FieldsRefused({"year": "year"})
    plan = await current_plan(session, year_value)
    if code not in {indicator.code for indicator in plan.indicators}:
        raise FieldsRefused({"code": "code"})
    unit = plan.indicator(code).unit
    values: dict[str, float | None] = {}
    for field, text in (("planned", planned), ("baseline", baseline)):
        if field == "baseline" and not text.strip():
            values[field] = plan.baseline(code, year_value)
            continue
        read = read_number(text)
        problem = read if isinstance(read, str) else value_problem(read, unit)
        if problem is not None:
            problems[field] = f"{problem}_percent" if problem == "range" and unit == "percent" else problem
        else:
            values[field] = float(read)
    if problems:
        raise FieldsRefused(problems)
    await plan_store.set_value(
        session, code=code, year=year_value, planned=values["planned"], baseline=values["baseline"], actor=label, now=now,
    )
