"""The append-only audit log: every staff, manager and admin action, with before and after."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
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


async def filtered(
    session: AsyncSession, *, action: str | None, actor: str | None, object_id: str | None, limit: int, offset: int,
) -> tuple[Sequence[AuditEntry], int]:
    """Entries matching every filter given (an actor by its start, so `web:` finds the web's),
    newest first, one page of them, and how many match in all."""
    conditions = []
    if action:
        conditions.append(AuditEntry.action == action)
    if actor:
        conditions.append(AuditEntry.actor.startswith(actor, autoescape=True))
    if object_id:
        conditions.append(AuditEntry.object_id == object_id)
    total = (await session.execute(select(func.count()).select_from(AuditEntry).where(*conditions))).scalar_one()
    statement = select(AuditEntry).where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    rows = (await session.execute(statement.limit(limit).offset(offset))).scalars().all()
    return rows, total
