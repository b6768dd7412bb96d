"""Keep no more than needed: idle conversations (half-finished surveys and the message ids of
a chat) after KENTBOT_RETENTION_DAYS, processed update ids after two days (Telegram never
redelivers older ones), and sent or expired outbox rows after thirty days. Each run is audited.
Chat trails (message ids kept for minutes before consent and after an erasure) are purged by
a job of their own every few minutes, unaudited: an audit entry would note when someone wrote."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services import Services, build_services
from storage.locks import lock_in_transaction
from storage.maintenance import scrub
from storage.models import AuditEntry, Conversation
from storage.repositories import audit, outbox, trails, updates
from storage.rowcount import changed_rows

log = logging.getLogger(__name__)

UPDATE_IDS_KEPT = timedelta(days=2)
SENT_OUTBOX_KEPT = timedelta(days=30)
# Several workers tick; one run in this window is enough.
MIN_INTERVAL = timedelta(minutes=50)
ACTION = "retention.run"


@dataclass(frozen=True)
class Removed:
    conversations: int
    update_ids: int
    outbox_rows: int


async def run_retention(session: AsyncSession, now: datetime, conversation_days: int, actor: str = "system") -> Removed:
    """Delete what is past its time and append one `retention.run` audit entry."""
    conversations = await session.execute(
        delete(Conversation).where(Conversation.updated_at < now - timedelta(days=conversation_days))
    )
    removed = Removed(
        conversations=changed_rows(conversations),
        update_ids=await updates.forget_before(session, now - UPDATE_IDS_KEPT),
        outbox_rows=await outbox.delete_sent_before(session, now - SENT_OUTBOX_KEPT),
    )
    await audit.append(
        session,
        at=now,
        actor=actor,
        action=ACTION,
        object_type="database",
        object_id=None,
        after={**asdict(removed), "conversation_days": conversation_days},
    )
    return removed


async def ran_recently(session: AsyncSession, now: datetime) -> bool:
    statement = select(AuditEntry.id).where(AuditEntry.action == ACTION, AuditEntry.at > now - MIN_INTERVAL).limit(1)
    return (await session.execute(statement)).first() is not None


async def run_once(services: Services, actor: str = "system") -> Removed | None:
    """One run across all workers: the lock serialises them and the audit log says who already ran."""
    now = services.clock()
    async with services.sessions.begin() as session:
        await lock_in_transaction(session, ACTION)
        if await ran_recently(session, now):
            return None
        removed = await run_retention(session, now, services.settings.retention_days, actor)
    await scrub(services.engine, ("conversations",))
    return removed


async def run_now(settings: Settings) -> int:
    """`kentbot retention`: one run now, whatever ran before."""
    services = build_services(settings)
    try:
        async with services.sessions.begin() as session:
            removed = await run_retention(session, services.clock(), settings.retention_days, actor="cli")
        await scrub(services.engine, ("conversations",))
    finally:
        await services.close()
    print(
        f"removed {removed.conversations} idle conversations, {removed.update_ids} processed update ids, "
        f"{removed.outbox_rows} sent outbox messages"
    )
    return 0


async def purge_trails(services: Services) -> int:
    async with services.sessions.begin() as session:
        return await trails.purge(session, services.clock())


async def trails_job(context: Any) -> None:
    await purge_trails(context.bot_data["services"])


async def retention_job(context: Any) -> None:
    removed = await run_once(context.bot_data["services"])
    if removed is not None:
        log.info("retention removed %s", removed)
