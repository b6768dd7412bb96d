"""The event page's self check-ins flagged for review (`reports.checkin_flags`): who, when and
why, as the chat's event screen lists them. Staff take one back from the chat."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from reports import checkin_review
from reports.labels import flags_text

DASH = "—"


async def flagged_view(session: AsyncSession, event_id: int, lang: str, zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "id": found.row.attendance_id,
            "name": found.row.name or DASH,
            "at": f"{found.row.recorded_at.astimezone(zone):%d.%m.%Y %H:%M:%S}",
            "why": flags_text(found.reasons, lang),
        }
        for found in await checkin_review.at_events(session, [event_id])
    ]
