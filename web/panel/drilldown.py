"""An indicator's drill-down on the panel: the rows `kentbot indicator CODE` prints
(reports.drilldown.drill over the whole year) and what they add up to, and who may read which.

Managers and admins read every row. Staff read an indicator's rows only when each of its rows
belongs to a centre (held events, people served, approved memberships), and then only their own
centres' rows, with `roles.can` deciding per centre, under the centre action that made the rows.
A survey's or a manual entry's rows have no such centre for every row (an anonymous survey's
counts belong to none), so staff are refused them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from reports import numbers
from reports.drilldown import EVENT_SOURCES, drill
from reports.labels import drill_note
from reports.model import DrillRow, drill_total
from reports.plan import Indicator
from services import roles
from storage.repositories import reports as report_store

DASH = "—"


def centre_action(indicator: Indicator) -> str | None:
    """The centre action whose holders may read this indicator's rows for their centres, or
    None when some rows belong to no centre (only managers and admins then)."""
    if indicator.source in EVENT_SOURCES and indicator.event_type:
        return "attendance.record"
    if indicator.source == "registrations":
        return "membership.approve"
    return None


def may_read(actor: roles.Actor, indicator: Indicator) -> bool:
    """Managers and admins every indicator; staff one whose rows all belong to centres."""
    if roles.can(actor, "report.read"):
        return True
    action = centre_action(indicator)
    return action is not None and bool(roles.centres_for(actor, action))


@dataclass(frozen=True)
class Drilled:
    """The rows the member may read and their sum; `whole` when they are every row (so the sum
    is the indicator's actual), not when cut to the member's centres."""

    rows: tuple[DrillRow, ...]
    whole: bool
    contribution: float | None
    answers: int | None
    hidden: int


async def drilled(session: AsyncSession, actor: roles.Actor, indicator: Indicator, year: int,
                  zone: ZoneInfo) -> Drilled:
    """The year's rows behind `indicator`, as `kentbot indicator` lists them, cut to what
    `actor` may read (call `may_read` first)."""
    rows = await drill(session, indicator, date(year, 1, 1), date(year, 12, 31), zone)
    whole = roles.can(actor, "report.read")
    if not whole:
        action = centre_action(indicator)
        assert action is not None, "may_read refuses this indicator to staff"
        ids = {name: centre_id for centre_id, name in (await report_store.centre_names(session)).items()}
        rows = tuple(row for row in rows if roles.can(actor, action, ids.get(row.centre or "")))
    total = drill_total(rows, indicator.unit)
    return Drilled(rows, whole, None if total.hidden else total.contribution,
                   None if total.hidden else total.answers, total.hidden)


def row_view(row: DrillRow, lang: str) -> dict[str, Any]:
    """A row as the page shows it, and what it adds as a number for `data-value`."""
    when = numbers.moment(row.when) if isinstance(row.when, datetime) else numbers.day(row.when)
    value = None if row.value is None else row.value if isinstance(row.value, str) else numbers.number(row.value, lang)
    adds = None if row.contribution is None else numbers.number(row.contribution, lang)
    return {
        "id": row.id, "kind": row.kind, "when": when, "centre": row.centre or DASH, "entered_by": row.entered_by or DASH,
        "version": row.survey_version or DASH, "value": DASH if value is None else value, "measure": row.measure,
        "note": drill_note(row, lang) or "", "adds": adds if adds is None or row.answers is None else f"{adds}/{row.answers}",
        "adds_value": "null" if row.contribution is None else f"{row.contribution:g}",
    }


def total_view(found: Drilled, lang: str) -> Mapping[str, str]:
    """The sum under the rows: a count, or satisfied/answers = share for a survey."""
    if found.contribution is None:
        return {"value": "null", "answers": "null", "text": DASH}
    amount = numbers.number(found.contribution, lang)
    if found.answers is None:
        return {"value": f"{found.contribution:g}", "answers": "null", "text": amount}
    share = DASH if not found.answers else numbers.percent(100 * found.contribution / found.answers, lang)
    return {"value": f"{found.contribution:g}", "answers": str(found.answers),
            "text": f"{amount}/{found.answers} = {share}"}


def drillable(actor: roles.Actor, indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators whose drill-down the member may open."""
    return [indicator for indicator in indicators if may_read(actor, indicator)]
