"""The self check-ins flagged for review (`reports.checkin_flags`) at some events, read from
the database: every row of those events and the same people's rows at events of the same time.
What staff see on an event's screen, and what the report warns about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from reports.checkin_flags import ASSUMED_HOURS, SELF, flag, span
from reports.model import ReportWarning
from storage.checkin_rows import CheckinRow
from storage.repositories import checkins


@dataclass(frozen=True)
class Flagged:
    """A self check-in and the rules that flag it, in `reports.checkin_flags.RULES` order."""

    row: CheckinRow
    reasons: tuple[str, ...]


async def at_events(session: AsyncSession, event_ids: Sequence[int]) -> list[Flagged]:
    """The flagged check-ins of these events, in the order they were recorded."""
    return await _flagged(session, checkins.of_events(event_ids))


async def at_held(session: AsyncSession, types: Sequence[str], start: datetime, end: datetime) -> list[Flagged]:
    """The flagged check-ins of held events of these types starting in [start, end)."""
    return await _flagged(session, checkins.of_held(types, start, end))


async def _flagged(session: AsyncSession, which: ColumnElement[bool]) -> list[Flagged]:
    rows = await checkins.at_events(session, which)
    spans = [span(row.starts_at, row.ends_at) for row in rows if row.kind == SELF]
    if not spans:
        return []
    since = min(starts for starts, _ in spans)
    around = await checkins.same_people_around(
        session,
        which,
        starts_before=max(ends for _, ends in spans),
        ends_after=since,
        open_starts_after=since - timedelta(hours=ASSUMED_HOURS),
    )
    flags = flag({row.attendance_id: row for row in [*rows, *around]}.values())
    found = [Flagged(row, flags[row.attendance_id]) for row in rows if row.attendance_id in flags]
    return sorted(found, key=lambda f: (f.row.recorded_at, f.row.attendance_id))


def flagged_warning(flagged: Sequence[Flagged], codes: Mapping[str, str]) -> tuple[ReportWarning, ...]:
    """The warning that N check-ins are flagged for review, with how many behind each indicator
    (`codes`: the indicator of each event type, in the plan's order). They are counted, not dropped."""
    counted = Counter(codes[f.row.event_type] for f in flagged if f.row.event_type in codes)
    if not counted:
        return ()
    subjects = tuple(f"{code} (n={counted[code]})" for code in codes.values() if code in counted)
    return (ReportWarning("flagged_checkins", subjects, count=sum(counted.values())),)
