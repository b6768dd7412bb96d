"""`kentbot audit --since DATE`: the audit log, one action per line, oldest first."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.config import Settings
from storage.database import create_engine, session_factory
from storage.models import AuditEntry
from storage.repositories import audit


def format_entry(entry: AuditEntry, zone: ZoneInfo) -> str:
    """One line; the time is local, with its UTC offset, like every time kentbot prints."""
    changes = json.dumps({"before": entry.before, "after": entry.after}, ensure_ascii=False, sort_keys=True)
    at = entry.at.astimezone(zone).isoformat(timespec="seconds")
    return f"{at}\t{entry.actor}\t{entry.action}\t{entry.object_type}:{entry.object_id or '-'}\t{changes}"


async def list_since(settings: Settings, since: date) -> int:
    """Local midnight of `since` in the municipality's time zone is the start."""
    start = datetime.combine(since, time.min, tzinfo=settings.zone)
    engine = create_engine(settings.resolved_database_url())
    try:
        async with session_factory(engine)() as session:
            for entry in await audit.since(session, start):
                print(format_entry(entry, settings.zone))
    finally:
        await engine.dispose()
    return 0
