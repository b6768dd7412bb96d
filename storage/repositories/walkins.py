"""Walk-in identities and what staff need to tell them apart: the last event each one
attended, never a name (none is stored) nor a Telegram id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, AuditEntry, Event, Person, Registration, Walkin
from storage.rowcount import changed_rows


@dataclass(frozen=True)
class WalkinSummary:
    """A walk-in identity as staff choose between them: how often and when they last came."""

    walkin_id: int
    attended: int
    last_at: datetime | None
    last_title: str | None
    person_id: int | None


@dataclass(frozen=True)
class RegisteredAttendee:
    """A registered person seen at a centre (attended or holds a place), with their last event there."""

    person_id: int
    display_name: str
    last_at: datetime
    last_title: str


async def for_update(session: AsyncSession, walkin_id: int) -> Walkin | None:
    return await session.get(Walkin, walkin_id, with_for_update=True)


async def summaries(session: AsyncSession, walkin_ids: Sequence[int]) -> list[WalkinSummary]:
    """The walk-ins in `walkin_ids`, oldest first, each with its attendance count and last event."""
    if not walkin_ids:
        return []
    latest = func.row_number().over(partition_by=Attendance.walkin_id, order_by=(Event.starts_at.desc(), Attendance.id.desc()))
    ranked = (
        select(
            Attendance.walkin_id.label("walkin_id"),
            Event.starts_at.label("starts_at"),
            Event.title.label("title"),
            func.count().over(partition_by=Attendance.walkin_id).label("attended"),
            latest.label("rank"),
        )
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.walkin_id.in_(walkin_ids))
        .subquery()
    )
    statement = (
        select(Walkin.id, ranked.c.attended, ranked.c.starts_at, ranked.c.title, Walkin.person_id)
        .outerjoin(ranked, (ranked.c.walkin_id == Walkin.id) & (ranked.c.rank == 1))
        .where(Walkin.id.in_(walkin_ids))
        .order_by(Walkin.id)
    )
    return [
        WalkinSummary(walkin_id, int(attended or 0), last_at, title, person_id)
        for walkin_id, attended, last_at, title, person_id in (await session.execute(statement)).all()
    ]


async def same_name(session: AsyncSession, centre_id: str, name_key: str) -> list[WalkinSummary]:
    """Every walk-in identity at the centre recorded under this name."""
    ids = (
        await session.execute(select(Walkin.id).where(Walkin.centre_id == centre_id, Walkin.name_key == name_key))
    ).scalars().all()
    return await summaries(session, ids)


async def create(session: AsyncSession, *, centre_id: str, name_key: str, beneficiary_key: str, now: datetime) -> Walkin:
    walkin = Walkin(centre_id=centre_id, name_key=name_key, beneficiary_key=beneficiary_key, created_at=now)
    session.add(walkin)
    await session.flush()
    return walkin


async def attendance_of(session: AsyncSession, walkin_id: int) -> Sequence[Attendance]:
    statement = select(Attendance).where(Attendance.walkin_id == walkin_id).order_by(Attendance.id)
    return (await session.execute(statement)).scalars().all()


async def events_attended_with(session: AsyncSession, beneficiary_key: str) -> set[int]:
    statement = select(Attendance.event_id).where(Attendance.beneficiary_key == beneficiary_key)
    return set((await session.execute(statement)).scalars().all())


async def registered_at_centre(session: AsyncSession, centre_id: str) -> list[RegisteredAttendee]:
    """Registered people who attended, or hold a confirmed place at, an event of the centre."""
    attended = select(Attendance.person_id.label("person_id"), Attendance.event_id.label("event_id")).where(
        Attendance.person_id.is_not(None)
    )
    placed = select(Registration.person_id.label("person_id"), Registration.event_id.label("event_id")).where(
        Registration.person_id.is_not(None), Registration.status == "confirmed"
    )
    seen = attended.union(placed).subquery()
    latest = func.row_number().over(partition_by=seen.c.person_id, order_by=(Event.starts_at.desc(), Event.id.desc()))
    ranked = (
        select(seen.c.person_id, Event.starts_at, Event.title, latest.label("rank"))
        .join(Event, Event.id == seen.c.event_id)
        .where(Event.centre_id == centre_id)
        .subquery()
    )
    statement = (
        select(Person.id, Person.display_name, ranked.c.starts_at, ranked.c.title)
        .join(ranked, ranked.c.person_id == Person.id)
        .where(ranked.c.rank == 1)
        .order_by(Person.id)
    )
    return [RegisteredAttendee(*row) for row in (await session.execute(statement)).all()]


async def last_merge(session: AsyncSession, walkin_id: int) -> AuditEntry | None:
    """The audit entry of the walk-in's latest merge: what it folded is restored from it."""
    statement = (
        select(AuditEntry)
        .where(AuditEntry.action == "attendance.merge", AuditEntry.object_type == "walkin", AuditEntry.object_id == str(walkin_id))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def forget_linked(session: AsyncSession, person_id: int) -> int:
    """On erasure, the walk-in identities merged into the person go: they were that person, and
    their name key could lead back to them."""
    linked = select(Walkin.id).where(Walkin.person_id == person_id).scalar_subquery()
    await session.execute(update(Attendance).where(Attendance.walkin_id.in_(linked)).values(walkin_id=None))
    return changed_rows(await session.execute(delete(Walkin).where(Walkin.person_id == person_id)))
