"""The append-only audit log: every staff, manager and admin action, with before and after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


async def append(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record one action; `action` is a dotted name such as `plan.set` or `event.publish`."""
    session.add(
        AuditEntry(
            at=at, actor=actor, action=action, object_type=object_type, object_id=object_id, before=before, after=after
        )
    )
    await session.flush()


async def since(session: AsyncSession, start: datetime) -> Sequence[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.at >= start).order_by(AuditEntry.at, AuditEntry.id)
    return (await session.execute(statement)).scalars().all()
