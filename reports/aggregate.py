"""Indicator actuals from the database: GROUP BYs in SQL, pandas over the reduced frames.

The database hands back one row per day and group (see storage.repositories.reports);
here those rows become one frame of daily, additive contributions per indicator, so the
year to date at any day, the week's change and the weekly trend are cumulative sums of
the same frame, never another pass over the raw rows. 4.2.8 counts distinct people: its
rows are the days each person was first served, which makes it additive too.

Unknown versus 0 is one rule for every indicator: `rows` counts whatever the indicator's
source recorded that day (events past their draft, membership applications, staff entries,
survey answers), counted or not; an indicator with no such row up to the day reported is
unknown ('no data'), otherwise its actual is what counted, 0 included.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from reports.indicators import CountInput, Observed, SurveyInput
from reports.periods import ISTANBUL, utc_bounds
from reports.plan import Plan, load_plan
from reports.stats import MIN_CELL_N, BreakdownCell, Tally, suppress_small
from storage.repositories import plan as plan_values
from storage.repositories import reports as store
from storage.repositories import surveys as survey_store

COLUMNS = ("code", "day", "value", "satisfied", "n", "rows", "skipped")
ENTRY_SOURCES = ("milestone", "aid")
EVENT_SOURCES = ("events", "training")
BREAKDOWNS = ("centre", "language", "role")


async def current_plan(session: AsyncSession, year: int, plan: Plan | None = None) -> Plan:
    """The plan file with the newest planned and baseline values set in the database."""
    plan = plan or load_plan()
    for code, figures in (await plan_values.current(session, year)).items():
        if any(i.code == code for i in plan.indicators):
            plan = plan.with_values(code, year, figures.planned, figures.baseline)
    return plan


async def daily_frame(
    session: AsyncSession, plan: Plan, first: date, last: date, zone: ZoneInfo = ISTANBUL
) -> pd.DataFrame:
    """One row per indicator and local day in [first, last] with what that day added."""
    start, end = utc_bounds(first, last, zone)
    parts: list[pd.DataFrame] = []
    surveys = {i.survey: i.code for i in plan.indicators if i.source == "survey" and i.survey}
    if surveys:
        days = await store.survey_days(session, list(surveys), first, last)
        parts.append(_frame([(surveys[s], d, 0.0, y, n, n, k) for s, d, y, n, k in days]))
    event_codes = {i.event_type: i.code for i in plan.indicators if i.source in EVENT_SOURCES and i.event_type}
    if event_codes:
        starts = await store.held_event_starts(session, list(event_codes), start, end)
        parts.append(_local_days([(event_codes[t], at, float(n), n) for t, at, n in starts], zone))
    # Events past their draft are the records of every event indicator, held or not.
    all_event_codes = {
        i.event_type: i.code for i in plan.indicators if i.source in (*EVENT_SOURCES, "attendance") and i.event_type
    }
    if all_event_codes:
        activity = await store.event_activity(session, list(all_event_codes), start, end)
        parts.append(_local_days([(all_event_codes[t], at, 0.0, n) for t, at, n in activity], zone))
    for indicator in plan.indicators:
        if indicator.source == "attendance" and indicator.event_type:
            firsts = await store.first_attendance(session, indicator.event_type, start, end)
            parts.append(_local_days([(indicator.code, at, float(n), n) for at, n in firsts], zone))
    entry_codes = [i.code for i in plan.indicators if i.source in ENTRY_SOURCES]
    if entry_codes:
        entries = await store.entry_days(session, entry_codes, first, last)
        parts.append(_frame([(c, d, q, 0, 0, n, 0) for c, d, q, n in entries]))
    for indicator in plan.indicators:
        if indicator.source == "registrations":
            members = await store.membership_days(session, first, last)
            parts.append(_frame([(indicator.code, d, float(n), 0, 0, n, 0) for d, n in members]))
            applied = await store.membership_activity(session, start, end)
            parts.append(_local_days([(indicator.code, at, 0.0, n) for at, n in applied], zone))
    frame = pd.concat([p for p in parts if not p.empty] or [_frame([])], ignore_index=True)
    return frame.groupby(["code", "day"], as_index=False).sum()


def _frame(rows: list[tuple[str, date, float, int, int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["day"] = pd.to_datetime(frame["day"])
    return frame.astype({"value": "float64", "satisfied": "int64", "n": "int64", "rows": "int64", "skipped": "int64"})


def _local_days(rows: list[tuple[str, object, float, int]], zone: ZoneInfo) -> pd.DataFrame:
    """(code, instant, value, records) to local calendar days, with the zone's real offsets
    (DST included)."""
    if not rows:
        return _frame([])
    codes, instants, values, records = zip(*rows)
    days = pd.to_datetime(list(instants), utc=True).tz_convert(zone).tz_localize(None).normalize()
    return _frame([(c, d, v, 0, 0, r, 0) for c, d, v, r in zip(codes, days, values, records)])


def observed_until(frame: pd.DataFrame, plan: Plan, last: date) -> dict[str, Observed]:
    """What `evaluate` needs, from the frame's rows up to and including `last`; an indicator
    whose source recorded nothing by then is left out (no data), never set to 0."""
    sums = frame[frame["day"] <= pd.Timestamp(last)].groupby("code")[["value", "satisfied", "n", "rows", "skipped"]].sum()
    totals = sums.to_dict("index")
    observed: dict[str, Observed] = {}
    for indicator in plan.indicators:
        row = totals.get(indicator.code)
        # Skips alone leave the indicator without data, but their count is still stated.
        if row is None or row["rows"] == row["skipped"] == 0:
            continue
        if indicator.source == "survey":
            observed[indicator.code] = SurveyInput(
                satisfied=int(row["satisfied"]), n=int(row["n"]), skipped=int(row["skipped"])
            )
        else:
            observed[indicator.code] = CountInput(float(row["value"]))
    return observed


async def observe(
    session: AsyncSession,
    *,
    first: date,
    last: date,
    zone: ZoneInfo = ISTANBUL,
    plan: Plan | None = None,
) -> dict[str, Observed]:
    """Observed inputs for `reports.indicators.evaluate` over the local days [first, last]."""
    plan = plan or load_plan()
    return observed_until(await daily_frame(session, plan, first, last, zone), plan, last)


async def observe_year(
    session: AsyncSession, year: int, *, zone: ZoneInfo = ISTANBUL, plan: Plan | None = None
) -> dict[str, Observed]:
    return await observe(session, first=date(year, 1, 1), last=date(year, 12, 31), zone=zone, plan=plan)


def actual_of(observed: Observed | None) -> float | None:
    """The number a manager reads: a count, or the satisfied share in percent (none of fewer
    than 5 answers, which is hidden)."""
    if observed is None:
        return None
    if isinstance(observed, SurveyInput):
        return None if observed.n < MIN_CELL_N else 100 * observed.satisfied / observed.n
    return observed.actual


def period_changes(
    frame: pd.DataFrame, plan: Plan, first: date, last: date, year_start: date
) -> dict[str, float | None]:
    """Year-to-date actual at the end of `last` minus at the end of the day before `first`
    (nothing when `first` is the year's first day). A count unknown at the start counts from
    0; a share unknown at either end has no change."""
    now = observed_until(frame, plan, last)
    before = observed_until(frame, plan, first - timedelta(days=1)) if first > year_start else {}
    changes: dict[str, float | None] = {}
    for indicator in plan.indicators:
        current, previous = actual_of(now.get(indicator.code)), actual_of(before.get(indicator.code))
        if previous is None and current is not None and indicator.unit != "percent":
            previous = 0.0
        changes[indicator.code] = None if current is None or previous is None else current - previous
    return changes


def week_ends(first: date, last: date) -> list[date]:
    """Every Sunday in [first, last], then `last` itself when it is not a Sunday."""
    day = first + timedelta(days=(6 - first.weekday()) % 7)
    ends = []
    while day <= last:
        ends.append(day)
        day += timedelta(days=7)
    if not ends or ends[-1] != last:
        ends.append(last)
    return ends


async def satisfaction_breakdown(
    session: AsyncSession, survey_id: str, first: date, last: date, by: str
) -> list[BreakdownCell]:
    """Satisfaction by centre, language or respondent role; cells under 5 answers hidden, and
    for an anonymous survey as many more as it takes that none can be worked out from the total."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; known: {', '.join(BREAKDOWNS)}")
    names = await store.centre_names(session) if by == "centre" else {}
    rows = await store.survey_breakdown(session, survey_id, first, last, by)
    tallies = [Tally(names.get(key, key) if key else "—", satisfied, n) for key, satisfied, n in rows]
    anonymous = await survey_store.is_anonymous(session, survey_id)
    return suppress_small(sorted(tallies, key=lambda tally: tally.key), complementary=anonymous)

