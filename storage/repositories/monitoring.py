"""What an operator's health check reads: the outbox backlog and the latest weekly report.
Counts and times only, nothing about any person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, ReportRun
from storage.repositories.outbox import PENDING


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_due: datetime | None


async def outbox_backlog(session: AsyncSession, now: datetime) -> Backlog:
    """Rows due by `now` that wait to be sent; rows scheduled for later are not late."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.not_before)).where(
                OutboxMessage.status == PENDING, OutboxMessage.not_before <= now
            )
        )
    ).one()
    return Backlog(pending=int(count), oldest_due=oldest)


async def last_weekly_report(session: AsyncSession) -> datetime | None:
    """When the latest weekly report was queued (its week claimed), or None if never."""
    return (await session.execute(select(func.max(ReportRun.ran_at)))).scalar()
