"""Processed Telegram update ids: an update id is applied at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import ProcessedUpdate


async def claim(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """True the first time an update id is seen; the claim commits with the update's effects."""
    statement = insert_ignoring_conflicts(session, ProcessedUpdate).values(update_id=update_id, processed_at=now)
    result = await session.execute(statement)
    return result.rowcount == 1


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Telegram never redelivers an update older than a day; old ids can go."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
    return result.rowcount
