"""The attendance rows a check-in review reads (`storage.checkin_rows`): every row of some
events, and the same people's rows at other events around the same time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checkin_rows import CheckinRow
from storage.models import Attendance, Citizen, Event, Person, Registration

SELF = "self"
HELD = "held"


async def _read(session: AsyncSession, *conditions: ColumnElement[bool]) -> list[CheckinRow]:
    """The rows matching `conditions`, each with when its account was first seen (the person
    or their citizen row, whichever came first) and whether it held a place at the event."""
    registered = exists().where(
        Registration.event_id == Attendance.event_id,
        Registration.person_id == Attendance.person_id,
        Registration.status != "cancelled",
    )
    statement = (
        select(
            Attendance.id,
            Attendance.event_id,
            Event.type,
            Event.centre_id,
            Event.starts_at,
            Event.ends_at,
            Attendance.beneficiary_key,
            Attendance.kind,
            Attendance.recorded_at,
            Attendance.person_id,
            Person.display_name,
            Person.created_at,
            Citizen.created_at,
            registered,
        )
        .join(Event, Event.id == Attendance.event_id)
        .outerjoin(Person, Person.id == Attendance.person_id)
        .outerjoin(Citizen, Citizen.key == Person.citizen_key)
        .where(*conditions)
        .order_by(Attendance.id)
    )
    return [
        CheckinRow(
            attendance_id=row[0],
            event_id=row[1],
            event_type=row[2],
            centre_id=row[3],
            starts_at=row[4],
            ends_at=row[5],
            account=row[6],
            kind=row[7],
            recorded_at=row[8],
            person_id=row[9],
            name=row[10],
            first_seen=min((at for at in (row[11], row[12]) if at is not None), default=None),
            registered=bool(row[13]),
        )
        for row in (await session.execute(statement)).all()
    ]


def of_events(event_ids: Sequence[int]) -> ColumnElement[bool]:
    return Event.id.in_(event_ids)


def of_held(types: Sequence[str], start: datetime, end: datetime) -> ColumnElement[bool]:
    """Held events of these types starting in [start, end)."""
    return and_(Event.status == HELD, Event.type.in_(types), Event.starts_at >= start, Event.starts_at < end)


async def at_events(session: AsyncSession, which: ColumnElement[bool]) -> list[CheckinRow]:
    """Every attendance row of the events `which` selects."""
    return await _read(session, which)


async def same_people_around(
    session: AsyncSession,
    which: ColumnElement[bool],
    *,
    starts_before: datetime,
    ends_after: datetime,
    open_starts_after: datetime,
) -> list[CheckinRow]:
    """The rows, at any event that may overlap the given times, of the people who checked
    themselves in to the events `which` selects: events starting before `starts_before` that
    end after `ends_after`, or have no end and start after `open_starts_after`."""
    accounts = (
        select(Attendance.beneficiary_key)
        .join(Event, Event.id == Attendance.event_id)
        .where(which, Attendance.kind == SELF, Attendance.beneficiary_key.is_not(None))
        .correlate(None)  # a query of its own, not tied to the rows around it
    )
    return await _read(
        session,
        Attendance.beneficiary_key.in_(accounts),
        Event.starts_at < starts_before,
        or_(Event.ends_at > ends_after, and_(Event.ends_at.is_(None), Event.starts_at > open_starts_after)),
    )
