"""Periodic staff-side work: the day-before event reminders."""

from __future__ import annotations

from typing import Any

from bot.chat import notices
from bot.services import Services
from services import registrations


async def queue_reminders(services: Services) -> int:
    """Idempotent by the outbox dedupe key: safe on every worker and after every restart."""
    async with services.sessions.begin() as session:
        now = services.clock()
        due = await registrations.due_reminders(session, zone=services.zone, now=now)
        return await notices.queue(session, due, zone=services.zone, now=now)


async def reminders_job(context: Any) -> None:
    await queue_reminders(context.bot_data["services"])
