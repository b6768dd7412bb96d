"""Processed Telegram update ids: an update id is applied at most once.

A person with a conversation keeps their latest update ids in it (see `bot.chat.conversation.turn`);
this table holds the rest: first contacts, and updates after which nothing about the person
was kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import ProcessedUpdate
from storage.rowcount import changed_rows


async def claim(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Claim the update id: True the first time it is seen. The claim commits with the
    update's effects; the caller already holds the person's lock (`storage.person_lock`)."""
    statement = insert_ignoring_conflicts(session, ProcessedUpdate).values(update_id=update_id, processed_at=now)
    return changed_rows(await session.execute(statement)) == 1


async def record(session: AsyncSession, update_id: int, now: datetime) -> None:
    """Note an update as applied, e.g. by a turn after which nothing about the person is kept."""
    await record_many(session, [update_id], now)


async def record_many(session: AsyncSession, update_ids: list[int], now: datetime) -> None:
    rows = [{"update_id": update_id, "processed_at": now} for update_id in update_ids]
    await session.execute(insert_ignoring_conflicts(session, ProcessedUpdate), rows)


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Telegram never redelivers an update older than a day; old ids can go."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
    return changed_rows(result)
