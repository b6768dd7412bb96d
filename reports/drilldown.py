"""İNCELE: the rows behind an indicator's number for a period.

Responses of an identified survey show their survey version and satisfied-or-not, never a
respondent key or an answer. Those of an anonymous survey are never listed one by one: a
response's day and answer point at the one woman who answered that day. They are counted
per survey version instead (n and how many were satisfied), and a version with fewer than
5 answers shows only that it has fewer than 5 (and the hidden versions together, once they
hold 5 answers, which the total minus the versions shown gives anyway). Staff entries show
who entered them and when, replaced ones included, so a correction never hides what it
corrected.

Every row says what it adds to the actual (`DrillRow.contribution`), so the rows add up to
it by hand: a held event 1, whatever its attendance; a replaced entry 0; a person served
(4.2.8) 1, on the row of their first attendance in the year; a response its satisfied
answer out of 1. A first attendance that was a self check-in flagged for review
(`reports.checkin_flags`) says why, and still adds 1: staff take a check-in back, not the report.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from reports import checkin_review
from reports.model import HIDDEN_TOGETHER, DrillRow, EventRow
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
    """Every row that made `indicator`'s number over the local days [first, last], each with
    what it adds: over a whole year they add up to the actual, over a part of it to the change."""
    if indicator.source == "survey" and indicator.survey:
        return await _responses(session, indicator.survey, first, last)
    if indicator.source == "attendance" and indicator.event_type:
        return await _people(session, indicator.event_type, first, last, zone)
    if indicator.source in EVENT_SOURCES and indicator.event_type:
        return await _events(session, indicator, first, last, zone)
    if indicator.source == "registrations":
        return tuple(
            DrillRow("membership", f"m-{row.id}", row.approved_on, row.centre, _by(row.decided_by, row.decided_at, zone),
                     None, 1, None, contribution=1)
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
            contribution=0.0 if row.replaced else row.quantity,
            measure="quantity",
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
            contribution=1 if row.satisfied else 0,
            answers=1,
            measure="satisfied",
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
    Dated by the period's end, so no row tells on which day anyone answered. Hidden versions
    that hold 5 answers together get one more row with their sum, so the rows add up to the
    total; that sum is the total minus the versions shown, so it tells nothing new."""
    cells = suppress_small(tallies, complementary=True)
    rows = [
        DrillRow(
            kind="responses",
            id=f"{survey_id}-v{tally.key}",
            when=last,
            centre=None,
            entered_by=None,
            survey_version=tally.key,
            value=None if cell.suppressed else tally.satisfied,
            note=(("n —" if cell.complement else f"n<{MIN_CELL_N}") if cell.suppressed else f"n={tally.n}"),
            contribution=None if cell.suppressed else tally.satisfied,
            answers=None if cell.suppressed else tally.n,
            measure=None if cell.suppressed else "satisfied",
        )
        for tally, cell in zip(tallies, cells)
    ]
    hidden = [tally for tally, cell in zip(tallies, cells) if cell.suppressed]
    hidden_n = sum(tally.n for tally in hidden)
    if hidden and hidden_n >= MIN_CELL_N:
        satisfied = sum(tally.satisfied for tally in hidden)
        rows.append(DrillRow(
            kind=HIDDEN_TOGETHER, id=f"{survey_id}-hidden", when=last, centre=None, entered_by=None,
            survey_version=", ".join(tally.key for tally in hidden), value=satisfied, note=f"n={hidden_n}",
            contribution=satisfied, answers=hidden_n, measure="satisfied",
        ))
    return tuple(rows)


async def _events(
    session: AsyncSession, indicator: Indicator, first: date, last: date, zone: ZoneInfo
) -> tuple[DrillRow, ...]:
    """Held events, each adding 1; its value is the attendance taken, or the headcount when
    no attendance was taken (`measure` says which)."""
    start, end = utc_bounds(first, last, zone)
    rows = []
    for event in await store.held_events(session, [indicator.event_type or ""], start, end):
        value, measure = attendance_of(event.attended, event.headcount)
        rows.append(DrillRow(
            kind="event",
            id=f"e-{event.id}",
            when=event.starts_at.astimezone(zone),
            centre=event.centre,
            entered_by=event.created_by,
            survey_version=None,
            value=value,
            note=event.title,
            contribution=1,
            measure=measure,
        ))
    return tuple(rows)


def attendance_of(attended: int, headcount: int | None) -> tuple[int | None, str | None]:
    """How many came, and how it is known: attendance taken by name, else a headcount."""
    if attended:
        return attended, "attended"
    if headcount is not None:
        return headcount, "headcount"
    return None, None


async def _people(
    session: AsyncSession, event_type: str, first: date, last: date, zone: ZoneInfo
) -> tuple[DrillRow, ...]:
    """One row per person served (4.2.8), on their first attendance in the year, when that
    falls in [first, last]: each adds 1, as the indicator counts people, not visits."""
    start, end = utc_bounds(date(first.year, 1, 1), last, zone)
    since = utc_bounds(first, first, zone)[0]
    review = {f.row.attendance_id: f.reasons for f in await checkin_review.at_held(session, [event_type], start, end)}
    return tuple(
        DrillRow(
            kind="first_attendance",
            id=f"a-{row.attendance_id}",
            when=row.starts_at.astimezone(zone),
            centre=row.centre,
            entered_by=row.recorded_by,
            survey_version=None,
            value=1,
            note=f"e-{row.event_id} {row.title}",
            contribution=1,
            measure="people",
            review=review.get(row.attendance_id, ()),
        )
        for row in await store.first_attendances(session, event_type, start, end)
        if row.starts_at >= since
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
            attended=event.attended or None,
            headcount=event.headcount,
        )
        for event in await store.held_events(session, list(codes), start, end)
    )


def _by(name: str | None, at: datetime | None, zone: ZoneInfo) -> str | None:
    """Who, and when they did it, in one cell."""
    if name is None:
        return None
    return name if at is None else f"{name} ({at.astimezone(zone):%d.%m.%Y %H:%M})"
