"""The durable outbox: everything that is not a direct reply is queued here in the same
transaction as the change that caused it, and a drainer sends it within Telegram's limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignoring_conflicts
from storage.models import OutboxMessage


async def enqueue(
    session: AsyncSession,
    *,
    dedupe_key: str,
    chat_id: int,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime,
    now: datetime,
) -> bool:
    """Queue one message; False when a message with this dedupe key was queued before.

    `payload` holds what the drainer needs: {"text": ..., "reply_markup": ...} for a message,
    {"document": {"file_name", "content_b64"}, "caption"} or {"photo": ...} for files.
    """
    statement = insert_ignoring_conflicts(session, OutboxMessage).values(
        dedupe_key=dedupe_key,
        chat_id=chat_id,
        kind=kind,
        payload=payload,
        status="pending",
        attempts=0,
        not_before=not_before,
        created_at=now,
    )
    return (await session.execute(statement)).rowcount == 1
