"""Registrations for events: identified people, a capacity that holds under concurrency, a
waiting list that moves up by itself, and a reminder the day before, sent once, in the daytime.

The event row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions begin
IMMEDIATE and so run one at a time) before places are counted, so two people can never take
the last place together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.notices import EventNotice
from services.refusal import Refusal
from storage.models import Event, Person, Registration
from storage.repositories import events as event_store

# Reminders are queued and sent only between these local times: never at night, never with a
# sound that wakes the house, never "tomorrow" said after midnight.
DAY_STARTS, DAY_ENDS = time(9, 0), time(20, 0)


async def ensure_person(
    session: AsyncSession, *, citizen_key: str, telegram_user_id: int, display_name: str, language: str, now: datetime
) -> Person:
    """The person behind this chat, created on their first identified service."""
    person = await event_store.person_by_telegram(session, telegram_user_id)
    if person is None:
        person = Person(
            citizen_key=citizen_key, telegram_user_id=telegram_user_id, display_name=display_name[:200],
            language=language, created_at=now,
        )
        session.add(person)
        await session.flush()
    else:
        person.language = language
    return person


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    new: bool


@dataclass(frozen=True)
class Promotion:
    """The first on the waiting list got the freed place, and is owed a notice."""

    registration: Registration
    notice: EventNotice


async def register(session: AsyncSession, *, event_id: int, person_id: int, now: datetime) -> Outcome:
    """Confirm a place, or queue on the waiting list when the event is full."""
    event = await event_store.event_for_update(session, event_id)
    if event is None or event.status != "published" or event.starts_at <= now:
        raise Refusal("closed")
    existing = await event_store.registration(session, event_id, person_id)
    if existing is not None and existing.status != "cancelled":
        return Outcome(existing, new=False)
    full = event.capacity is not None and await event_store.count_confirmed(session, event_id) >= event.capacity
    status = "waiting" if full else "confirmed"
    position = await event_store.next_position(session, event_id)
    if existing is None:
        existing = Registration(event_id=event_id, person_id=person_id, status=status, position=position, created_at=now)
        session.add(existing)
    else:
        existing.status, existing.position, existing.created_at = status, position, now
    await session.flush()
    return Outcome(existing, new=True)


async def cancel(session: AsyncSession, *, event_id: int, person_id: int, now: datetime) -> Promotion | None:
    """Give up a place; the first on the waiting list gets it. Returns that promotion."""
    event = await event_store.event_for_update(session, event_id)
    registration = await event_store.registration(session, event_id, person_id)
    if event is None or registration is None or registration.status == "cancelled":
        raise Refusal("not_registered")
    freed = registration.status == "confirmed"
    registration.status = "cancelled"
    await session.flush()
    if not freed or event.status != "published" or event.starts_at <= now:
        return None
    promoted = await event_store.first_waiting(session, event_id)
    if promoted is None:
        return None
    promoted.status = "confirmed"
    person = await session.get(Person, promoted.person_id)
    assert person is not None
    await session.flush()
    return Promotion(promoted, EventNotice("promoted", event, person, f"promoted:{promoted.id}:{promoted.position}"))


async def due_reminders(session: AsyncSession, *, zone: ZoneInfo, now: datetime) -> list[EventNotice]:
    """The day-before reminder for every confirmed place of tomorrow's events, in the
    daytime only: outside it none is due, and a reminder the drainer has not sent by the
    end of the day expires unsent.

    The dedupe key makes this idempotent: run it every few minutes, on several workers,
    across restarts, and each person is reminded once per day the event is held on, so an
    event moved to another day is reminded of again.
    """
    local = now.astimezone(zone)
    if not DAY_STARTS <= local.time() < DAY_ENDS:
        return []
    tomorrow = local.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0, 0), tzinfo=zone)
    until = datetime.combine(local.date(), DAY_ENDS, tzinfo=zone)
    due = []
    for event in await event_store.starting_between(session, start, start + timedelta(days=1)):
        due += await _remind(session, event, zone=zone, until=until)
    return due


async def _remind(session: AsyncSession, event: Event, *, zone: ZoneInfo, until: datetime) -> list[EventNotice]:
    day = event.starts_at.astimezone(zone).date().isoformat()
    return [
        EventNotice("reminder", event, person, f"reminder:{event.id}:{person.id}:{day}", expires_at=until)
        for _registration, person in await event_store.registered_people(session, event.id, ("confirmed",))
    ]
