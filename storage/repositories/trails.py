"""Chat trails: the message ids of a chat whose person has no conversation row (before consent,
after an erasure), kept for minutes so the safe exit can still clear that chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name
from storage.models import ChatTrail
from storage.rowcount import changed_rows


async def keep(session: AsyncSession, key: str, message_ids: list[int], expires_at: datetime) -> None:
    """Replace the trail with these ids (the caller passes the whole list)."""
    module = postgresql if dialect_name(session) == "postgresql" else sqlite
    statement = module.insert(ChatTrail).values(key=key, message_ids=message_ids, expires_at=expires_at)
    statement = statement.on_conflict_do_update(
        index_elements=[ChatTrail.key], set_={"message_ids": message_ids, "expires_at": expires_at}
    )
    await session.execute(statement)


async def drop(session: AsyncSession, key: str) -> None:
    await session.execute(delete(ChatTrail).where(ChatTrail.key == key))


async def purge(session: AsyncSession, now: datetime) -> int:
    return changed_rows(await session.execute(delete(ChatTrail).where(ChatTrail.expires_at <= now)))
