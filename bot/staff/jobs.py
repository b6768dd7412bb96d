"""Periodic staff-side work: the day-before event reminders."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.staff import registrations


async def queue_reminders(services: Services) -> int:
    """Idempotent by the outbox dedupe key: safe on every worker and after every restart."""
    async with services.sessions.begin() as session:
        return await registrations.enqueue_reminders(session, zone=services.zone, now=services.clock())


async def reminders_job(context: Any) -> None:
    await queue_reminders(context.bot_data["services"])
