"""`kentbot event qr EVENT_ID`: the check-in QR code to show at an event."""

from __future__ import annotations

import sys

import qrcode

from bot.config import Settings
from bot.staff.attendance import checkin_payload
from bot.staff.events import local_text
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
    url = f"https://t.me/{bot_username.lstrip('@')}?start={checkin_payload(settings.resolved_secret(), event_id)}"
    qrcode.make(url).save(out)
    print(url)
    print(f"QR code for {event.title!r} ({local_text(event.starts_at, settings.zone)}) written to {out}; it works 2 hours either side of the start")
    return 0
