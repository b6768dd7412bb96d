"""İNCELE: the rows behind an indicator's number for a period.

Responses of an identified survey show their survey version and satisfied-or-not, never a
respondent key or an answer. Those of an anonymous survey are never listed one by one: a
response's day and answer point at the one woman who answered that day. They are counted
per survey version instead (n and how many were satisfied), and a version with fewer than
5 answers shows only that it has fewer than 5. Staff entries show who entered them and
when, replaced ones included, so a correction never hides what it corrected.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from reports.model import DrillRow, EventRow
from reports.periods import ISTANBUL, utc_bounds
from reports.plan import Indicator, Plan
from reports.stats import MIN_CELL_N, Tally, suppress_small
from storage.repositories import reports as store
from storage.repositories import surveys as survey_store

ANONYMOUS = "anonymous"
EVENT_SOURCES = ("events", "training", "attendance")


async def drill(
    session: AsyncSession, indicator: Indicator, first: date, last: date, zone: ZoneInfo = ISTANBUL
) -> tuple[DrillRow, ...]:
    """Every row that made `indicator`'s number over the local days [first, last]."""
    if indicator.source == "survey" and indicator.survey:
        return await _responses(session, indicator.survey, first, last)
    if indicator.source in EVENT_SOURCES and indicator.event_type:
        return await _events(session, indicator, first, last, zone)
    if indicator.source == "registrations":
        return tuple(
            DrillRow("membership", f"m-{row.id}", row.approved_on, row.centre, _by(row.decided_by, row.decided_at, zone),
                     None, 1, None)
            for row in await store.approved_memberships(session, first, last)
        )
    return tuple(
        DrillRow(
            kind="replaced" if row.replaced else ("correction" if row.corrects else "entry"),
            id=f"g-{row.id}",
            when=row.occurred_on,
            centre=row.centre,
            entered_by=_by(row.entered_by, row.entered_at, zone),
            survey_version=None,
            value=row.quantity,
            note=" · ".join(filter(None, [f"→ g-{row.corrects}" if row.corrects else None, row.note])) or None,
        )
        for row in await store.entries(session, indicator.code, first, last)
    )


async def _responses(session: AsyncSession, survey_id: str, first: date, last: date) -> tuple[DrillRow, ...]:
    rows = await store.responses(session, survey_id, first, last)
    anonymous: dict[int, bool] = {}
    for version in {row.survey_version for row in rows}:
        definition = await survey_store.get_definition(session, survey_id, version)
        anonymous[version] = definition is None or definition.anonymity == ANONYMOUS
    listed = tuple(
        DrillRow(
            kind="response",
            id=f"r-{row.id}",
            when=row.completed_on,
            centre=row.centre,
            entered_by=None,
            survey_version=str(row.survey_version),
            value=1 if row.satisfied else 0,
            note=", ".join(filter(None, [row.language, row.role])),
        )
        for row in rows
        if not anonymous[row.survey_version]
    )
    versions = sorted(version for version, hidden in anonymous.items() if hidden)
    tallies = [
        Tally(str(version), sum(1 for r in rows if r.survey_version == version and r.satisfied),
              sum(1 for r in rows if r.survey_version == version))
        for version in versions
    ]
    return anonymous_counts(survey_id, tallies, last) + listed


def anonymous_counts(survey_id: str, tallies: list[Tally], last: date) -> tuple[DrillRow, ...]:
    """One row per survey version of an anonymous survey: n and how many were satisfied, or
    "n<5" (for as many versions as it takes that none can be worked out from the total).
    Dated by the period's end, so no row tells on which day anyone answered."""
    cells = suppress_small(tallies, complementary=True)
    return tuple(
        DrillRow(
            kind="responses",
            id=f"{survey_id}-v{tally.key}",
            when=last,
            centre=None,
            entered_by=None,
            survey_version=tally.key,
            value=None if cell.suppressed else tally.satisfied,
            note=(("n —" if cell.complement else f"n<{MIN_CELL_N}") if cell.suppressed else f"n={tally.n}"),
        )
        for tally, cell in zip(tallies, cells)
    )


async def _events(
    session: AsyncSession, indicator: Indicator, first: date, last: date, zone: ZoneInfo
) -> tuple[DrillRow, ...]:
    """Held events; the value is attendance, or distinct people for a persons indicator
    (whose total is distinct over all events, so it can be less than the rows' sum)."""
    start, end = utc_bounds(first, last, zone)
    return tuple(
        DrillRow(
            kind="event",
            id=f"e-{event.id}",
            when=event.starts_at.astimezone(zone),
            centre=event.centre,
            entered_by=event.created_by,
            survey_version=None,
            value=event.beneficiaries if indicator.unit == "persons" else event.attended,
            note=event.title,
        )
        for event in await store.held_events(session, [indicator.event_type or ""], start, end)
    )


async def event_rows(
    session: AsyncSession, plan: Plan, first: date, last: date, zone: ZoneInfo = ISTANBUL
) -> tuple[EventRow, ...]:
    """Held events of the period for the workbook's events sheet, with registrations."""
    codes = {i.event_type: i.code for i in plan.indicators if i.source in EVENT_SOURCES and i.event_type}
    start, end = utc_bounds(first, last, zone)
    return tuple(
        EventRow(
            day=event.starts_at.astimezone(zone).date(),
            centre=event.centre,
            type=event.type,
            indicator=codes[event.type],
            title=event.title,
            registered=event.registered or None,
            attended=event.attended,
        )
        for event in await store.held_events(session, list(codes), start, end)
    )


def _by(name: str | None, at: datetime | None, zone: ZoneInfo) -> str | None:
    """Who, and when they did it, in one cell."""
    if name is None:
        return None
    return name if at is None else f"{name} ({at.astimezone(zone):%d.%m.%Y %H:%M})"
