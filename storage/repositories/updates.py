"""Processed Telegram update ids: an update id is applied at most once.

A person with a conversation keeps their latest update ids in it (see `bot.conversation.turn`);
this table holds the rest: first contacts, and updates after which nothing about the person
was kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name, insert_ignoring_conflicts
from storage.locks import lock_id
from storage.models import ProcessedUpdate


async def claim(session: AsyncSession, update_id: int, now: datetime, *, person: str) -> bool:
    """Lock the person for the rest of the transaction, then claim the update id: True the
    first time it is seen. The claim commits with the update's effects.

    PostgreSQL takes the person's advisory lock inside the same statement (one round trip on
    every update); SQLite's transactions already run one at a time.
    """
    if dialect_name(session) != "postgresql":
        statement = insert_ignoring_conflicts(session, ProcessedUpdate).values(update_id=update_id, processed_at=now)
        return (await session.execute(statement)).rowcount == 1
    table = ProcessedUpdate.__table__
    person_lock = select(func.pg_advisory_xact_lock(bindparam("lock", lock_id(person), BigInteger))).cte("person_lock")
    row = select(
        bindparam("update_id", update_id, BigInteger), bindparam("processed_at", now, table.c.processed_at.type)
    ).select_from(person_lock)
    statement = postgresql.insert(table).from_select(["update_id", "processed_at"], row).on_conflict_do_nothing()
    return (await session.execute(statement)).rowcount == 1


async def record(session: AsyncSession, update_id: int, now: datetime) -> None:
    """Note an update as applied when the person is already locked (nothing else is taken)."""
    await record_many(session, [update_id], now)


async def record_many(session: AsyncSession, update_ids: list[int], now: datetime) -> None:
    rows = [{"update_id": update_id, "processed_at": now} for update_id in update_ids]
    await session.execute(insert_ignoring_conflicts(session, ProcessedUpdate), rows)


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Telegram never redelivers an update older than a day; old ids can go."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
    return result.rowcount
