"""Processed Telegram update ids: an update id is applied at most once.

A person with a conversation keeps their latest update ids in it (see `bot.chat.conversation.turn`);
this table holds the rest: first contacts, and updates after which nothing about the person
was kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import Executor, dialect_name
from storage.models import ProcessedUpdate
from storage.rowcount import changed_rows

# Built once for each database: a turn runs it, and a statement built per call costs its
# construction and its cache key every time. The values are bound at execution.
# On the table, not the mapped class: a session runs it as a Core statement too.
_processed = ProcessedUpdate.__table__
_RECORD = {
    "postgresql": postgresql.insert(_processed).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_processed).on_conflict_do_nothing(),
}


async def claim(session: Executor, update_id: int, now: datetime) -> bool:
    """Claim the update id: True the first time it is seen. The claim commits with the
    update's effects; the caller already holds the person's lock (`storage.person_lock`)."""
    result = await session.execute(_RECORD[dialect_name(session)], {"update_id": update_id, "processed_at": now})
    return changed_rows(result) == 1


async def record(session: Executor, update_id: int, now: datetime) -> None:
    """Note an update as applied, e.g. by a turn after which nothing about the person is kept."""
    await session.execute(_RECORD[dialect_name(session)], {"update_id": update_id, "processed_at": now})


async def record_many(session: Executor, update_ids: list[int], now: datetime) -> None:
    rows = [{"update_id": update_id, "processed_at": now} for update_id in update_ids]
    await session.execute(_RECORD[dialect_name(session)], rows)


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Telegram never redelivers an update older than a day; old ids can go."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
    return changed_rows(result)
