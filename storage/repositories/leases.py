"""Leases: work that one worker at a time may do, handed over when its holder stops renewing.

Taking and renewing are the same statement (an upsert that only wins over an expired lease
or one's own), so two workers asking at once cannot both get it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import dialect_name
from storage.models import Lease


async def hold(session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `holder` until now + ttl; False while another holds it."""
    module = postgresql if dialect_name(session) == "postgresql" else sqlite
    statement = module.insert(Lease).values(name=name, holder=holder, expires_at=now + ttl)
    statement = statement.on_conflict_do_update(
        index_elements=[Lease.name],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=or_(Lease.holder == holder, Lease.expires_at < now),
    ).returning(Lease.name)
    return (await session.execute(statement)).first() is not None


async def holder_of(session: AsyncSession, name: str, now: datetime) -> str | None:
    """Who holds `name` now, if anyone (for status commands)."""
    lease = await session.get(Lease, name)
    return lease.holder if lease is not None and lease.expires_at >= now else None


async def give_up(session: AsyncSession, name: str, holder: str) -> None:
    """Let another worker take `name` at once (a worker shutting down cleanly)."""
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
