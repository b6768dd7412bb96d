"""`kentbot event list` and `kentbot event qr EVENT_ID`: events in local time, and the check-in
QR code of one as it is now (it changes every 30 seconds; at the event, staff show it from the
bot)."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.checkin_qr import checkin_link, png
from bot.config import Settings
from services.events import local_text
from storage.database import create_engine, session_factory
from storage.models import Event


async def qr(settings: Settings, *, event_id: int, bot_username: str, out: str) -> int:
    engine = create_engine(settings.resolved_database_url())
    try:
        async with session_factory(engine)() as session:
            event = await session.get(Event, event_id)
    finally:
        await engine.dispose()
    if event is None:
        print(f"kentbot: no event {event_id}", file=sys.stderr)
        return 1
    url = checkin_link(bot_username, settings.resolved_secret(), event_id, datetime.now(settings.zone))
    Path(out).write_bytes(png(url))
    print(url)
    print(
        f"QR code for {event.title!r} ({local_text(event.starts_at, settings.zone)}) written to {out}; it is accepted for "
        "about a minute: at the event, staff show the current code with the bot's 'Show the check-in code' button"
    )
    return 0


LISTED_DAYS = 30


async def list_events(settings: Settings, *, first: date | None, last: date | None, centre: str | None) -> int:
    """Events starting between local midnight of `first` and the end of `last`, one a line:
    id, local start with the zone, centre, type, status, registrations capacity, title."""
    zone = settings.zone
    first = first or datetime.now(zone).date()
    last = last or first + timedelta(days=LISTED_DAYS)
    if last < first:
        print("kentbot: event list: --to is before --from", file=sys.stderr)
        return 2
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    statement = select(Event).where(Event.starts_at >= start, Event.starts_at < end).order_by(Event.starts_at, Event.id)
    if centre is not None:
        statement = statement.where(Event.centre_id == centre)
    engine = create_engine(settings.resolved_database_url())
    try:
        async with session_factory(engine)() as session:
            events = list((await session.execute(statement)).scalars())
    finally:
        await engine.dispose()
    for event in events:
        local = event.starts_at.astimezone(zone)
        capacity = "-" if event.capacity is None else str(event.capacity)
        print(
            f"{event.id}\t{local:%Y-%m-%d %H:%M} {local.tzname()}\t{event.centre_id}\t{event.type}\t{event.status}\t"
            f"capacity {capacity}\t{event.title}"
        )
    return 0

