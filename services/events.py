"""Events: created and published by staff for their centres, cancelled or moved with notice
to everyone registered. An event counts toward its indicator once it is `held`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.notices import EventNotice
from services.refusal import Refusal
from services.roles import Actor, require
from storage.models import Centre, Event
from storage.repositories import audit
from storage.repositories import events as event_store

# Event type -> the indicator it counts toward and the centre types that hold it (None: any).
EVENT_TYPES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "children_youth": ("4.2.2", ("children_youth_centre", "masal_evi", "youth_centre")),
    "gender_training": ("4.2.4", None),
    "women": ("4.2.7", ("women_centre",)),
    "disability_activity": ("4.2.8", ("disability_centre",)),
    "healthy_ageing_course": ("4.2.10", ("healthy_ageing_centre",)),
}
AUDIENCES = ("everyone", "women", "children", "youth", "older", "disabled", "families")
MAX_CAPACITY = 5000
_LOCAL = re.compile(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2})[:.](\d{2})\s*")


def parse_local(text: str, zone: ZoneInfo) -> datetime | None:
    """'28.11.2026 14:00' in local time -> an aware UTC time, or None when it is no such time."""
    match = _LOCAL.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute = (int(part) for part in match.groups())
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(timezone.utc)


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def centre_fits(event_type: str, centre_type: str) -> bool:
    allowed = EVENT_TYPES[event_type][1]
    return allowed is None or centre_type in allowed


def snapshot(event: Event) -> dict[str, Any]:
    """What the audit log keeps of an event."""
    return {
        "type": event.type, "centre_id": event.centre_id, "title": event.title,
        "starts_at": event.starts_at.isoformat(), "place": event.place, "capacity": event.capacity,
        "audience": event.audience, "language": event.language, "status": event.status,
        "headcount": event.headcount,
    }


@dataclass(frozen=True)
class Draft:
    type: str
    centre_id: str
    title: str
    starts_at: datetime
    place: str
    capacity: int | None
    audience: str
    language: str


async def create(session: AsyncSession, actor: Actor | None, draft: Draft, *, publish: bool, now: datetime) -> Event:
    require(actor, "event.create", draft.centre_id)
    assert actor is not None
    if draft.type not in EVENT_TYPES:
        raise Refusal("type")
    centre = await session.get(Centre, draft.centre_id)
    if centre is None or not centre.active or not centre_fits(draft.type, centre.type):
        raise Refusal("centre")
    if draft.starts_at <= now:
        raise Refusal("past")
    if draft.capacity is not None and not 1 <= draft.capacity <= MAX_CAPACITY:
        raise Refusal("capacity")
    if not draft.title.strip() or len(draft.title) > 200 or not draft.place.strip() or len(draft.place) > 200:
        raise Refusal("text")
    event = Event(
        centre_id=draft.centre_id, type=draft.type, title=draft.title.strip(), starts_at=draft.starts_at,
        place=draft.place.strip(), capacity=draft.capacity, audience=draft.audience, language=draft.language,
        status="draft", created_by=actor.staff_id, created_at=now,
    )
    session.add(event)
    await session.flush()
    await audit.append(
        session, at=now, actor=actor.label, action="event.create", object_type="event", object_id=str(event.id),
        after=snapshot(event),
    )
    if publish:
        await _publish(session, actor, event, now)
    return event


async def publish(session: AsyncSession, actor: Actor | None, event_id: int, now: datetime) -> Event:
    event = await _locked(session, event_id)
    actor = require(actor, "event.publish", event.centre_id)
    if event.status != "draft":
        raise Refusal("state")
    await _publish(session, actor, event, now)
    return event


async def _publish(session: AsyncSession, actor: Actor, event: Event, now: datetime) -> None:
    before = snapshot(event)
    event.status = "published"
    await audit.append(
        session, at=now, actor=actor.label, action="event.publish", object_type="event", object_id=str(event.id),
        before=before, after=snapshot(event),
    )


async def cancel(session: AsyncSession, actor: Actor | None, event_id: int, *, now: datetime) -> list[EventNotice]:
    """Cancel; returns the notices owed to everyone registered."""
    event = await _locked(session, event_id)
    actor = require(actor, "event.cancel", event.centre_id)
    if event.status not in ("draft", "published"):
        raise Refusal("state")
    before = snapshot(event)
    event.status = "cancelled"
    await audit.append(
        session, at=now, actor=actor.label, action="event.cancel", object_type="event", object_id=str(event.id),
        before=before, after=snapshot(event),
    )
    return await _tell_registered(session, event, "cancelled")


async def move(
    session: AsyncSession, actor: Actor | None, event_id: int, starts_at: datetime, *, now: datetime
) -> list[EventNotice]:
    """Move to a new time; returns the notices owed to everyone registered."""
    event = await _locked(session, event_id)
    actor = require(actor, "event.move", event.centre_id)
    if event.status not in ("draft", "published"):
        raise Refusal("state")
    if starts_at <= now:
        raise Refusal("past")
    before = snapshot(event)
    event.starts_at = starts_at
    await audit.append(
        session, at=now, actor=actor.label, action="event.move", object_type="event", object_id=str(event.id),
        before=before, after=snapshot(event),
    )
    return await _tell_registered(session, event, "moved")


async def _tell_registered(session: AsyncSession, event: Event, what: str) -> list[EventNotice]:
    told = []
    for _registration, person in await event_store.registered_people(session, event.id):
        key = f"event-{what}:{event.id}:{person.id}"
        if what == "moved":
            key += f":{event.starts_at.isoformat()}"
        told.append(EventNotice(what, event, person, key))
    return told


async def _locked(session: AsyncSession, event_id: int) -> Event:
    event = await event_store.event_for_update(session, event_id)
    if event is None:
        raise Refusal("unknown")
    return event

