"""Events, registrations and attendance rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, Event, Person, Registration


async def event_for_update(session: AsyncSession, event_id: int) -> Event | None:
    """The event row, locked until the transaction ends (PostgreSQL; SQLite writers queue)."""
    statement = select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    return (await session.execute(statement)).scalar_one_or_none()


async def upcoming(
    session: AsyncSession, now: datetime, *, centre_id: str | None = None, event_type: str | None = None, limit: int = 20
) -> Sequence[Event]:
    statement = select(Event).where(Event.status == "published", Event.starts_at > now)
    if centre_id is not None:
        statement = statement.where(Event.centre_id == centre_id)
    if event_type is not None:
        statement = statement.where(Event.type == event_type)
    return (await session.execute(statement.order_by(Event.starts_at, Event.id).limit(limit))).scalars().all()


async def for_centres(session: AsyncSession, centre_ids: Sequence[str] | None, since: datetime, limit: int = 20) -> Sequence[Event]:
    """Events of these centres (all centres for None) starting after `since`, soonest first."""
    statement = select(Event).where(Event.starts_at >= since, Event.status != "cancelled")
    if centre_ids is not None:
        statement = statement.where(Event.centre_id.in_(centre_ids))
    return (await session.execute(statement.order_by(Event.starts_at, Event.id).limit(limit))).scalars().all()


async def for_centres_between(
    session: AsyncSession, centre_ids: Sequence[str] | None, start: datetime, end: datetime
) -> Sequence[Event]:
    """Events of these centres (all centres for None) starting in [start, end), as for_centres
    leaves out cancelled ones; soonest first. A calendar month's worth, so no limit."""
    statement = select(Event).where(Event.starts_at >= start, Event.starts_at < end, Event.status != "cancelled")
    if centre_ids is not None:
        statement = statement.where(Event.centre_id.in_(centre_ids))
    return (await session.execute(statement.order_by(Event.starts_at, Event.id))).scalars().all()


async def starting_between(session: AsyncSession, start: datetime, end: datetime) -> Sequence[Event]:
    statement = select(Event).where(Event.status == "published", Event.starts_at >= start, Event.starts_at < end)
    return (await session.execute(statement.order_by(Event.id))).scalars().all()


async def registration(session: AsyncSession, event_id: int, person_id: int) -> Registration | None:
    statement = select(Registration).where(Registration.event_id == event_id, Registration.person_id == person_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def count_confirmed(session: AsyncSession, event_id: int) -> int:
    statement = select(func.count()).where(Registration.event_id == event_id, Registration.status == "confirmed")
    return (await session.execute(statement)).scalar_one()


async def next_position(session: AsyncSession, event_id: int) -> int:
    statement = select(func.coalesce(func.max(Registration.position), 0)).where(Registration.event_id == event_id)
    return (await session.execute(statement)).scalar_one() + 1


async def first_waiting(session: AsyncSession, event_id: int) -> Registration | None:
    statement = (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == "waiting")
        .order_by(Registration.position)
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def registered_people(
    session: AsyncSession, event_id: int, statuses: Sequence[str] = ("confirmed", "waiting")
) -> Sequence[tuple[Registration, Person]]:
    statement = (
        select(Registration, Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.event_id == event_id, Registration.status.in_(statuses))
        .order_by(Registration.position)
    )
    return [(r, p) for r, p in (await session.execute(statement)).all()]


async def attended_people(session: AsyncSession, event_id: int) -> set[int]:
    statement = select(Attendance.person_id).where(Attendance.event_id == event_id, Attendance.person_id.is_not(None))
    return set((await session.execute(statement)).scalars())  # type: ignore[arg-type]  # SQL keeps set ids


async def attendance_count(session: AsyncSession, event_id: int) -> int:
    return (await session.execute(select(func.count()).where(Attendance.event_id == event_id))).scalar_one()


async def attendance_row(session: AsyncSession, event_id: int, beneficiary_key: str) -> Attendance | None:
    statement = select(Attendance).where(Attendance.event_id == event_id, Attendance.beneficiary_key == beneficiary_key)
    return (await session.execute(statement)).scalar_one_or_none()


async def person_by_telegram(session: AsyncSession, telegram_user_id: int) -> Person | None:
    statement = select(Person).where(Person.telegram_user_id == telegram_user_id)
    return (await session.execute(statement)).scalar_one_or_none()
