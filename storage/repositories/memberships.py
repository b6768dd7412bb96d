"""Alzheimer-centre memberships."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership


async def live_with_identity(session: AsyncSession, identity_key: str) -> Membership | None:
    """A pending or approved membership of this member, if any."""
    statement = select(Membership).where(
        Membership.identity_key == identity_key, Membership.status.in_(("pending", "approved"))
    )
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def pending(session: AsyncSession, centre_ids: Sequence[str] | None, limit: int = 10) -> Sequence[Membership]:
    statement = select(Membership).where(Membership.status == "pending")
    if centre_ids is not None:
        statement = statement.where(Membership.centre_id.in_(centre_ids))
    return (await session.execute(statement.order_by(Membership.id).limit(limit))).scalars().all()


async def for_update(session: AsyncSession, membership_id: int) -> Membership | None:
    statement = select(Membership).where(Membership.id == membership_id).with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()
